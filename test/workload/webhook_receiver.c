/* webhook_receiver.c - a loopback HTTP receiver for test_webhook.sh, on
 * libmicrohttpd. It listens on 127.0.0.1 (port 0: the kernel picks; written
 * to PORTFILE), stores each request's body as DIR/req-N and appends
 * "N STATUS CONTENT-TYPE BYTES" to DIR/log. MODE says how it answers:
 *   ok          200 to everything
 *   fail:K      500 to the first K requests, then 200
 *   refuse      404 to everything
 *   hold:FILE   the first request is answered (200) only once FILE exists;
 *               "hold:never" never answers it
 * Usage: webhook_receiver PORTFILE DIR MODE */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <microhttpd.h>

struct body {
	char *data;
	size_t len;
};

static const char *dir, *mode;
static unsigned requests;

static unsigned status_for(unsigned n)
{
	if (strncmp(mode, "fail:", 5) == 0)
		return n <= (unsigned)atoi(mode + 5) ? 500 : 200;
	if (strcmp(mode, "refuse") == 0)
		return 404;
	return 200;
}

/* hold:FILE: wait for FILE before answering the first request (bounded). */
static void hold(unsigned n)
{
	if (n != 1 || strncmp(mode, "hold:", 5) != 0)
		return;
	while (strcmp(mode + 5, "never") == 0)
		pause();        /* until the test kills it */
	for (int i = 0; i < 60000; i++) {
		if (access(mode + 5, F_OK) == 0)
			return;
		usleep(1000);
	}
}

static void record(unsigned n, unsigned status, const char *type, const struct body *b)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/req-%u", dir, n);
	if ((f = fopen(path, "w"))) {
		fwrite(b->data, 1, b->len, f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/log", dir);
	if ((f = fopen(path, "a"))) {
		fprintf(f, "%u %u %s %zu\n", n, status, type ? type : "-", b->len);
		fclose(f);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *size, void **state)
{
	struct body *b = *state;
	struct MHD_Response *r;
	unsigned n, status;
	enum MHD_Result rc;

	(void)cls, (void)url, (void)method, (void)version;
	if (!b) {
		*state = calloc(1, sizeof(*b));
		return *state ? MHD_YES : MHD_NO;
	}
	if (*size) {
		char *p = realloc(b->data, b->len + *size);

		if (!p)
			return MHD_NO;
		memcpy(p + b->len, data, *size);
		b->data = p;
		b->len += *size;
		*size = 0;
		return MHD_YES;
	}
	n = ++requests;
	hold(n);
	status = status_for(n);
	record(n, status, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"), b);
	r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static void on_done(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode t)
{
	struct body *b = *state;

	(void)cls, (void)c, (void)t;
	if (b)
		free(b->data);
	free(b);
	*state = NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;
	FILE *f;

	if (argc != 4) {
		fprintf(stderr, "usage: webhook_receiver PORTFILE DIR MODE\n");
		return 2;
	}
	dir = argv[2];
	mode = argv[3];
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, NULL,
			     MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
			     MHD_OPTION_END);
	if (!d || !(info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) || !(f = fopen(argv[1], "w"))) {
		fprintf(stderr, "webhook_receiver: cannot listen\n");
		return 1;
	}
	fprintf(f, "%u\n", info->port);
	fclose(f);
	pause();        /* until the test kills it */
	return 0;
}
