/* bpfgone.c - which of the given BPF object ids still exist in the kernel.
 * test_signals.sh collects the prog_id/link_id/map_id lines of a running
 * tracee's /proc/PID/fdinfo and, after tracee exits, asks this whether any of
 * them is still loaded: a tracer that exits must leave nothing behind.
 *   bpfgone prog:ID link:ID map:ID ...   prints the ones still alive; exit 1 if any */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

static const struct {
	const char *kind;
	int (*get_fd)(__u32 id);
} kinds[] = {
	{ "prog", bpf_prog_get_fd_by_id },
	{ "link", bpf_link_get_fd_by_id },
	{ "map", bpf_map_get_fd_by_id },
};

/* 1 alive, 0 gone, -1 cannot tell. */
static int alive(const char *arg)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i].kind);

		if (strncmp(arg, kinds[i].kind, n) || arg[n] != ':')
			continue;
		int fd = kinds[i].get_fd((__u32)strtoul(arg + n + 1, NULL, 10));

		if (fd >= 0) {
			close(fd);
			return 1;
		}
		return errno == ENOENT ? 0 : -1;
	}
	return -1;
}

int main(int argc, char **argv)
{
	int still = 0;

	for (int i = 1; i < argc; i++) {
		int a = alive(argv[i]);

		if (a) {
			printf("%s %s\n", argv[i], a > 0 ? "alive" : "unknown");
			still = 1;
		}
	}
	return still;
}
