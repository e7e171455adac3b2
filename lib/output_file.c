/* output_file.c - the events' file for --output FORMAT:PATH. Rotation is
 * logrotate's: it renames the file and sends SIGHUP; tracee then opens the
 * path again and moves the new file onto the descriptor the printer writes
 * to (dup2), so the printer never sees a different fd and nothing written
 * before the signal can land in the new file or be lost. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "output_file.h"

/* Appending, so a file that logrotate's copytruncate emptied is written
 * from its new end rather than at the old offset (no hole of zeros). A
 * symlink is not followed: tracee runs as root. */
static int open_path(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0640);

	if (fd < 0) {
		int err = errno;

		fprintf(stderr, "tracee: cannot open output file %s: %s (choose a writable path with "
			"-o FORMAT:PATH)\n", path, strerror(err));
		return -err;
	}
	return fd;
}

int output_file_open(struct output_file *of, const char *path)
{
	of->path = path;
	of->fd = open_path(path);
	return of->fd < 0 ? of->fd : 0;
}

int output_file_reopen(struct output_file *of)
{
	int fd = open_path(of->path);

	if (fd < 0)
		return fd;
	if (dup3(fd, of->fd, O_CLOEXEC) < 0) {
		int err = errno;

		close(fd);
		fprintf(stderr, "tracee: cannot reopen %s: %s\n", of->path, strerror(err));
		return -err;
	}
	close(fd);
	return 0;
}

void output_file_close(struct output_file *of)
{
	if (of->fd >= 0)
		close(of->fd);
	of->fd = -1;
}
