/* service_notify.h - systemd's readiness protocol (Type=notify), spoken
 * directly: no libsystemd. Without $NOTIFY_SOCKET every call does nothing. */
#ifndef TRACEE_SERVICE_NOTIFY_H
#define TRACEE_SERVICE_NOTIFY_H

/* Take $NOTIFY_SOCKET out of the environment (the traced command must not
 * speak for tracee), keeping it for service_notify. */
void service_notify_init(void);
/* Send one state ("READY=1", "STOPPING=1", ...); 0 or -errno. */
int service_notify(const char *state);

#endif
