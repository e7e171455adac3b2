/* fuzz_flags.c - libFuzzer target: the input split at NUL bytes is a tracee
 * command line. Parsing must end in run, exit or a one-line error: never a
 * crash, a hang or a read out of bounds. run.sh passes -close_fd_mask=3: the
 * pages of --help and --list and the error lines would drown the fuzzer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "flags.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tracee_config cfg;
	char *copy = malloc(size + 1), *argv[MAX_ARGS + 2];
	int argc = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[argc++] = "tracee";
	for (char *p = copy; p < copy + size && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	flags_defaults(&cfg);
	flags_parse(argc, argv, &cfg);
	free(copy);
	return 0;
}
