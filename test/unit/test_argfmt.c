/* test_argfmt.c - decoded arguments, byte for byte as strace 6.1 spells them
 * (every expected string below was checked against strace's output for the
 * same value on the development machine), in table and JSON form; socket
 * addresses of each family, cut short and malformed; fd pairs; errno names;
 * and whole printer rows built from the real syscall table. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "argfmt.h"
#include "check.h"
#include "printer.h"
#include "testutil.h"

static struct outbuf ob;
static int memfd;
static char got[1 << 16];

/* Flush ob and return everything written since the last take(). */
static const char *take(void)
{
	return memfd_take(&ob, memfd, got, sizeof(got));
}

/* One number argument of the given kind and format, shown as text or JSON. */
static const char *num(unsigned char kind, unsigned char fmt, int64_t v, bool json)
{
	struct arg_def def = { "int", "x", kind, fmt };
	struct event_arg a = { .def = &def, .kind = kind, .num = v };

	argfmt_value(&ob, &a, json);
	return take();
}

/* The text form is want; the JSON form is want as a string. */
#define NUM(kind, fmt, v, want) do { \
	char _j[512]; \
	snprintf(_j, sizeof(_j), "\"%s\"", (want)); \
	CHECK_STR(num((kind), (fmt), (v), false), (want)); \
	CHECK_STR(num((kind), (fmt), (v), true), _j); \
} while (0)

#define INT(fmt, v, want) NUM(ARG_INT, (fmt), (int32_t)(v), (want))

static void test_open_flags(void)
{
	INT(FMT_OPEN_FLAGS, 0, "O_RDONLY");
	INT(FMT_OPEN_FLAGS, 1, "O_WRONLY");
	INT(FMT_OPEN_FLAGS, 2, "O_RDWR");
	INT(FMT_OPEN_FLAGS, 3, "O_ACCMODE");
	INT(FMT_OPEN_FLAGS, 02000000, "O_RDONLY|O_CLOEXEC");
	INT(FMT_OPEN_FLAGS, 01101, "O_WRONLY|O_CREAT|O_TRUNC");
	INT(FMT_OPEN_FLAGS, 0302, "O_RDWR|O_CREAT|O_EXCL");
	INT(FMT_OPEN_FLAGS, 02204000, "O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY");
	INT(FMT_OPEN_FLAGS, 02101, "O_WRONLY|O_CREAT|O_APPEND");
	INT(FMT_OPEN_FLAGS, 0400, "O_RDONLY|O_NOCTTY");
	INT(FMT_OPEN_FLAGS, 012400000, "O_RDONLY|O_NOFOLLOW|O_CLOEXEC|O_PATH");
	INT(FMT_OPEN_FLAGS, 020200002, "O_RDWR|O_TMPFILE");
	INT(FMT_OPEN_FLAGS, 020000000, "O_RDONLY|__O_TMPFILE");
	INT(FMT_OPEN_FLAGS, 0100000, "O_RDONLY|O_LARGEFILE");
	INT(FMT_OPEN_FLAGS, 04010000, "O_RDONLY|O_SYNC");
	INT(FMT_OPEN_FLAGS, 010000, "O_RDONLY|O_DSYNC");
	INT(FMT_OPEN_FLAGS, 04000000, "O_RDONLY|__O_SYNC");
	INT(FMT_OPEN_FLAGS, 01060000, "O_RDONLY|O_DIRECT|O_NOATIME|FASYNC");
	/* unknown bits are kept as a hex remainder, never dropped */
	INT(FMT_OPEN_FLAGS, 0x40000000, "O_RDONLY|0x40000000");
	INT(FMT_OPEN_FLAGS, 0x80000001, "O_WRONLY|0x80000000");
	INT(FMT_OPEN_FLAGS, -1, "O_ACCMODE|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|"
	    "O_SYNC|O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_PATH|O_TMPFILE|FASYNC|"
	    "0xff80003c");
	INT(FMT_OPEN_FLAGS, 0xfffffffc & ~04000000, "O_RDONLY|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|"
	    "O_APPEND|O_NONBLOCK|O_DSYNC|O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|"
	    "O_PATH|O_TMPFILE|FASYNC|0xff80003c");
	INT(FMT_OPEN_FLAGS, 0xfffffffc & ~020000000, "O_RDONLY|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|"
	    "O_APPEND|O_NONBLOCK|O_SYNC|O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_PATH|"
	    "O_DIRECTORY|FASYNC|0xff80003c");

	/* pipe2, dup3: the same names without an access mode */
	INT(FMT_FD_FLAGS, 0, "0");
	INT(FMT_FD_FLAGS, 02000000, "O_CLOEXEC");
	INT(FMT_FD_FLAGS, 02044000, "O_NONBLOCK|O_DIRECT|O_CLOEXEC");
	INT(FMT_FD_FLAGS, 0x40000000, "0x40000000 /* O_??? */");
	INT(FMT_FD_FLAGS, 1, "0x1 /* O_??? */");
}

static void test_access_and_at(void)
{
	INT(FMT_ACCESS_MODE, 0, "F_OK");
	INT(FMT_ACCESS_MODE, 1, "X_OK");
	INT(FMT_ACCESS_MODE, 4, "R_OK");
	INT(FMT_ACCESS_MODE, 6, "R_OK|W_OK");
	INT(FMT_ACCESS_MODE, 7, "R_OK|W_OK|X_OK");
	INT(FMT_ACCESS_MODE, 8, "0x8 /* ?_OK */");
	INT(FMT_ACCESS_MODE, -1, "R_OK|W_OK|X_OK|0xfffffff8");

	INT(FMT_AT_FLAGS, 0, "0");
	INT(FMT_AT_FLAGS, 0x100, "AT_SYMLINK_NOFOLLOW");
	INT(FMT_AT_FLAGS, 0x200, "AT_REMOVEDIR");
	INT(FMT_AT_FLAGS, 0x400, "AT_SYMLINK_FOLLOW");
	INT(FMT_AT_FLAGS, 0x1000, "AT_EMPTY_PATH");
	INT(FMT_AT_FLAGS, 0x1800, "AT_NO_AUTOMOUNT|AT_EMPTY_PATH");
	INT(FMT_AT_FLAGS, 0x8000, "AT_RECURSIVE");
	INT(FMT_AT_FLAGS, 0x2000, "0x2000 /* AT_??? */");
	INT(FMT_AT_FLAGS, 0x40000000, "0x40000000 /* AT_??? */");
	INT(FMT_AT_FLAGS, -1, "AT_SYMLINK_NOFOLLOW|AT_REMOVEDIR|AT_SYMLINK_FOLLOW|AT_NO_AUTOMOUNT|"
	    "AT_EMPTY_PATH|AT_RECURSIVE|0xffff60ff");
	INT(FMT_ACCESS_AT_FLAGS, 0x300, "AT_SYMLINK_NOFOLLOW|AT_EACCESS");
	INT(FMT_ACCESS_AT_FLAGS, 0x1000, "AT_EMPTY_PATH");
	INT(FMT_ACCESS_AT_FLAGS, 1, "0x1 /* AT_??? */");
	INT(FMT_STATX_FLAGS, 0, "AT_STATX_SYNC_AS_STAT");
	INT(FMT_STATX_FLAGS, 0x2000, "AT_STATX_FORCE_SYNC");
	INT(FMT_STATX_FLAGS, 0x6100, "AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC|AT_SYMLINK_NOFOLLOW");

	/* dirfd: AT_FDCWD by name (a JSON string), anything else a number */
	CHECK_STR(num(ARG_INT, FMT_DIRFD, -100, false), "AT_FDCWD");
	CHECK_STR(num(ARG_INT, FMT_DIRFD, -100, true), "\"AT_FDCWD\"");
	CHECK_STR(num(ARG_INT, FMT_DIRFD, 5, false), "5");
	CHECK_STR(num(ARG_INT, FMT_DIRFD, 5, true), "5");
	CHECK_STR(num(ARG_INT, FMT_DIRFD, -1, true), "-1");
	CHECK_STR(num(ARG_UINT, FMT_DIRFD, 0xffffff9c, false), "AT_FDCWD");
	CHECK_STR(num(ARG_UINT, FMT_DIRFD, 0xffffffff, false), "-1");
}

static void test_modes(void)
{
	NUM(ARG_UINT, FMT_MODE, 0644, "0644");
	NUM(ARG_UINT, FMT_MODE, 04755, "04755");
	NUM(ARG_UINT, FMT_MODE, 0, "000");
	NUM(ARG_UINT, FMT_MODE, 01, "001");
	NUM(ARG_UINT, FMT_MODE, 022, "022");
	NUM(ARG_UINT, FMT_MODE, 01000, "01000");
	NUM(ARG_UINT, FMT_MODE, 0177777, "0177777");
	NUM(ARG_UINT, FMT_MODE, 0xffffffff, "037777777777");

	NUM(ARG_UINT, FMT_MKNOD_MODE, 010644, "S_IFIFO|0644");
	NUM(ARG_UINT, FMT_MKNOD_MODE, 0100600, "S_IFREG|0600");
	NUM(ARG_UINT, FMT_MKNOD_MODE, 0100000, "S_IFREG|000");
	NUM(ARG_UINT, FMT_MKNOD_MODE, 020600, "S_IFCHR|0600");
	NUM(ARG_UINT, FMT_MKNOD_MODE, 060600, "S_IFBLK|0600");
	NUM(ARG_UINT, FMT_MKNOD_MODE, 0140755, "S_IFSOCK|0755");
	NUM(ARG_UINT, FMT_MKNOD_MODE, 0147777, "S_IFSOCK|S_ISUID|S_ISGID|S_ISVTX|0777");
	NUM(ARG_UINT, FMT_MKNOD_MODE, 0120644, "S_IFLNK|0644");
	NUM(ARG_UINT, FMT_MKNOD_MODE, 040755, "S_IFDIR|0755");
	NUM(ARG_UINT, FMT_MKNOD_MODE, 0644, "0644");
	NUM(ARG_UINT, FMT_MKNOD_MODE, 0170644, "0170644");
	NUM(ARG_UINT, FMT_MKNOD_MODE, 0110644, "0110644");
	NUM(ARG_UINT, FMT_MKNOD_MODE, 01100644, "01100644");     /* bits above S_IFMT kept */
}

static void test_memory(void)
{
	INT(FMT_MMAP_PROT, 0, "PROT_NONE");
	INT(FMT_MMAP_PROT, 1, "PROT_READ");
	INT(FMT_MMAP_PROT, 3, "PROT_READ|PROT_WRITE");
	INT(FMT_MMAP_PROT, 5, "PROT_READ|PROT_EXEC");
	INT(FMT_MMAP_PROT, 7, "PROT_READ|PROT_WRITE|PROT_EXEC");
	INT(FMT_MMAP_PROT, 8, "PROT_SEM");
	INT(FMT_MMAP_PROT, 0x1000001, "PROT_READ|PROT_GROWSDOWN");
	INT(FMT_MMAP_PROT, 0x2000000, "PROT_GROWSUP");
	INT(FMT_MMAP_PROT, 0x11, "PROT_READ|0x10");
	INT(FMT_MMAP_PROT, 0x40, "0x40 /* PROT_??? */");
	INT(FMT_MMAP_PROT, -1, "PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|PROT_GROWSDOWN|"
	    "PROT_GROWSUP|0xfcfffff0");

	INT(FMT_MMAP_FLAGS, 0x22, "MAP_PRIVATE|MAP_ANONYMOUS");
	INT(FMT_MMAP_FLAGS, 0x1, "MAP_SHARED");
	INT(FMT_MMAP_FLAGS, 0x0, "MAP_FILE");
	INT(FMT_MMAP_FLAGS, 0x20, "MAP_FILE|MAP_ANONYMOUS");
	INT(FMT_MMAP_FLAGS, 0x3, "MAP_SHARED_VALIDATE");
	INT(FMT_MMAP_FLAGS, 0x812, "MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE");
	INT(FMT_MMAP_FLAGS, 0x20122, "MAP_PRIVATE|MAP_ANONYMOUS|MAP_GROWSDOWN|MAP_STACK");
	INT(FMT_MMAP_FLAGS, 0xc002, "MAP_PRIVATE|MAP_NORESERVE|MAP_POPULATE");
	INT(FMT_MMAP_FLAGS, 0x10000002, "MAP_PRIVATE|4<<MAP_HUGE_SHIFT");
	INT(FMT_MMAP_FLAGS, 0x54040002, "MAP_PRIVATE|MAP_HUGETLB|21<<MAP_HUGE_SHIFT");
	INT(FMT_MMAP_FLAGS, 0x4193042, "MAP_PRIVATE|MAP_32BIT|MAP_NONBLOCK|MAP_EXECUTABLE|"
	    "MAP_LOCKED|MAP_SYNC|MAP_FIXED_NOREPLACE|1<<MAP_HUGE_SHIFT");
	INT(FMT_MMAP_FLAGS, 0x3fffff0, "MAP_FILE|MAP_FIXED|MAP_ANONYMOUS|MAP_32BIT|MAP_NORESERVE|"
	    "MAP_POPULATE|MAP_NONBLOCK|MAP_GROWSDOWN|MAP_DENYWRITE|MAP_EXECUTABLE|MAP_LOCKED|"
	    "MAP_STACK|MAP_HUGETLB|MAP_SYNC|MAP_FIXED_NOREPLACE|0x3e00680");
	INT(FMT_MMAP_FLAGS, 0x4, "0x4 /* MAP_??? */");
	INT(FMT_MMAP_FLAGS, 0xf, "0xf /* MAP_??? */");
}

static void test_processes(void)
{
	const uint64_t odd = 0x1000 | 0x2000 | 0x800000 | 0x80000000ull | 0x8000 | 0x400000 | 0x80 |
			     0x100000000ull | 0x10000000 | 0x10000;

	NUM(ARG_ULONG, FMT_CLONE_FLAGS, 0x3d0f00, "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|"
	    "CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID");
	NUM(ARG_ULONG, FMT_CLONE_FLAGS, 0x1200011,
	    "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD");
	NUM(ARG_ULONG, FMT_CLONE_FLAGS, 0x4111, "CLONE_VM|CLONE_VFORK|SIGCHLD");
	NUM(ARG_ULONG, FMT_CLONE_FLAGS, 0x11, "SIGCHLD");
	NUM(ARG_ULONG, FMT_CLONE_FLAGS, 0, "0");
	NUM(ARG_ULONG, FMT_CLONE_FLAGS, 0x1001007f, "CLONE_THREAD|CLONE_NEWUSER|127");
	NUM(ARG_ULONG, FMT_CLONE_FLAGS, (int64_t)odd, "CLONE_PIDFD|CLONE_PTRACE|CLONE_PARENT|"
	    "CLONE_THREAD|CLONE_UNTRACED|CLONE_NEWUSER|CLONE_IO|0x100400000|128");
	NUM(ARG_ULONG, FMT_CLONE_FLAGS, (int64_t)0xffffffffffffff00ull, "CLONE_VM|CLONE_FS|"
	    "CLONE_FILES|CLONE_SIGHAND|CLONE_PIDFD|CLONE_PTRACE|CLONE_VFORK|CLONE_PARENT|"
	    "CLONE_THREAD|CLONE_NEWNS|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|"
	    "CLONE_CHILD_CLEARTID|CLONE_UNTRACED|CLONE_CHILD_SETTID|CLONE_NEWCGROUP|CLONE_NEWUTS|"
	    "CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET|CLONE_IO|0xffffffff00400000");

	INT(FMT_NS_FLAGS, 0x50020000, "CLONE_NEWNS|CLONE_NEWUSER|CLONE_NEWNET");
	INT(FMT_NS_FLAGS, 0, "0");
	INT(FMT_NS_FLAGS, 0x80, "CLONE_NEWTIME");
	INT(FMT_NS_FLAGS, -1, "CLONE_NEWTIME|CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|"
	    "CLONE_THREAD|CLONE_NEWNS|CLONE_SYSVSEM|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|"
	    "CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET|0x81f8f07f");

	NUM(ARG_LONG, FMT_PTRACE_REQUEST, 0, "PTRACE_TRACEME");
	NUM(ARG_LONG, FMT_PTRACE_REQUEST, 3, "PTRACE_PEEKUSER");
	NUM(ARG_LONG, FMT_PTRACE_REQUEST, 16, "PTRACE_ATTACH");
	NUM(ARG_LONG, FMT_PTRACE_REQUEST, 33, "PTRACE_SINGLEBLOCK");
	NUM(ARG_LONG, FMT_PTRACE_REQUEST, 0x4206, "PTRACE_SEIZE");
	NUM(ARG_LONG, FMT_PTRACE_REQUEST, 0x420f, "PTRACE_GET_RSEQ_CONFIGURATION");
	NUM(ARG_LONG, FMT_PTRACE_REQUEST, 20, "0x14 /* PTRACE_??? */");
	NUM(ARG_LONG, FMT_PTRACE_REQUEST, 0x4210, "0x4210 /* PTRACE_??? */");
	NUM(ARG_LONG, FMT_PTRACE_REQUEST, -1, "0xffffffffffffffff /* PTRACE_??? */");

	INT(FMT_PRCTL_OPTION, 15, "PR_SET_NAME");
	INT(FMT_PRCTL_OPTION, 1, "PR_SET_PDEATHSIG");
	INT(FMT_PRCTL_OPTION, 38, "PR_SET_NO_NEW_PRIVS");
	INT(FMT_PRCTL_OPTION, 64, "PR_SME_GET_VL");
	INT(FMT_PRCTL_OPTION, 0x59616d61, "PR_SET_PTRACER");
	INT(FMT_PRCTL_OPTION, 0, "0 /* PR_??? */");
	INT(FMT_PRCTL_OPTION, 17, "0x11 /* PR_??? */");
	INT(FMT_PRCTL_OPTION, 65, "PR_SET_MDWE");        /* newer than strace 6.1 */
	INT(FMT_PRCTL_OPTION, 79, "0x4f /* PR_??? */");
	INT(FMT_PRCTL_OPTION, 1000, "0x3e8 /* PR_??? */");
	INT(FMT_PRCTL_OPTION, -1, "0xffffffff /* PR_??? */");

	INT(FMT_BPF_CMD, 0, "BPF_MAP_CREATE");
	INT(FMT_BPF_CMD, 5, "BPF_PROG_LOAD");
	INT(FMT_BPF_CMD, 17, "BPF_RAW_TRACEPOINT_OPEN");
	INT(FMT_BPF_CMD, 35, "BPF_PROG_BIND_MAP");
	INT(FMT_BPF_CMD, 36, "BPF_TOKEN_CREATE");
	INT(FMT_BPF_CMD, 38, "0x26 /* BPF_??? */");
	INT(FMT_BPF_CMD, -1, "0xffffffff /* BPF_??? */");

	INT(FMT_CAPABILITY, 0, "CAP_CHOWN");
	INT(FMT_CAPABILITY, 21, "CAP_SYS_ADMIN");
	INT(FMT_CAPABILITY, 39, "CAP_BPF");
	INT(FMT_CAPABILITY, 40, "CAP_CHECKPOINT_RESTORE");
	INT(FMT_CAPABILITY, 41, "0x29 /* CAP_??? */");
	INT(FMT_CAPABILITY, -1, "0xffffffff /* CAP_??? */");

	INT(FMT_FCNTL_CMD, 0, "F_DUPFD");
	INT(FMT_FCNTL_CMD, 1, "F_GETFD");
	INT(FMT_FCNTL_CMD, 2, "F_SETFD");
	INT(FMT_FCNTL_CMD, 4, "F_SETFL");
	INT(FMT_FCNTL_CMD, 36, "F_OFD_GETLK");
	INT(FMT_FCNTL_CMD, 1030, "F_DUPFD_CLOEXEC");
	INT(FMT_FCNTL_CMD, 1034, "F_GET_SEALS");
	INT(FMT_FCNTL_CMD, 18, "0x12 /* F_??? */");
	INT(FMT_FCNTL_CMD, 1035, "0x40b /* F_??? */");
	INT(FMT_FCNTL_CMD, -1, "0xffffffff /* F_??? */");

	NUM(ARG_UINT, FMT_SEEK_WHENCE, 0, "SEEK_SET");
	NUM(ARG_UINT, FMT_SEEK_WHENCE, 4, "SEEK_HOLE");
	NUM(ARG_UINT, FMT_SEEK_WHENCE, 5, "0x5 /* SEEK_??? */");
	NUM(ARG_UINT, FMT_SEEK_WHENCE, 0xffffffff, "0xffffffff /* SEEK_??? */");

	/* FMT_HEX is unchanged: a string in JSON, an int at its own width */
	INT(FMT_HEX, 0x22, "0x22");
	INT(FMT_HEX, -1, "0xffffffff");
}

static void test_signals(void)
{
	INT(FMT_SIGNAL, 0, "0");
	INT(FMT_SIGNAL, 1, "SIGHUP");
	INT(FMT_SIGNAL, 9, "SIGKILL");
	INT(FMT_SIGNAL, 16, "SIGSTKFLT");
	INT(FMT_SIGNAL, 17, "SIGCHLD");
	INT(FMT_SIGNAL, 29, "SIGIO");
	INT(FMT_SIGNAL, 31, "SIGSYS");
	INT(FMT_SIGNAL, 32, "SIGRTMIN");
	INT(FMT_SIGNAL, 33, "SIGRT_1");
	INT(FMT_SIGNAL, 40, "SIGRT_8");
	INT(FMT_SIGNAL, 64, "SIGRT_32");
	INT(FMT_SIGNAL, 65, "65");
	INT(FMT_SIGNAL, -1, "-1");
	INT(FMT_SIGNAL, 1000, "1000");
	INT(FMT_SIGNAL, 2147483647, "2147483647");

	INT(FMT_SIGPROCMASK_HOW, 0, "SIG_BLOCK");
	INT(FMT_SIGPROCMASK_HOW, 1, "SIG_UNBLOCK");
	INT(FMT_SIGPROCMASK_HOW, 2, "SIG_SETMASK");
	INT(FMT_SIGPROCMASK_HOW, 3, "0x3 /* SIG_??? */");
	INT(FMT_SIGPROCMASK_HOW, -1, "0xffffffff /* SIG_??? */");
}

static void test_sockets(void)
{
	INT(FMT_SOCK_DOMAIN, 0, "AF_UNSPEC");
	INT(FMT_SOCK_DOMAIN, 1, "AF_UNIX");
	INT(FMT_SOCK_DOMAIN, 2, "AF_INET");
	INT(FMT_SOCK_DOMAIN, 10, "AF_INET6");
	INT(FMT_SOCK_DOMAIN, 12, "AF_DECnet");
	INT(FMT_SOCK_DOMAIN, 16, "AF_NETLINK");
	INT(FMT_SOCK_DOMAIN, 17, "AF_PACKET");
	INT(FMT_SOCK_DOMAIN, 40, "AF_VSOCK");
	INT(FMT_SOCK_DOMAIN, 45, "AF_MCTP");
	INT(FMT_SOCK_DOMAIN, 46, "0x2e /* AF_??? */");
	INT(FMT_SOCK_DOMAIN, -1, "0xffffffff /* AF_??? */");

	INT(FMT_SOCK_TYPE, 1, "SOCK_STREAM");
	INT(FMT_SOCK_TYPE, 2, "SOCK_DGRAM");
	INT(FMT_SOCK_TYPE, 3, "SOCK_RAW");
	INT(FMT_SOCK_TYPE, 5, "SOCK_SEQPACKET");
	INT(FMT_SOCK_TYPE, 10, "SOCK_PACKET");
	INT(FMT_SOCK_TYPE, 0x80001, "SOCK_STREAM|SOCK_CLOEXEC");
	INT(FMT_SOCK_TYPE, 0x80802, "SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK");
	INT(FMT_SOCK_TYPE, 0, "0");
	INT(FMT_SOCK_TYPE, 15, "0xf /* SOCK_??? */");
	INT(FMT_SOCK_TYPE, 0x101, "SOCK_STREAM|0x100 /* SOCK_??? */");
	INT(FMT_SOCK_TYPE, 0x63, "SOCK_RAW|0x60 /* SOCK_??? */");
	INT(FMT_SOCK_TYPE, 0x80000, "SOCK_CLOEXEC");
	INT(FMT_SOCK_TYPE, 0x80100, "SOCK_CLOEXEC|0x100");
	INT(FMT_SOCK_TYPE, 0x8000f, "SOCK_CLOEXEC|0xf");
	INT(FMT_SOCK_TYPE, -1, "SOCK_CLOEXEC|SOCK_NONBLOCK|0xfff7f7ff");

	INT(FMT_SOCK_FLAGS, 0x80800, "SOCK_CLOEXEC|SOCK_NONBLOCK");
	INT(FMT_SOCK_FLAGS, 0, "0");
}

static void test_errno(void)
{
	CHECK_STR(argfmt_errno_name(-1), "EPERM");
	CHECK_STR(argfmt_errno_name(-2), "ENOENT");
	CHECK_STR(argfmt_errno_name(-11), "EAGAIN");
	CHECK_STR(argfmt_errno_name(-13), "EACCES");
	CHECK_STR(argfmt_errno_name(-35), "EDEADLK");
	CHECK_STR(argfmt_errno_name(-95), "EOPNOTSUPP");
	CHECK_STR(argfmt_errno_name(-111), "ECONNREFUSED");
	CHECK_STR(argfmt_errno_name(-115), "EINPROGRESS");
	CHECK_STR(argfmt_errno_name(-133), "EHWPOISON");
	CHECK_STR(argfmt_errno_name(-512), "ERESTARTSYS");
	CHECK_STR(argfmt_errno_name(-516), "ERESTART_RESTARTBLOCK");
	CHECK_STR(argfmt_errno_name(-530), "ERECALLCONFLICT");
	CHECK(argfmt_errno_name(-41) == NULL);
	CHECK(argfmt_errno_name(-58) == NULL);
	CHECK(argfmt_errno_name(-134) == NULL);
	CHECK(argfmt_errno_name(-520) == NULL);
	CHECK(argfmt_errno_name(-531) == NULL);
	CHECK(argfmt_errno_name(-4095) == NULL);
	CHECK(argfmt_errno_name(-4096) == NULL);
	CHECK(argfmt_errno_name(INT64_MIN) == NULL);
	CHECK(argfmt_errno_name(0) == NULL);
	CHECK(argfmt_errno_name(2) == NULL);
}

/* --- socket addresses and fd pairs ------------------------------------------- */

static const char *blob(unsigned char kind, const void *data, uint32_t len, bool json)
{
	struct arg_def def = { "struct sockaddr*", "addr", kind, FMT_DEFAULT };
	struct event_arg a = { .def = &def, .kind = kind, .data = data, .len = len };

	argfmt_value(&ob, &a, json);
	return take();
}

#define SA(bytes, len, text, json) do { \
	CHECK_STR(blob(ARG_SOCKADDR, (bytes), (len), false), (text)); \
	CHECK_STR(blob(ARG_SOCKADDR, (bytes), (len), true), (json)); \
} while (0)

static void test_sockaddr(void)
{
	/* family (host order), port and address (network order), zero padding */
	static const unsigned char in4[16] = { 2, 0, 0, 80, 127, 0, 0, 1 };
	static const unsigned char in6[28] = {
		10, 0, 0x01, 0xbb, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		2, 0, 0, 0 };
	static const unsigned char mapped[28] = {
		10, 0, 0x01, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
		10, 0, 0, 1 };
	static const unsigned char un[110] = { 1, 0, '/', 'r', 'u', 'n', '/', 'x', '.', 's', 'o',
		'c', 'k' };
	static const unsigned char abstract[11] = {
		1, 0, 0, 'a', 'b', 's', 't', 'r', 'a', 'c', 't' };
	static const unsigned char odd_abstract[7] = { 1, 0, 0, 'a', 'b', 0, 'c' };
	static const unsigned char odd_path[8] = { 1, 0, 'a', '\n', 'b', '"', 'c', '\\' };
	static const unsigned char nl[12] = { 16, 0 };
	static const unsigned char unknown[16] = { 200, 0 };
	static unsigned char big[200];

	SA(in4, 16, "{AF_INET 127.0.0.1:80}",
	   "{\"sa_family\":\"AF_INET\",\"sin_port\":\"80\",\"sin_addr\":\"127.0.0.1\"}");
	SA(in4, 8, "{AF_INET 127.0.0.1:80}",
	   "{\"sa_family\":\"AF_INET\",\"sin_port\":\"80\",\"sin_addr\":\"127.0.0.1\"}");
	/* cut short: what the length covers, nothing past it */
	SA(in4, 6, "{AF_INET}", "{\"sa_family\":\"AF_INET\",\"sin_port\":\"80\"}");
	SA(in4, 2, "{AF_INET}", "{\"sa_family\":\"AF_INET\"}");
	SA(in4, 1, "{}", "{}");
	SA(in4, 0, "{}", "{}");
	SA(NULL, 16, "{}", "{}");

	SA(in6, 28, "{AF_INET6 [::1%2]:443}",
	   "{\"sa_family\":\"AF_INET6\",\"sin6_port\":\"443\",\"sin6_addr\":\"::1\","
	   "\"sin6_flowinfo\":\"5\",\"sin6_scope_id\":\"2\"}");
	SA(in6, 24, "{AF_INET6 [::1]:443}",
	   "{\"sa_family\":\"AF_INET6\",\"sin6_port\":\"443\",\"sin6_addr\":\"::1\","
	   "\"sin6_flowinfo\":\"5\"}");
	SA(in6, 20, "{AF_INET6}",
	   "{\"sa_family\":\"AF_INET6\",\"sin6_port\":\"443\",\"sin6_flowinfo\":\"5\"}");
	SA(mapped, 28, "{AF_INET6 [::ffff:10.0.0.1]:443}",
	   "{\"sa_family\":\"AF_INET6\",\"sin6_port\":\"443\",\"sin6_addr\":\"::ffff:10.0.0.1\","
	   "\"sin6_flowinfo\":\"0\",\"sin6_scope_id\":\"0\"}");

	SA(un, 110, "{AF_UNIX /run/x.sock}",
	   "{\"sa_family\":\"AF_UNIX\",\"sun_path\":\"/run/x.sock\"}");
	SA(un, 13, "{AF_UNIX /run/x.sock}",
	   "{\"sa_family\":\"AF_UNIX\",\"sun_path\":\"/run/x.sock\"}");
	SA(un, 6, "{AF_UNIX /run}", "{\"sa_family\":\"AF_UNIX\",\"sun_path\":\"/run\"}");
	SA(un, 2, "{AF_UNIX}", "{\"sa_family\":\"AF_UNIX\"}");
	SA(abstract, 11, "{AF_UNIX @abstract}",
	   "{\"sa_family\":\"AF_UNIX\",\"sun_path\":\"@abstract\"}");
	SA(abstract, 3, "{AF_UNIX @}", "{\"sa_family\":\"AF_UNIX\",\"sun_path\":\"@\"}");
	SA(odd_abstract, 7, "{AF_UNIX @ab\\x00c}",
	   "{\"sa_family\":\"AF_UNIX\",\"sun_path\":\"@ab\\u0000c\"}");
	SA(odd_path, 8, "{AF_UNIX a\\nb\"c\\}",
	   "{\"sa_family\":\"AF_UNIX\",\"sun_path\":\"a\\nb\\\"c\\\\\"}");

	SA(nl, 12, "{AF_NETLINK}", "{\"sa_family\":\"AF_NETLINK\"}");
	SA(unknown, 16, "{0xc8 /* AF_??? */}", "{\"sa_family\":\"0xc8 /* AF_??? */\"}");

	/* garbage lengths never read past TRACEE_SOCKADDR_MAX */
	memset(big, 'x', sizeof(big));
	big[0] = 1;
	big[1] = 0;
	SA(big, 200, "{}", "{}");
	char want[TRACEE_SOCKADDR_MAX + 16] = "{AF_UNIX ";
	memset(want + 9, 'x', TRACEE_SOCKADDR_MAX - 2);
	memcpy(want + 9 + TRACEE_SOCKADDR_MAX - 2, "}", 2);
	CHECK_STR(blob(ARG_SOCKADDR, big, TRACEE_SOCKADDR_MAX, false), want);
}

static void test_int_pair(void)
{
	int32_t fds[2] = { 3, 4 }, bad[2] = { -1, 2147483647 };

	CHECK_STR(blob(ARG_INT_PAIR, fds, 8, false), "[3 4]");
	CHECK_STR(blob(ARG_INT_PAIR, fds, 8, true), "[3,4]");
	CHECK_STR(blob(ARG_INT_PAIR, bad, 8, false), "[-1 2147483647]");
	CHECK_STR(blob(ARG_INT_PAIR, fds, 4, false), "<unreadable>");
	CHECK_STR(blob(ARG_INT_PAIR, fds, 4, true), "null");
	CHECK_STR(blob(ARG_INT_PAIR, NULL, 8, true), "null");
}

/* --- whole rows, from the real syscall table -------------------------------- */

static void set_num(struct event *ev, unsigned i, int64_t v)
{
	ev->args[i].def = &ev->def->args[i];
	ev->args[i].kind = ev->def->args[i].kind;
	ev->args[i].num = v;
}

static void test_rows(void)
{
	static const unsigned char in4[16] = { 2, 0, 0x1f, 0x90, 10, 1, 2, 3 };
	static const int32_t fds[2] = { 5, 6 };
	struct event_header h;
	struct event ev;
	const char *line;

	memset(&h, 0, sizeof(h));
	memcpy(h.comm, "cat", 4);
	h.ts = 1000000;
	h.retval = 3;
	memset(&ev, 0, sizeof(ev));
	ev.hdr = &h;
	ev.def = events_by_name("openat");
	ev.container_id = "";
	CHECK(ev.def != NULL);
	if (!ev.def)
		return;
	ev.argc = 4;
	set_num(&ev, 0, -100);
	ev.args[1].def = &ev.def->args[1];
	ev.args[1].kind = ARG_STR;
	ev.args[1].data = "/etc/hostname";
	ev.args[1].len = 13;
	set_num(&ev, 2, 02000000);
	set_num(&ev, 3, 0);
	printer_table.print_event(&ob, &ev);
	CHECK_STR(take(), "0.001000       0      cat              0       0       3                "
		  "openat               dirfd: AT_FDCWD, pathname: /etc/hostname, "
		  "flags: O_RDONLY|O_CLOEXEC, mode: 000\n");
	h.retval = -2;
	printer_json.print_event(&ob, &ev);
	line = take();
	CHECK(strstr(line, "\"returnValue\":-2,\"args\":[{\"name\":\"dirfd\",\"type\":\"int\","
		     "\"value\":\"AT_FDCWD\"},{\"name\":\"pathname\",\"type\":\"const char*\","
		     "\"value\":\"/etc/hostname\"},{\"name\":\"flags\",\"type\":\"int\","
		     "\"value\":\"O_RDONLY|O_CLOEXEC\"},{\"name\":\"mode\",\"type\":\"mode_t\","
		     "\"value\":\"000\"}]}\n") != NULL);
	printer_table.print_event(&ob, &ev);
	CHECK(strstr(take(), " cat              0       0       -2 ENOENT        openat ") != NULL);

	/* connect(3, {AF_INET 10.1.2.3:8080}, 16) = -111 */
	ev.def = events_by_name("connect");
	CHECK(ev.def != NULL);
	if (!ev.def)
		return;
	ev.argc = 3;
	h.retval = -111;
	set_num(&ev, 0, 3);
	ev.args[1].def = &ev.def->args[1];
	ev.args[1].kind = ARG_SOCKADDR;
	ev.args[1].data = (const char *)in4;
	ev.args[1].len = 16;
	ev.args[1].num = 0;
	set_num(&ev, 2, 16);
	printer_table.print_event(&ob, &ev);
	CHECK(strstr(take(), "-111 ECONNREFUSED connect              sockfd: 3, "
		     "addr: {AF_INET 10.1.2.3:8080}, addrlen: 16\n") != NULL);
	printer_json.print_event(&ob, &ev);
	CHECK(strstr(take(), "\"returnValue\":-111,\"args\":[{\"name\":\"sockfd\",\"type\":\"int\","
		     "\"value\":3},{\"name\":\"addr\",\"type\":\"struct sockaddr*\",\"value\":"
		     "{\"sa_family\":\"AF_INET\",\"sin_port\":\"8080\",\"sin_addr\":\"10.1.2.3\"}},"
		     "{\"name\":\"addrlen\",\"type\":\"int\",\"value\":16}]}\n") != NULL);

	/* a failed accept keeps the address pointer, as the kernel side sends it */
	ev.args[1].kind = ARG_PTR;
	ev.args[1].num = 0x7ffc0010;
	printer_table.print_event(&ob, &ev);
	CHECK(strstr(take(), "addr: 0x7ffc0010, addrlen: 16\n") != NULL);

	/* pipe2([5 6], O_CLOEXEC) */
	ev.def = events_by_name("pipe2");
	CHECK(ev.def != NULL);
	if (!ev.def)
		return;
	ev.argc = 2;
	h.retval = 0;
	ev.args[0].def = &ev.def->args[0];
	ev.args[0].kind = ARG_INT_PAIR;
	ev.args[0].data = (const char *)fds;
	ev.args[0].len = 8;
	set_num(&ev, 1, 02000000);
	printer_table.print_event(&ob, &ev);
	CHECK(strstr(take(), "pipe2                pipefd: [5 6], flags: O_CLOEXEC\n") != NULL);
	printer_json.print_event(&ob, &ev);
	CHECK(strstr(take(), "{\"name\":\"pipefd\",\"type\":\"int*\",\"value\":[5,6]},"
		     "{\"name\":\"flags\",\"type\":\"int\",\"value\":\"O_CLOEXEC\"}]}\n") != NULL);
}

/* The last of n int arguments (vals) as the format of that last one shows it;
 * the ones before it give the context (fcntl's cmd, socket's domain). */
static const char *last_of(unsigned char fmt, const int64_t *vals, unsigned n, bool json)
{
	struct arg_def def = { "int", "x", ARG_INT, fmt }, plain = { "int", "y", ARG_INT, 0 };
	struct event_arg a[TRACEE_MAX_ARGS] = { 0 };

	for (unsigned i = 0; i < n; i++)
		a[i] = (struct event_arg){ .def = i + 1 < n ? &plain : &def, .kind = ARG_INT,
					   .num = vals[i], .index = (uint8_t)i };
	argfmt_value(&ob, &a[n - 1], json);
	return take();
}

static void test_by_earlier_args(void)
{
	static const struct {
		unsigned char fmt;
		int64_t vals[3];
		const char *text, *json;
	} cases[] = {
		{ FMT_FCNTL_ARG, { 3, 2, 1 }, "FD_CLOEXEC", "\"FD_CLOEXEC\"" },        /* F_SETFD */
		{ FMT_FCNTL_ARG, { 3, 2, 0 }, "0", "\"0\"" },                          /* flags: a name */
		{ FMT_FCNTL_ARG, { 3, 4, 04002 }, "O_RDWR|O_NONBLOCK", "\"O_RDWR|O_NONBLOCK\"" }, /* F_SETFL */
		{ FMT_FCNTL_ARG, { 3, 0, 10 }, "10", "10" },                             /* F_DUPFD: a number */
		{ FMT_SOCK_PROTO, { 2, 1, 0 }, "IPPROTO_IP", "\"IPPROTO_IP\"" },       /* AF_INET */
		{ FMT_SOCK_PROTO, { 10, 2, 17 }, "IPPROTO_UDP", "\"IPPROTO_UDP\"" },   /* AF_INET6 */
		{ FMT_SOCK_PROTO, { 2, 3, 999 }, "0x3e7", "\"0x3e7\"" },
		{ FMT_SOCK_PROTO, { 1, 1, 0 }, "0", "0" },                               /* AF_UNIX: a number */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_STR(last_of(cases[i].fmt, cases[i].vals, 3, false), cases[i].text);
		CHECK_STR(last_of(cases[i].fmt, cases[i].vals, 3, true), cases[i].json);
	}
	/* alone (index 0: nothing earlier to read), a format falls back to the number */
	CHECK_STR(last_of(FMT_FCNTL_ARG, (int64_t[]){ 1 }, 1, false), "1");
	CHECK_STR(last_of(FMT_SOCK_PROTO, (int64_t[]){ 6 }, 1, false), "6");
}

int main(void)
{
	memfd = memfd_create("test_argfmt", 0);
	if (memfd < 0 || outbuf_init(&ob, memfd, 0)) {
		perror("setup");
		return 1;
	}
	test_open_flags();
	test_access_and_at();
	test_modes();
	test_memory();
	test_processes();
	test_signals();
	test_sockets();
	test_errno();
	test_sockaddr();
	test_int_pair();
	test_by_earlier_args();
	test_rows();
	outbuf_free(&ob);
	close(memfd);
	return check_report("argfmt");
}
