/* service_notify.c - tell systemd that tracing is attached (READY=1) and
 * that tracee is stopping (STOPPING=1): one datagram each to the unix
 * socket systemd names in $NOTIFY_SOCKET (a path, or "@name" in the
 * abstract namespace), as sd_notify(3) does. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "service_notify.h"

static char socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

void service_notify_init(void)
{
	const char *p = getenv("NOTIFY_SOCKET");

	socket_path[0] = '\0';
	if (p && (p[0] == '/' || p[0] == '@') && strlen(p) < sizeof(socket_path))
		strcpy(socket_path, p);
	unsetenv("NOTIFY_SOCKET");
}

int service_notify(const char *state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(socket_path);
	int fd, err = 0;

	if (n == 0)
		return 0;
	memcpy(sa.sun_path, socket_path, n);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0)
		err = -errno;
	close(fd);
	return err;
}
