/* capture.c - --capture: the kernel side's capture records (bpf-src/capture_record.h)
 * turned into artifacts under the output path:
 *
 *   <output>/<ctr>/write.dev-<dev>.inode-<ino>  bytes written to that file, at their
 *                                               offsets (appended for streams)
 *   <output>/<ctr>/exec.<ts>.<basename>         a copy of an executed file, once per version
 *   <output>/<ctr>/bin.<ts>                     a memory region made executable
 *   <output>/<ctr>/index                        one line per artifact: its name, TAB,
 *                                               the file it stands for (escaped), ...
 *
 * <ctr> is "host" or a container's id. tracee runs as root and /tmp is shared,
 * so everything is made relative to directory descriptors, never following a
 * symlink (O_NOFOLLOW, O_EXCL), only as regular files we own with one link,
 * inside an output path we own and nobody else can write. What cannot be
 * written is counted and reported, never written elsewhere. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "../bpf-src/capture_record.h"
#include "capture.h"
#include "sha256.h"

#define CTR_MAX         64
#define OPEN_MAX        64              /* artifact descriptors kept open */
#define PEND_SIZE       (256 << 10)     /* contiguous data gathered before a pwrite */
#define COPY_SIZE       (64 << 10)
#define NOTES_MAX       64              /* exec digests waiting for their event */
#define ERRORS_SHOWN    10
#define CLEAR_DEPTH     16

struct ctr_dir {
	char name[CAPTURE_NAME_MAX];
	int fd;                 /* -1: could not be made */
	FILE *index;
};

enum art_kind { ART_WRITE, ART_MEM };

/* One artifact file being written: a written file or a memory region. */
struct artifact {
	uint64_t ino;           /* ART_MEM: the region's record time stamp */
	uint32_t dev;
	uint16_t ctr;
	uint8_t kind;
	bool failed;            /* refused: its data is dropped */
	bool created;           /* opened (and emptied) in this run */
	int fd;                 /* -1 while closed */
	uint64_t end;           /* appended data goes here; ART_MEM: region length */
	char *path;             /* ART_WRITE: as the kernel last named it */
};

/* An executable already copied: dev, inode and modification time name a
 * version of its content (a chmod or rename does not make a new one). */
struct exec_version {
	uint64_t ino;
	int64_t mtime_sec;
	uint32_t mtime_nsec;
	uint32_t dev;
	char sha[SHA256_HEX_LEN];
};

/* The digest of a process's latest exec, until its exec event takes it. */
struct exec_note {
	uint64_t ino;
	uint32_t dev;
	uint32_t host_pid;
	char sha[SHA256_HEX_LEN];       /* "" once taken */
};

struct capture {
	int out_fd;
	struct container_cache *containers;     /* the pipeline's, for the current batch */
	struct ctr_dir ctrs[CTR_MAX];
	unsigned nctrs;
	struct artifact *arts;          /* indexes stay valid as it grows */
	size_t narts, arts_cap;
	uint32_t *slots;                /* hash of arts: index + 1, 0 free */
	size_t slots_cap;
	int open_ring[OPEN_MAX];        /* artifacts holding a descriptor, oldest first */
	unsigned open_next;
	struct exec_version *execs;
	size_t nexecs, execs_cap;
	struct exec_note notes[NOTES_MAX];
	unsigned note_next;
	char taken[SHA256_HEX_LEN];     /* a taken note's digest, until printed */
	struct {
		int art;                /* -1: nothing pending */
		uint64_t off;
		size_t len;
		unsigned char *buf;
	} pend;
	unsigned char *copy_buf;
	struct capture_counts counts;
	unsigned errors_shown;
	char first_error[256], last_error[256];
	bool debug;
};

static void capture_error(struct capture *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Each error is counted; a cause is printed when it first occurs (the same
 * one again, a full disk say, is only counted), and the first one is
 * repeated at exit with the count. */
static void capture_error(struct capture *c, const char *fmt, ...)
{
	char msg[sizeof(c->first_error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!c->counts.errors++)
		memcpy(c->first_error, msg, sizeof(msg));
	if (!strcmp(msg, c->last_error) && !c->debug)
		return;
	memcpy(c->last_error, msg, sizeof(msg));
	if (++c->errors_shown > ERRORS_SHOWN && !c->debug)
		return;
	fprintf(stderr, "tracee: capture: %s\n", msg);
	if (c->errors_shown == ERRORS_SHOWN && !c->debug)
		fputs("tracee: capture: further errors are only counted\n", stderr);
}

/* ---- flags ----------------------------------------------------------------- */

static const struct { const char *name; unsigned kinds; } kind_names[] = {
	{ "write", CAPTURE_WRITE },
	{ "exec", CAPTURE_EXEC },
	{ "mem", CAPTURE_MEM },
	{ "all", CAPTURE_ALL },
};

int capture_parse_kinds(const char *list, unsigned *kinds)
{
	bool any = false;

	for (const char *p = list; *p; ) {
		size_t len = strcspn(p, ","), i;

		for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
			if (strlen(kind_names[i].name) == len && strncmp(p, kind_names[i].name, len) == 0)
				break;
		if (len && i == sizeof(kind_names) / sizeof(kind_names[0]))
			return -EINVAL;
		if (len) {
			*kinds |= kind_names[i].kinds;
			any = true;
		}
		p += len + (p[len] == ',');
	}
	return any ? 0 : -EINVAL;
}

/* ---- loader side ---------------------------------------------------------- */

static int prog_autoload(struct bpf_object *obj, const char *name, bool load)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, name);

	return prog ? bpf_program__set_autoload(prog, load) : (load ? -ENOENT : 0);
}

/* sched_prepare_exec (6.10) comes before the exec event; older kernels only
 * have sched_process_exec. */
static bool kernel_has_prepare_exec(void)
{
	if (libbpf_find_vmlinux_btf_id("sched_prepare_exec", BPF_TRACE_RAW_TP) > 0)
		return true;
	return access("/sys/kernel/tracing/events/sched/sched_prepare_exec", F_OK) == 0 ||
	       access("/sys/kernel/debug/tracing/events/sched/sched_prepare_exec", F_OK) == 0;
}

int capture_prepare(struct bpf_object *obj, const struct tracee_config *cfg)
{
	unsigned k = cfg->capture;
	bool exec = k & CAPTURE_EXEC, prepare = exec && kernel_has_prepare_exec();
	int err;

	if ((err = prog_autoload(obj, "tracee_capture_prepare_exec", prepare)) ||
	    (err = prog_autoload(obj, "tracee_capture_process_exec", exec && !prepare)))
		return err;
	if (cfg->debug && exec)
		fprintf(stderr, "tracee: capture exec served by raw_tracepoint:%s\n",
			prepare ? "sched_prepare_exec" : "sched_process_exec");
	return 0;
}

void capture_filter_make(struct capture_filter *f, const char *prefix)
{
	unsigned char *word = (unsigned char *)f->word, *mask = (unsigned char *)f->mask;
	size_t n = strnlen(prefix, CAPTURE_PREFIX_MAX - 1);

	memset(f, 0, sizeof(*f));
	memcpy(word, prefix, n);
	memset(mask, 0xff, n);
}

int capture_configure(struct bpf_object *obj, const struct tracee_config *cfg)
{
	struct capture_config conf = { .kinds = cfg->capture };
	int fd = bpf_object__find_map_fd_by_name(obj, "capture_config");
	uint32_t zero = 0;

	if (!cfg->capture)
		return 0;
	if (fd < 0)
		return -ENOENT;
	for (unsigned i = 0; i < cfg->n_write_filters && i < CAPTURE_FILTERS_MAX; i++) {
		size_t n = strlen(cfg->write_filters[i]);

		if (n >= CAPTURE_PREFIX_MAX)
			return -ENAMETOOLONG;
		capture_filter_make(&conf.filters[i], cfg->write_filters[i]);
		conf.nfilters++;
	}
	return bpf_map_update_elem(fd, &zero, &conf, BPF_ANY) ? -errno : 0;
}

int capture_kernel_stats(struct bpf_object *obj, uint64_t out[CAPTURE_STAT_MAX])
{
	int fd = obj ? bpf_object__find_map_fd_by_name(obj, "capture_stats") : -1;
	int ncpu = libbpf_num_possible_cpus();

	memset(out, 0, sizeof(uint64_t) * CAPTURE_STAT_MAX);
	if (fd < 0 || ncpu <= 0)
		return -ENOENT;
	uint64_t vals[ncpu];

	for (uint32_t k = 0; k < CAPTURE_STAT_MAX; k++) {
		if (bpf_map_lookup_elem(fd, &k, vals))
			return -errno;
		for (int i = 0; i < ncpu; i++)
			out[k] += vals[i];
	}
	return 0;
}

/* ---- names ---------------------------------------------------------------- */

int capture_write_name(char *buf, size_t len, uint32_t dev, uint64_t ino)
{
	int n = snprintf(buf, len, "write.dev-%u.inode-%llu", dev, (unsigned long long)ino);

	return n < 0 || (size_t)n >= len ? -1 : n;
}

int capture_mem_name(char *buf, size_t len, uint64_t ts)
{
	int n = snprintf(buf, len, "bin.%llu", (unsigned long long)ts);

	return n < 0 || (size_t)n >= len ? -1 : n;
}

static bool name_char_ok(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '_' || ch == '-' || ch == '+';
}

/* Copy len bytes as a file-name part: odd bytes become '_'. */
static size_t sanitize(char *dst, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = name_char_ok((unsigned char)src[i]) ? src[i] : '_';
	return len;
}

#define EXEC_BASE_MAX 128

int capture_exec_name(char *buf, size_t len, uint64_t ts, const char *path, size_t path_len)
{
	const char *base = path;
	size_t blen;
	int n;

	for (size_t i = 0; i < path_len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	blen = path_len - (size_t)(base - path);
	if (blen > EXEC_BASE_MAX)
		blen = EXEC_BASE_MAX;
	n = snprintf(buf, len, "exec.%llu.", (unsigned long long)ts);
	if (n < 0 || (size_t)n + (blen ? blen : 1) >= len)
		return -1;
	if (blen == 0)
		buf[n++] = '_';
	else
		n += (int)sanitize(buf + n, base, blen);
	buf[n] = '\0';
	return n;
}

int capture_ctr_name(char *buf, size_t len, const char *container_id)
{
	size_t n = container_id ? strlen(container_id) : 0;

	if (n == 0 || (n <= 2 && strspn(container_id, ".") == n)) {
		container_id = "host";
		n = 4;
	}
	if (n >= len)
		return -1;
	sanitize(buf, container_id, n);
	buf[n] = '\0';
	return (int)n;
}

size_t capture_escape(char *dst, size_t cap, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (cap == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)src[i];

		if (ch == '\\' || ch < 0x20 || ch == 0x7f) {
			if (o + 4 >= cap)
				break;
			dst[o++] = '\\';
			if (ch == '\\') {
				dst[o++] = '\\';
				continue;
			}
			dst[o++] = 'x';
			dst[o++] = hex[ch >> 4];
			dst[o++] = hex[ch & 15];
			continue;
		}
		if (o + 1 >= cap)
			break;
		dst[o++] = (char)ch;
	}
	dst[o] = '\0';
	return o;
}

bool capture_dev_matches(uint32_t kdev, dev_t st_dev)
{
	return major(st_dev) == kdev >> 20 && minor(st_dev) == (kdev & 0xfffff);
}

/* ---- files, safely -------------------------------------------------------- */

/* A file we may write into: ours, regular, one link (no planted hard link). */
static int check_own_file(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1 || st.st_uid != geteuid())
		return -EPERM;
	return 0;
}

/* A directory we may create in: ours, writable by nobody else. */
static int check_own_dir(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
		return -EPERM;
	return 0;
}

/* Open name in dir for writing without following a symlink or blocking on
 * a planted FIFO; truncate (only once verified) when asked. */
static int open_artifact(int dir, const char *name, bool truncate)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	int err;

	if (fd < 0)
		return errno == ELOOP ? -ELOOP : -errno;
	if ((err = check_own_file(fd)) || (truncate && ftruncate(fd, 0) && (err = -errno))) {
		close(fd);
		return err;
	}
	return fd;
}

static const char *why(int err)
{
	if (err == -ELOOP)
		return "it is a symlink, not followed";
	if (err == -EPERM)
		return "not a regular file of ours with one link, left alone";
	return strerror(-err);
}

/* Remove everything inside dir (a descriptor we own), depth first. */
static int clear_dir(int dir, int depth)
{
	DIR *d;
	struct dirent *e;
	int err = 0, fd = dup(dir);

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dir, e->d_name, 0) == 0)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			err = -errno;
			continue;
		}
		int sub = openat(dir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (sub < 0 || depth >= CLEAR_DEPTH || clear_dir(sub, depth + 1) ||
		    unlinkat(dir, e->d_name, AT_REMOVEDIR))
			err = -ENOTEMPTY;
		if (sub >= 0)
			close(sub);
	}
	closedir(d);
	return err;
}

int capture_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

/* mkdir -p for the output path's parents (0755, as the pid file wants) and
 * the path itself (0700), then open it without following a final symlink. */
static int open_output_dir(const char *path)
{
	int err = capture_mkdir_p(path, 0700);

	if (err)
		return err;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* ---- container directories ------------------------------------------------ */

static FILE *open_index(int dir)
{
	int fd = openat(dir, "index", O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
			O_CLOEXEC, 0600);
	FILE *f;

	if (fd < 0)
		return NULL;
	if (check_own_file(fd) || !(f = fdopen(fd, "a"))) {
		close(fd);
		return NULL;
	}
	return f;
}

/* The directory for the record's container, made on first use. */
static struct ctr_dir *ctr_for(struct capture *c, const struct event_header *h, int *idx)
{
	char name[CAPTURE_NAME_MAX];
	struct ctr_dir *d;

	if (capture_ctr_name(name, sizeof(name),
			     c->containers ? container_cache_id(c->containers, h) : "") < 0)
		return NULL;
	for (unsigned i = 0; i < c->nctrs; i++)
		if (strcmp(c->ctrs[i].name, name) == 0) {
			*idx = (int)i;
			return c->ctrs[i].fd >= 0 ? &c->ctrs[i] : NULL;
		}
	if (c->nctrs == CTR_MAX)
		return NULL;
	*idx = (int)c->nctrs;
	d = &c->ctrs[c->nctrs++];
	snprintf(d->name, sizeof(d->name), "%s", name);
	if (mkdirat(c->out_fd, name, 0700) && errno != EEXIST) {
		capture_error(c, "cannot create %s: %s", name, strerror(errno));
		d->fd = -1;
		return NULL;
	}
	d->fd = openat(c->out_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d->fd < 0 || check_own_dir(d->fd)) {
		capture_error(c, "cannot use %s: %s", name,
			      d->fd < 0 ? why(-errno) : "not a private directory of ours");
		if (d->fd >= 0)
			close(d->fd);
		d->fd = -1;
		return NULL;
	}
	d->index = open_index(d->fd);
	if (!d->index)
		capture_error(c, "cannot write %s/index: %s", name, why(-errno));
	return d;
}

static void index_line(struct capture *c, struct ctr_dir *d, const char *name, const char *what,
		       size_t what_len, const char *extra)
{
	char esc[4 * 4096 + 1];

	if (!d->index)
		return;
	capture_escape(esc, sizeof(esc), what, what_len);
	fprintf(d->index, "%s\t%s%s%s\n", name, esc, extra ? "\t" : "", extra ? extra : "");
}

/* ---- the artifact table --------------------------------------------------- */

static uint64_t art_hash(uint16_t ctr, uint8_t kind, uint32_t dev, uint64_t ino)
{
	uint64_t h = ino * 0x9e3779b97f4a7c15ull;

	h ^= ((uint64_t)dev << 24 | (uint64_t)ctr << 8 | kind) * 0xc2b2ae3d27d4eb4full;
	return h ^ (h >> 29);
}

static int slots_grow(struct capture *c)
{
	size_t cap = c->slots_cap ? 2 * c->slots_cap : 1024;
	uint32_t *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < c->narts; i++) {
		const struct artifact *a = &c->arts[i];
		size_t s = art_hash(a->ctr, a->kind, a->dev, a->ino) & (cap - 1);

		while (slots[s])
			s = (s + 1) & (cap - 1);
		slots[s] = (uint32_t)i + 1;
	}
	free(c->slots);
	c->slots = slots;
	c->slots_cap = cap;
	return 0;
}

/* The artifact for this key, made (closed, not yet created) when new; -1 when
 * out of memory. */
static int art_get(struct capture *c, uint16_t ctr, uint8_t kind, uint32_t dev, uint64_t ino)
{
	size_t s;

	if (!c->slots_cap || 2 * (c->narts + 1) > c->slots_cap)
		if (slots_grow(c))
			return -1;
	s = art_hash(ctr, kind, dev, ino) & (c->slots_cap - 1);
	for (; c->slots[s]; s = (s + 1) & (c->slots_cap - 1)) {
		const struct artifact *a = &c->arts[c->slots[s] - 1];

		if (a->ino == ino && a->dev == dev && a->ctr == ctr && a->kind == kind)
			return (int)c->slots[s] - 1;
	}
	if (c->narts == c->arts_cap) {
		size_t cap = c->arts_cap ? 2 * c->arts_cap : 256;
		struct artifact *arts = realloc(c->arts, cap * sizeof(*arts));

		if (!arts)
			return -1;
		c->arts = arts;
		c->arts_cap = cap;
	}
	c->arts[c->narts] = (struct artifact){ .ino = ino, .dev = dev, .ctr = ctr, .kind = kind,
					       .fd = -1 };
	c->slots[s] = (uint32_t)++c->narts;
	return (int)c->narts - 1;
}

static int art_name(const struct artifact *a, char *buf, size_t len)
{
	return a->kind == ART_MEM ? capture_mem_name(buf, len, a->ino)
				  : capture_write_name(buf, len, a->dev, a->ino);
}

/* A descriptor for artifact i: the first open in this run empties the file
 * (a region's is sized to the region); at most OPEN_MAX stay open. */
static int art_fd(struct capture *c, int i)
{
	struct artifact *a = &c->arts[i];
	struct ctr_dir *d = &c->ctrs[a->ctr];
	char name[CAPTURE_NAME_MAX];
	int *slot;

	if (a->fd >= 0 || a->failed)
		return a->fd;
	art_name(a, name, sizeof(name));
	a->fd = open_artifact(d->fd, name, !a->created);
	if (a->fd < 0) {
		capture_error(c, "cannot write %s/%s: %s", d->name, name, why(a->fd));
		a->failed = true;
		a->fd = -1;
		return -1;
	}
	if (!a->created) {
		a->created = true;
		if (a->kind == ART_MEM) {
			c->counts.regions++;
			if (ftruncate(a->fd, (off_t)a->end))
				capture_error(c, "cannot size %s/%s: %s", d->name, name, strerror(errno));
		} else {
			c->counts.files++;
		}
	}
	slot = &c->open_ring[c->open_next++ % OPEN_MAX];
	if (*slot >= 0 && *slot != i && c->arts[*slot].fd >= 0) {
		close(c->arts[*slot].fd);
		c->arts[*slot].fd = -1;
	}
	*slot = i;
	return a->fd;
}

static void pend_flush(struct capture *c)
{
	const unsigned char *p = c->pend.buf;
	size_t left = c->pend.len;
	off_t off = (off_t)c->pend.off;
	int fd;

	if (c->pend.art < 0 || left == 0)
		goto done;
	fd = art_fd(c, c->pend.art);
	while (fd >= 0 && left) {
		ssize_t n = pwrite(fd, p, left, off);

		if (n <= 0) {
			capture_error(c, "writing an artifact failed: %s", n ? strerror(errno) : "no space");
			break;
		}
		p += n;
		left -= (size_t)n;
		off += n;
	}
done:
	c->pend.art = -1;
	c->pend.len = 0;
}

/* Gather contiguous data of one artifact into one pwrite. */
static void art_write(struct capture *c, int i, uint64_t off, const void *data, size_t len)
{
	if (c->arts[i].failed)
		return;
	if (c->pend.art != i || c->pend.off + c->pend.len != off || c->pend.len + len > PEND_SIZE)
		pend_flush(c);
	if (c->pend.art < 0) {
		c->pend.art = i;
		c->pend.off = off;
	}
	memcpy(c->pend.buf + c->pend.len, data, len);
	c->pend.len += len;
}

/* ---- records ---------------------------------------------------------------- */

static void on_file(struct capture *c, const struct event_header *h, const struct capture_head *ch,
		    const char *path)
{
	char name[CAPTURE_NAME_MAX];
	struct ctr_dir *d;
	int ctr, i;

	if (!(d = ctr_for(c, h, &ctr)) || (i = art_get(c, (uint16_t)ctr, ART_WRITE, ch->dev, ch->ino)) < 0)
		return;
	struct artifact *a = &c->arts[i];

	if (a->path && strlen(a->path) == ch->len && memcmp(a->path, path, ch->len) == 0)
		return;
	free(a->path);
	a->path = strndup(path, ch->len);
	capture_write_name(name, sizeof(name), ch->dev, ch->ino);
	index_line(c, d, name, path, ch->len, NULL);
}

static void on_write(struct capture *c, const struct event_header *h, const struct capture_head *ch,
		     const unsigned char *data)
{
	struct artifact *a;
	uint64_t off;
	int ctr, i;

	if (!ctr_for(c, h, &ctr) || (i = art_get(c, (uint16_t)ctr, ART_WRITE, ch->dev, ch->ino)) < 0)
		return;
	a = &c->arts[i];
	off = ch->flags & CAPTURE_F_APPEND ? a->end : ch->off;
	art_write(c, i, off, data, ch->len);
	if (off + ch->len > a->end)
		a->end = off + ch->len;
}

static void on_mem(struct capture *c, const struct event_header *h, const struct capture_head *ch,
		   const unsigned char *data)
{
	char name[CAPTURE_NAME_MAX], what[128];
	struct ctr_dir *d;
	struct artifact *a;
	int ctr, i;

	if (ch->total > CAPTURE_MEM_MAX || ch->off > ch->total || ch->len > ch->total - ch->off)
		return;
	if (!(d = ctr_for(c, h, &ctr)) || (i = art_get(c, (uint16_t)ctr, ART_MEM, 0, h->ts)) < 0)
		return;
	a = &c->arts[i];
	if (!a->created && !a->failed) {
		a->end = ch->total;
		capture_mem_name(name, sizeof(name), h->ts);
		snprintf(what, sizeof(what), "pid %u addr 0x%llx len %llu", h->host_pid,
			 (unsigned long long)ch->addr, (unsigned long long)ch->total);
		index_line(c, d, name, what, strlen(what), NULL);
		if (art_fd(c, i) < 0)
			return;
	}
	art_write(c, i, ch->off, data, ch->len);
}

static bool same_version(const struct exec_version *v, const struct capture_head *ch)
{
	return v->ino == ch->ino && v->dev == ch->dev && v->mtime_sec == ch->mtime_sec &&
	       v->mtime_nsec == ch->mtime_nsec;
}

static bool is_executed_file(int fd, const struct capture_head *ch)
{
	struct stat st;

	return !fstat(fd, &st) && S_ISREG(st.st_mode) && capture_dev_matches(ch->dev, st.st_dev) &&
	       st.st_ino == ch->ino && (uint64_t)st.st_size == ch->total &&
	       st.st_mtim.tv_sec == ch->mtime_sec && (uint32_t)st.st_mtim.tv_nsec == ch->mtime_nsec;
}

/* The very file the kernel executed: the process's exe, or its path as the
 * process sees it, or as we do - whichever still is that dev, inode, mtime
 * and size (a file changed since is not what ran, and is not copied). */
static int open_executed(const struct event_header *h, const struct capture_head *ch,
			 const char *path)
{
	char p[PATH_MAX + 64];
	int fd;

	for (int how = 0; how < 3; how++) {
		int n = how == 0 ? snprintf(p, sizeof(p), "/proc/%u/exe", h->host_pid)
		      : how == 1 ? snprintf(p, sizeof(p), "/proc/%u/root%s", h->host_pid, path)
				 : snprintf(p, sizeof(p), "%s", path);

		if (n < 0 || (size_t)n >= sizeof(p))
			continue;
		fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (is_executed_file(fd, ch))
			return fd;
		close(fd);
	}
	return -ENOENT;
}

/* Copy in to out, hashing on the way; 0 or -errno. */
static int copy_hash(struct capture *c, int in, int out, char sha[SHA256_HEX_LEN])
{
	unsigned char digest[SHA256_DIGEST_LEN];
	struct sha256 s;
	ssize_t n;

	sha256_init(&s);
	while ((n = read(in, c->copy_buf, COPY_SIZE)) > 0) {
		sha256_update(&s, c->copy_buf, (size_t)n);
		for (ssize_t o = 0, w; o < n; o += w)
			if ((w = write(out, c->copy_buf + o, (size_t)(n - o))) <= 0)
				return w ? -errno : -ENOSPC;
	}
	if (n < 0)
		return -errno;
	sha256_final(&s, digest);
	sha256_hex(digest, sha);
	return 0;
}

/* One note per process: its latest exec's. */
static void note_sha(struct capture *c, uint32_t host_pid, const struct capture_head *ch,
		     const char *sha)
{
	struct exec_note *n = NULL;

	for (unsigned i = 0; i < NOTES_MAX && !n; i++)
		if (c->notes[i].sha[0] && c->notes[i].host_pid == host_pid)
			n = &c->notes[i];
	if (!n)
		n = &c->notes[c->note_next++ % NOTES_MAX];

	n->host_pid = host_pid;
	n->dev = ch->dev;
	n->ino = ch->ino;
	memcpy(n->sha, sha, SHA256_HEX_LEN);
}

static struct exec_version *exec_add(struct capture *c, const struct capture_head *ch)
{
	if (c->nexecs == c->execs_cap) {
		size_t cap = c->execs_cap ? 2 * c->execs_cap : 64;
		struct exec_version *v = realloc(c->execs, cap * sizeof(*v));

		if (!v)
			return NULL;
		c->execs = v;
		c->execs_cap = cap;
	}
	c->execs[c->nexecs] = (struct exec_version){ .ino = ch->ino, .dev = ch->dev,
		.mtime_sec = ch->mtime_sec, .mtime_nsec = ch->mtime_nsec };
	return &c->execs[c->nexecs++];
}

static void on_exec(struct capture *c, const struct event_header *h, const struct capture_head *ch,
		    const char *data)
{
	char path[TRACEE_STR_MAX + 1], name[CAPTURE_NAME_MAX], sha[SHA256_HEX_LEN], extra[80];
	struct exec_version *v;
	struct ctr_dir *d;
	int ctr, in, out, err;

	for (size_t i = c->nexecs; i-- > 0; )
		if (same_version(&c->execs[i], ch)) {
			note_sha(c, h->host_pid, ch, c->execs[i].sha);
			return;
		}
	memcpy(path, data, ch->len);
	path[ch->len] = '\0';
	if (!(d = ctr_for(c, h, &ctr)) || capture_exec_name(name, sizeof(name), h->ts, path, ch->len) < 0)
		return;
	if ((in = open_executed(h, ch, path)) < 0) {
		capture_error(c, "cannot copy %s (pid %u): no file is still dev %u inode %llu "
			      "mtime %lld.%09u as executed", path, h->host_pid, ch->dev,
			      (unsigned long long)ch->ino, (long long)ch->mtime_sec, ch->mtime_nsec);
		return;
	}
	out = openat(d->fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		capture_error(c, "cannot write %s/%s: %s", d->name, name,
			      errno == EEXIST ? "it exists (a planted file or symlink?), left alone"
					      : strerror(errno));
		close(in);
		return;
	}
	err = copy_hash(c, in, out, sha);
	close(in);
	close(out);
	if (err) {
		capture_error(c, "copying %s to %s/%s failed: %s", path, d->name, name, strerror(-err));
		return;
	}
	if ((v = exec_add(c, ch)))
		memcpy(v->sha, sha, sizeof(sha));
	c->counts.execs++;
	note_sha(c, h->host_pid, ch, sha);
	snprintf(extra, sizeof(extra), "sha256:%s", sha);
	index_line(c, d, name, path, ch->len, extra);
}

bool capture_record(struct capture *c, const void *data, size_t len, struct container_cache *cc)
{
	const struct event_header *h = data;
	const struct capture_head *ch;
	const unsigned char *payload;

	if (len < sizeof(*h) || h->event_id < CAPTURE_REC_FIRST || h->event_id >= CAPTURE_REC_END)
		return false;
	/* untrusted: the head and its data must lie inside the record */
	if (h->size > len || h->size < sizeof(*h) + sizeof(*ch))
		return true;
	ch = (const struct capture_head *)((const char *)data + sizeof(*h));
	payload = (const unsigned char *)(ch + 1);
	if (ch->len > h->size - sizeof(*h) - sizeof(*ch) || ch->len > TRACEE_STR_MAX + CAPTURE_CHUNK)
		return true;
	c->containers = cc;
	switch (h->event_id) {
	case CAPTURE_REC_FILE:
		on_file(c, h, ch, (const char *)payload);
		break;
	case CAPTURE_REC_WRITE:
		on_write(c, h, ch, payload);
		break;
	case CAPTURE_REC_EXEC:
		if (ch->len > 0 && ch->len <= TRACEE_STR_MAX)
			on_exec(c, h, ch, (const char *)payload);
		break;
	case CAPTURE_REC_MEM:
		on_mem(c, h, ch, payload);
		break;
	}
	return true;
}

/* The value of the event's numeric argument called name, if it has one. */
static bool event_num_arg(const struct event *ev, const char *name, uint64_t *v)
{
	for (unsigned i = 0; i < ev->argc && i < TRACEE_MAX_ARGS; i++)
		if (ev->args[i].def && strcmp(ev->args[i].def->name, name) == 0 &&
		    ev->args[i].kind >= ARG_INT && ev->args[i].kind <= ARG_PTR) {
			*v = (uint64_t)ev->args[i].num;
			return true;
		}
	return false;
}

/* The exec events that come after the capture record (sched_process_exec;
 * security_bprm_check where it is served at that tracepoint) get the digest
 * of the process's latest exec - when their dev and inode, if they carry
 * them, are that file's. sched_process_exec takes the note: a later exec
 * whose record was lost must not show an earlier file's digest. */
void capture_annotate(struct capture *c, struct event *ev)
{
	uint32_t id = ev->hdr->event_id;
	uint64_t dev = 0, ino = 0;
	bool has_dev, has_ino;

	ev->sha256 = NULL;
	if (id != EVENT_SCHED_PROCESS_EXEC && id != EVENT_SECURITY_BPRM_CHECK)
		return;
	has_dev = event_num_arg(ev, "dev", &dev);
	has_ino = event_num_arg(ev, "inode", &ino);
	for (unsigned i = 0; i < NOTES_MAX; i++) {
		struct exec_note *n = &c->notes[(c->note_next - 1 - i) % NOTES_MAX];

		if (!n->sha[0] || n->host_pid != ev->hdr->host_pid)
			continue;
		if ((has_dev && dev != n->dev) || (has_ino && ino != n->ino))
			return;
		ev->sha256 = n->sha;
		if (id == EVENT_SCHED_PROCESS_EXEC) {
			memcpy(c->taken, n->sha, SHA256_HEX_LEN);
			n->sha[0] = '\0';
			ev->sha256 = c->taken;
		}
		return;
	}
}

void capture_flush(struct capture *c)
{
	pend_flush(c);
	for (unsigned i = 0; i < c->nctrs; i++)
		if (c->ctrs[i].index)
			fflush(c->ctrs[i].index);
}

void capture_get_counts(const struct capture *c, struct capture_counts *out)
{
	*out = c->counts;
}

/* ---- open / close ------------------------------------------------------------ */

int capture_open(struct capture **out, const struct tracee_config *cfg)
{
	struct capture *c = calloc(1, sizeof(*c));
	int err;

	*out = NULL;
	if (!c || !(c->pend.buf = malloc(PEND_SIZE)) || !(c->copy_buf = malloc(COPY_SIZE))) {
		err = -ENOMEM;
		goto fail;
	}
	c->pend.art = -1;
	c->debug = cfg->debug;
	for (int i = 0; i < OPEN_MAX; i++)
		c->open_ring[i] = -1;
	c->out_fd = open_output_dir(cfg->output_path);
	if (c->out_fd < 0) {
		err = c->out_fd;
		fprintf(stderr, "tracee: capture: cannot open the output path %s: %s\n",
			cfg->output_path, why(err));
		goto fail;
	}
	if ((err = check_own_dir(c->out_fd))) {
		fprintf(stderr, "tracee: capture: the output path %s is not a directory of uid %u "
			"that only it can write: use --output-path with a private directory\n",
			cfg->output_path, (unsigned)geteuid());
		goto fail;
	}
	if (cfg->clear_output_path && (err = clear_dir(c->out_fd, 0))) {
		fprintf(stderr, "tracee: capture: cannot clear the output path %s: %s\n",
			cfg->output_path, strerror(-err));
		goto fail;
	}
	*out = c;
	return 0;
fail:
	if (c && c->out_fd > 0)
		close(c->out_fd);
	if (c) {
		free(c->pend.buf);
		free(c->copy_buf);
	}
	free(c);
	return err;
}

void capture_close(struct capture *c, struct bpf_object *obj, FILE *err)
{
	uint64_t k[CAPTURE_STAT_MAX];

	if (!c)
		return;
	capture_flush(c);
	capture_kernel_stats(obj, k);
	if (err)
		fprintf(err, "tracee: capture: files: %llu, execs: %llu, regions: %llu, "
			"lost writes: %llu, unreadable: %llu, errors: %llu\n",
			(unsigned long long)c->counts.files, (unsigned long long)c->counts.execs,
			(unsigned long long)c->counts.regions, (unsigned long long)k[CAPTURE_STAT_LOST],
			(unsigned long long)k[CAPTURE_STAT_UNREADABLE],
			(unsigned long long)c->counts.errors);
	if (err && c->counts.errors)
		fprintf(err, "tracee: capture: the first error: %s\n", c->first_error);
	for (size_t i = 0; i < c->narts; i++) {
		if (c->arts[i].fd >= 0)
			close(c->arts[i].fd);
		free(c->arts[i].path);
	}
	for (unsigned i = 0; i < c->nctrs; i++) {
		if (c->ctrs[i].index)
			fclose(c->ctrs[i].index);
		if (c->ctrs[i].fd >= 0)
			close(c->ctrs[i].fd);
	}
	close(c->out_fd);
	free(c->arts);
	free(c->slots);
	free(c->execs);
	free(c->pend.buf);
	free(c->copy_buf);
	free(c);
}
