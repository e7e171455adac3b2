/* main.c - tracee's entry point: flags -> config -> run. No tracing logic here. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "flags.h"

/* The build plugin and a prebuilt object may sit next to the binary. */
static const char *exe_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return dirname(buf);
}

int main(int argc, char **argv)
{
	static struct tracee_config cfg;
	char dir[PATH_MAX];

	flags_defaults(&cfg);
	switch (flags_parse(argc, argv, &cfg)) {
	case FLAGS_EXIT_OK:
		return 0;
	case FLAGS_ERROR:
		return 2;
	case FLAGS_RUN:
		break;
	}
	cfg.exe_dir = exe_dir(dir, sizeof(dir));
	return tracee_run(&cfg);
}
