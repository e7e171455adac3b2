/* argfmt_flags.c - the name tables of the decoded argument formats, and the
 * two functions that read them: xlat_flags (bit flags) and xlat_enum (one
 * value). Names, their order and the spelling of unknown values follow
 * strace 6.1, checked against its output on this machine, so a trace can be
 * compared with strace's line by line. A name strace does not know yet is
 * one row to add: the rows marked "newer" are the kernel's (uapi up to 6.18;
 * enums checked against its BTF) that strace 6.1 shows as numbers. Values
 * are the x86_64 kernel ABI's, written out so that no libc header decides
 * them. */
#include "argfmt.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TABLE(var, arr, zero, unknown) \
	const struct xlat_table var = { arr, N(arr), zero, unknown }

/* --- files ------------------------------------------------------------------ */

static const struct xlat open_accmode_names[] = {
	{ 0, "O_RDONLY" }, { 1, "O_WRONLY" }, { 2, "O_RDWR" }, { 3, "O_ACCMODE" },
};
TABLE(xt_open_accmode, open_accmode_names, NULL, NULL);

/* O_SYNC and O_TMPFILE are composites: before their parts. */
static const struct xlat open_flag_names[] = {
	{ 0100, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" }, { 01000, "O_TRUNC" },
	{ 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" }, { 04010000, "O_SYNC" },
	{ 010000, "O_DSYNC" }, { 04000000, "__O_SYNC" }, { 040000, "O_DIRECT" },
	{ 0100000, "O_LARGEFILE" }, { 0400000, "O_NOFOLLOW" }, { 01000000, "O_NOATIME" },
	{ 02000000, "O_CLOEXEC" }, { 010000000, "O_PATH" }, { 020200000, "O_TMPFILE" },
	{ 020000000, "__O_TMPFILE" }, { 0200000, "O_DIRECTORY" }, { 020000, "FASYNC" },
};
TABLE(xt_open_flags, open_flag_names, NULL, " /* O_??? */");

static const struct xlat access_mode_names[] = {
	{ 4, "R_OK" }, { 2, "W_OK" }, { 1, "X_OK" },
};
TABLE(xt_access_mode, access_mode_names, "F_OK", " /* ?_OK */");

static const struct xlat at_flag_names[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_REMOVEDIR" }, { 0x400, "AT_SYMLINK_FOLLOW" },
	{ 0x800, "AT_NO_AUTOMOUNT" }, { 0x1000, "AT_EMPTY_PATH" }, { 0x8000, "AT_RECURSIVE" },
};
TABLE(xt_at_flags, at_flag_names, NULL, " /* AT_??? */");

/* faccessat2: 0x200 is AT_EACCESS here, not AT_REMOVEDIR */
static const struct xlat access_at_flag_names[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_EACCESS" }, { 0x1000, "AT_EMPTY_PATH" },
};
TABLE(xt_access_at_flags, access_at_flag_names, NULL, " /* AT_??? */");

static const struct xlat statx_flag_names[] = {
	{ 0x2000, "AT_STATX_FORCE_SYNC" }, { 0x4000, "AT_STATX_DONT_SYNC" },
	{ 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x800, "AT_NO_AUTOMOUNT" }, { 0x1000, "AT_EMPTY_PATH" },
};
TABLE(xt_statx_flags, statx_flag_names, "AT_STATX_SYNC_AS_STAT", " /* AT_??? */");

/* mknod: the file type (mode & 0170000), then the set-id bits */
static const struct xlat mknod_type_names[] = {
	{ 0100000, "S_IFREG" }, { 0140000, "S_IFSOCK" }, { 0120000, "S_IFLNK" },
	{ 060000, "S_IFBLK" }, { 040000, "S_IFDIR" }, { 020000, "S_IFCHR" }, { 010000, "S_IFIFO" },
};
TABLE(xt_mknod_type, mknod_type_names, NULL, NULL);

static const struct xlat mode_bit_names[] = {
	{ 04000, "S_ISUID" }, { 02000, "S_ISGID" }, { 01000, "S_ISVTX" },
};
TABLE(xt_mode_bits, mode_bit_names, NULL, NULL);

static const struct xlat fcntl_names[] = {
	{ 0, "F_DUPFD" }, { 1, "F_GETFD" }, { 2, "F_SETFD" }, { 3, "F_GETFL" }, { 4, "F_SETFL" },
	{ 5, "F_GETLK" }, { 6, "F_SETLK" }, { 7, "F_SETLKW" }, { 8, "F_SETOWN" },
	{ 9, "F_GETOWN" }, { 10, "F_SETSIG" }, { 11, "F_GETSIG" }, { 12, "F_GETLK64" },
	{ 13, "F_SETLK64" }, { 14, "F_SETLKW64" }, { 15, "F_SETOWN_EX" }, { 16, "F_GETOWN_EX" },
	{ 17, "F_GETOWNER_UIDS" }, { 36, "F_OFD_GETLK" }, { 37, "F_OFD_SETLK" },
	{ 38, "F_OFD_SETLKW" }, { 1024, "F_SETLEASE" }, { 1025, "F_GETLEASE" },
	{ 1026, "F_NOTIFY" }, { 1029, "F_CANCELLK" }, { 1030, "F_DUPFD_CLOEXEC" },
	{ 1031, "F_SETPIPE_SZ" }, { 1032, "F_GETPIPE_SZ" }, { 1033, "F_ADD_SEALS" },
	{ 1034, "F_GET_SEALS" },
};
TABLE(xt_fcntl_cmd, fcntl_names, NULL, " /* F_??? */");

static const struct xlat fd_flag_names[] = {
	{ 1, "FD_CLOEXEC" },
};
TABLE(xt_fd_flags, fd_flag_names, NULL, NULL);

/* --- sockets ---------------------------------------------------------------- */

static const struct xlat ip_proto_names[] = {
	{ 0, "IPPROTO_IP" }, { 1, "IPPROTO_ICMP" }, { 2, "IPPROTO_IGMP" }, { 4, "IPPROTO_IPIP" },
	{ 6, "IPPROTO_TCP" }, { 8, "IPPROTO_EGP" }, { 12, "IPPROTO_PUP" }, { 17, "IPPROTO_UDP" },
	{ 22, "IPPROTO_IDP" }, { 29, "IPPROTO_TP" }, { 33, "IPPROTO_DCCP" }, { 41, "IPPROTO_IPV6" },
	{ 46, "IPPROTO_RSVP" }, { 47, "IPPROTO_GRE" }, { 50, "IPPROTO_ESP" }, { 51, "IPPROTO_AH" },
	{ 58, "IPPROTO_ICMPV6" }, { 92, "IPPROTO_MTP" }, { 94, "IPPROTO_BEETPH" },
	{ 98, "IPPROTO_ENCAP" }, { 103, "IPPROTO_PIM" }, { 108, "IPPROTO_COMP" },
	{ 115, "IPPROTO_L2TP" }, { 132, "IPPROTO_SCTP" }, { 136, "IPPROTO_UDPLITE" },
	{ 137, "IPPROTO_MPLS" }, { 143, "IPPROTO_ETHERNET" }, { 255, "IPPROTO_RAW" },
	{ 262, "IPPROTO_MPTCP" },
};
TABLE(xt_ip_proto, ip_proto_names, NULL, NULL);

static const struct xlat seek_whence_names[] = {
	{ 0, "SEEK_SET" }, { 1, "SEEK_CUR" }, { 2, "SEEK_END" }, { 3, "SEEK_DATA" },
	{ 4, "SEEK_HOLE" },
};
TABLE(xt_seek_whence, seek_whence_names, NULL, " /* SEEK_??? */");

/* --- memory ----------------------------------------------------------------- */

static const struct xlat mmap_prot_names[] = {
	{ 0x1, "PROT_READ" }, { 0x2, "PROT_WRITE" }, { 0x4, "PROT_EXEC" }, { 0x8, "PROT_SEM" },
	{ 0x1000000, "PROT_GROWSDOWN" }, { 0x2000000, "PROT_GROWSUP" },
};
TABLE(xt_mmap_prot, mmap_prot_names, "PROT_NONE", " /* PROT_??? */");

/* mmap flags: the mapping type (flags & 0xf), the flags, then the huge page
 * size (flags >> 26) as N<<MAP_HUGE_SHIFT */
static const struct xlat mmap_type_names[] = {
	{ 0, "MAP_FILE" }, { 1, "MAP_SHARED" }, { 2, "MAP_PRIVATE" }, { 3, "MAP_SHARED_VALIDATE" },
	{ 8, "MAP_DROPPABLE" },         /* newer: 6.11 */
};
TABLE(xt_mmap_type, mmap_type_names, NULL, " /* MAP_??? */");

static const struct xlat mmap_flag_names[] = {
	{ 0x10, "MAP_FIXED" }, { 0x20, "MAP_ANONYMOUS" }, { 0x40, "MAP_32BIT" },
	{ 0x4000, "MAP_NORESERVE" }, { 0x8000, "MAP_POPULATE" }, { 0x10000, "MAP_NONBLOCK" },
	{ 0x100, "MAP_GROWSDOWN" }, { 0x800, "MAP_DENYWRITE" }, { 0x1000, "MAP_EXECUTABLE" },
	{ 0x2000, "MAP_LOCKED" }, { 0x20000, "MAP_STACK" }, { 0x40000, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" }, { 0x100000, "MAP_FIXED_NOREPLACE" },
};
TABLE(xt_mmap_flags, mmap_flag_names, NULL, " /* MAP_??? */");

/* --- processes -------------------------------------------------------------- */

/* clone: the exit signal is the low byte, shown after the flags. strace
 * leaves CLONE_DETACHED (ignored by the kernel) as a number; so do we. */
static const struct xlat clone_flag_names[] = {
	{ 0x100, "CLONE_VM" }, { 0x200, "CLONE_FS" }, { 0x400, "CLONE_FILES" },
	{ 0x800, "CLONE_SIGHAND" }, { 0x1000, "CLONE_PIDFD" }, { 0x2000, "CLONE_PTRACE" },
	{ 0x4000, "CLONE_VFORK" }, { 0x8000, "CLONE_PARENT" }, { 0x10000, "CLONE_THREAD" },
	{ 0x20000, "CLONE_NEWNS" }, { 0x40000, "CLONE_SYSVSEM" }, { 0x80000, "CLONE_SETTLS" },
	{ 0x100000, "CLONE_PARENT_SETTID" }, { 0x200000, "CLONE_CHILD_CLEARTID" },
	{ 0x800000, "CLONE_UNTRACED" }, { 0x1000000, "CLONE_CHILD_SETTID" },
	{ 0x2000000, "CLONE_NEWCGROUP" }, { 0x4000000, "CLONE_NEWUTS" },
	{ 0x8000000, "CLONE_NEWIPC" }, { 0x10000000, "CLONE_NEWUSER" },
	{ 0x20000000, "CLONE_NEWPID" }, { 0x40000000, "CLONE_NEWNET" }, { 0x80000000, "CLONE_IO" },
};
TABLE(xt_clone_flags, clone_flag_names, NULL, " /* CLONE_??? */");

/* unshare and setns: what a namespace call takes, in strace's order */
static const struct xlat ns_flag_names[] = {
	{ 0x80, "CLONE_NEWTIME" }, { 0x100, "CLONE_VM" }, { 0x200, "CLONE_FS" },
	{ 0x400, "CLONE_FILES" }, { 0x800, "CLONE_SIGHAND" }, { 0x10000, "CLONE_THREAD" },
	{ 0x20000, "CLONE_NEWNS" }, { 0x40000, "CLONE_SYSVSEM" }, { 0x2000000, "CLONE_NEWCGROUP" },
	{ 0x4000000, "CLONE_NEWUTS" }, { 0x8000000, "CLONE_NEWIPC" },
	{ 0x10000000, "CLONE_NEWUSER" }, { 0x20000000, "CLONE_NEWPID" },
	{ 0x40000000, "CLONE_NEWNET" },
};
TABLE(xt_ns_flags, ns_flag_names, NULL, " /* CLONE_??? */");

static const struct xlat ptrace_names[] = {
	{ 0, "PTRACE_TRACEME" }, { 1, "PTRACE_PEEKTEXT" }, { 2, "PTRACE_PEEKDATA" },
	{ 3, "PTRACE_PEEKUSER" }, { 4, "PTRACE_POKETEXT" }, { 5, "PTRACE_POKEDATA" },
	{ 6, "PTRACE_POKEUSER" }, { 7, "PTRACE_CONT" }, { 8, "PTRACE_KILL" },
	{ 9, "PTRACE_SINGLESTEP" }, { 12, "PTRACE_GETREGS" }, { 13, "PTRACE_SETREGS" },
	{ 14, "PTRACE_GETFPREGS" }, { 15, "PTRACE_SETFPREGS" }, { 16, "PTRACE_ATTACH" },
	{ 17, "PTRACE_DETACH" }, { 18, "PTRACE_GETFPXREGS" }, { 19, "PTRACE_SETFPXREGS" },
	{ 21, "PTRACE_OLDSETOPTIONS" }, { 24, "PTRACE_SYSCALL" },
	{ 25, "PTRACE_GET_THREAD_AREA" }, { 26, "PTRACE_SET_THREAD_AREA" },
	{ 30, "PTRACE_ARCH_PRCTL" }, { 31, "PTRACE_SYSEMU" }, { 32, "PTRACE_SYSEMU_SINGLESTEP" },
	{ 33, "PTRACE_SINGLEBLOCK" }, { 0x4200, "PTRACE_SETOPTIONS" },
	{ 0x4201, "PTRACE_GETEVENTMSG" }, { 0x4202, "PTRACE_GETSIGINFO" },
	{ 0x4203, "PTRACE_SETSIGINFO" }, { 0x4204, "PTRACE_GETREGSET" },
	{ 0x4205, "PTRACE_SETREGSET" }, { 0x4206, "PTRACE_SEIZE" },
	{ 0x4207, "PTRACE_INTERRUPT" }, { 0x4208, "PTRACE_LISTEN" },
	{ 0x4209, "PTRACE_PEEKSIGINFO" }, { 0x420a, "PTRACE_GETSIGMASK" },
	{ 0x420b, "PTRACE_SETSIGMASK" }, { 0x420c, "PTRACE_SECCOMP_GET_FILTER" },
	{ 0x420d, "PTRACE_SECCOMP_GET_METADATA" }, { 0x420e, "PTRACE_GET_SYSCALL_INFO" },
	{ 0x420f, "PTRACE_GET_RSEQ_CONFIGURATION" },
};
TABLE(xt_ptrace_request, ptrace_names, NULL, " /* PTRACE_??? */");

static const struct xlat prctl_names[] = {
	{ 1, "PR_SET_PDEATHSIG" }, { 2, "PR_GET_PDEATHSIG" }, { 3, "PR_GET_DUMPABLE" },
	{ 4, "PR_SET_DUMPABLE" }, { 5, "PR_GET_UNALIGN" }, { 6, "PR_SET_UNALIGN" },
	{ 7, "PR_GET_KEEPCAPS" }, { 8, "PR_SET_KEEPCAPS" }, { 9, "PR_GET_FPEMU" },
	{ 10, "PR_SET_FPEMU" }, { 11, "PR_GET_FPEXC" }, { 12, "PR_SET_FPEXC" },
	{ 13, "PR_GET_TIMING" }, { 14, "PR_SET_TIMING" }, { 15, "PR_SET_NAME" },
	{ 16, "PR_GET_NAME" }, { 19, "PR_GET_ENDIAN" }, { 20, "PR_SET_ENDIAN" },
	{ 21, "PR_GET_SECCOMP" }, { 22, "PR_SET_SECCOMP" }, { 23, "PR_CAPBSET_READ" },
	{ 24, "PR_CAPBSET_DROP" }, { 25, "PR_GET_TSC" }, { 26, "PR_SET_TSC" },
	{ 27, "PR_GET_SECUREBITS" }, { 28, "PR_SET_SECUREBITS" }, { 29, "PR_SET_TIMERSLACK" },
	{ 30, "PR_GET_TIMERSLACK" }, { 31, "PR_TASK_PERF_EVENTS_DISABLE" },
	{ 32, "PR_TASK_PERF_EVENTS_ENABLE" }, { 33, "PR_MCE_KILL" }, { 34, "PR_MCE_KILL_GET" },
	{ 35, "PR_SET_MM" }, { 36, "PR_SET_CHILD_SUBREAPER" }, { 37, "PR_GET_CHILD_SUBREAPER" },
	{ 38, "PR_SET_NO_NEW_PRIVS" }, { 39, "PR_GET_NO_NEW_PRIVS" },
	{ 40, "PR_GET_TID_ADDRESS" }, { 41, "PR_SET_THP_DISABLE" }, { 42, "PR_GET_THP_DISABLE" },
	{ 43, "PR_MPX_ENABLE_MANAGEMENT" }, { 44, "PR_MPX_DISABLE_MANAGEMENT" },
	{ 45, "PR_SET_FP_MODE" }, { 46, "PR_GET_FP_MODE" }, { 47, "PR_CAP_AMBIENT" },
	{ 50, "PR_SVE_SET_VL" }, { 51, "PR_SVE_GET_VL" }, { 52, "PR_GET_SPECULATION_CTRL" },
	{ 53, "PR_SET_SPECULATION_CTRL" }, { 54, "PR_PAC_RESET_KEYS" },
	{ 55, "PR_SET_TAGGED_ADDR_CTRL" }, { 56, "PR_GET_TAGGED_ADDR_CTRL" },
	{ 57, "PR_SET_IO_FLUSHER" }, { 58, "PR_GET_IO_FLUSHER" },
	{ 59, "PR_SET_SYSCALL_USER_DISPATCH" }, { 60, "PR_PAC_SET_ENABLED_KEYS" },
	{ 61, "PR_PAC_GET_ENABLED_KEYS" }, { 62, "PR_SCHED_CORE" }, { 63, "PR_SME_SET_VL" },
	{ 64, "PR_SME_GET_VL" }, { 0x59616d61, "PR_SET_PTRACER" }, { 0x53564d41, "PR_SET_VMA" },
	/* newer: 6.3 to 6.16 */
	{ 65, "PR_SET_MDWE" }, { 66, "PR_GET_MDWE" }, { 67, "PR_SET_MEMORY_MERGE" },
	{ 68, "PR_GET_MEMORY_MERGE" }, { 69, "PR_RISCV_V_SET_CONTROL" },
	{ 70, "PR_RISCV_V_GET_CONTROL" }, { 71, "PR_RISCV_SET_ICACHE_FLUSH_CTX" },
	{ 72, "PR_PPC_GET_DEXCR" }, { 73, "PR_PPC_SET_DEXCR" }, { 74, "PR_GET_SHADOW_STACK_STATUS" },
	{ 75, "PR_SET_SHADOW_STACK_STATUS" }, { 76, "PR_LOCK_SHADOW_STACK_STATUS" },
	{ 77, "PR_TIMER_CREATE_RESTORE_IDS" }, { 78, "PR_FUTEX_HASH" }, { 0x41555856, "PR_GET_AUXV" },
};
TABLE(xt_prctl_option, prctl_names, NULL, " /* PR_??? */");

static const struct xlat bpf_names[] = {
	{ 0, "BPF_MAP_CREATE" }, { 1, "BPF_MAP_LOOKUP_ELEM" }, { 2, "BPF_MAP_UPDATE_ELEM" },
	{ 3, "BPF_MAP_DELETE_ELEM" }, { 4, "BPF_MAP_GET_NEXT_KEY" }, { 5, "BPF_PROG_LOAD" },
	{ 6, "BPF_OBJ_PIN" }, { 7, "BPF_OBJ_GET" }, { 8, "BPF_PROG_ATTACH" },
	{ 9, "BPF_PROG_DETACH" }, { 10, "BPF_PROG_TEST_RUN" }, { 11, "BPF_PROG_GET_NEXT_ID" },
	{ 12, "BPF_MAP_GET_NEXT_ID" }, { 13, "BPF_PROG_GET_FD_BY_ID" },
	{ 14, "BPF_MAP_GET_FD_BY_ID" }, { 15, "BPF_OBJ_GET_INFO_BY_FD" },
	{ 16, "BPF_PROG_QUERY" }, { 17, "BPF_RAW_TRACEPOINT_OPEN" }, { 18, "BPF_BTF_LOAD" },
	{ 19, "BPF_BTF_GET_FD_BY_ID" }, { 20, "BPF_TASK_FD_QUERY" },
	{ 21, "BPF_MAP_LOOKUP_AND_DELETE_ELEM" }, { 22, "BPF_MAP_FREEZE" },
	{ 23, "BPF_BTF_GET_NEXT_ID" }, { 24, "BPF_MAP_LOOKUP_BATCH" },
	{ 25, "BPF_MAP_LOOKUP_AND_DELETE_BATCH" }, { 26, "BPF_MAP_UPDATE_BATCH" },
	{ 27, "BPF_MAP_DELETE_BATCH" }, { 28, "BPF_LINK_CREATE" }, { 29, "BPF_LINK_UPDATE" },
	{ 30, "BPF_LINK_GET_FD_BY_ID" }, { 31, "BPF_LINK_GET_NEXT_ID" },
	{ 32, "BPF_ENABLE_STATS" }, { 33, "BPF_ITER_CREATE" }, { 34, "BPF_LINK_DETACH" },
	{ 35, "BPF_PROG_BIND_MAP" },
	{ 36, "BPF_TOKEN_CREATE" }, { 37, "BPF_PROG_STREAM_READ_BY_FD" },       /* newer: 6.9, 6.17 */
};
TABLE(xt_bpf_cmd, bpf_names, NULL, " /* BPF_??? */");

static const struct xlat capability_names[] = {
	{ 0, "CAP_CHOWN" }, { 1, "CAP_DAC_OVERRIDE" }, { 2, "CAP_DAC_READ_SEARCH" },
	{ 3, "CAP_FOWNER" }, { 4, "CAP_FSETID" }, { 5, "CAP_KILL" }, { 6, "CAP_SETGID" },
	{ 7, "CAP_SETUID" }, { 8, "CAP_SETPCAP" }, { 9, "CAP_LINUX_IMMUTABLE" },
	{ 10, "CAP_NET_BIND_SERVICE" }, { 11, "CAP_NET_BROADCAST" }, { 12, "CAP_NET_ADMIN" },
	{ 13, "CAP_NET_RAW" }, { 14, "CAP_IPC_LOCK" }, { 15, "CAP_IPC_OWNER" },
	{ 16, "CAP_SYS_MODULE" }, { 17, "CAP_SYS_RAWIO" }, { 18, "CAP_SYS_CHROOT" },
	{ 19, "CAP_SYS_PTRACE" }, { 20, "CAP_SYS_PACCT" }, { 21, "CAP_SYS_ADMIN" },
	{ 22, "CAP_SYS_BOOT" }, { 23, "CAP_SYS_NICE" }, { 24, "CAP_SYS_RESOURCE" },
	{ 25, "CAP_SYS_TIME" }, { 26, "CAP_SYS_TTY_CONFIG" }, { 27, "CAP_MKNOD" },
	{ 28, "CAP_LEASE" }, { 29, "CAP_AUDIT_WRITE" }, { 30, "CAP_AUDIT_CONTROL" },
	{ 31, "CAP_SETFCAP" }, { 32, "CAP_MAC_OVERRIDE" }, { 33, "CAP_MAC_ADMIN" },
	{ 34, "CAP_SYSLOG" }, { 35, "CAP_WAKE_ALARM" }, { 36, "CAP_BLOCK_SUSPEND" },
	{ 37, "CAP_AUDIT_READ" }, { 38, "CAP_PERFMON" }, { 39, "CAP_BPF" },
	{ 40, "CAP_CHECKPOINT_RESTORE" },
};
TABLE(xt_capability, capability_names, NULL, " /* CAP_??? */");

/* --- signals ---------------------------------------------------------------- */

/* 1-31; 32-64 are SIGRTMIN and SIGRT_n (argfmt_signal) */
static const struct xlat signal_names[] = {
	{ 1, "SIGHUP" }, { 2, "SIGINT" }, { 3, "SIGQUIT" }, { 4, "SIGILL" }, { 5, "SIGTRAP" },
	{ 6, "SIGABRT" }, { 7, "SIGBUS" }, { 8, "SIGFPE" }, { 9, "SIGKILL" }, { 10, "SIGUSR1" },
	{ 11, "SIGSEGV" }, { 12, "SIGUSR2" }, { 13, "SIGPIPE" }, { 14, "SIGALRM" },
	{ 15, "SIGTERM" }, { 16, "SIGSTKFLT" }, { 17, "SIGCHLD" }, { 18, "SIGCONT" },
	{ 19, "SIGSTOP" }, { 20, "SIGTSTP" }, { 21, "SIGTTIN" }, { 22, "SIGTTOU" },
	{ 23, "SIGURG" }, { 24, "SIGXCPU" }, { 25, "SIGXFSZ" }, { 26, "SIGVTALRM" },
	{ 27, "SIGPROF" }, { 28, "SIGWINCH" }, { 29, "SIGIO" }, { 30, "SIGPWR" },
	{ 31, "SIGSYS" },
};
TABLE(xt_signal, signal_names, NULL, NULL);

static const struct xlat sigprocmask_how_names[] = {
	{ 0, "SIG_BLOCK" }, { 1, "SIG_UNBLOCK" }, { 2, "SIG_SETMASK" },
};
TABLE(xt_sigprocmask_how, sigprocmask_how_names, NULL, " /* SIG_??? */");

/* --- sockets ---------------------------------------------------------------- */

static const struct xlat af_names[] = {
	{ 0, "AF_UNSPEC" }, { 1, "AF_UNIX" }, { 2, "AF_INET" }, { 3, "AF_AX25" }, { 4, "AF_IPX" },
	{ 5, "AF_APPLETALK" }, { 6, "AF_NETROM" }, { 7, "AF_BRIDGE" }, { 8, "AF_ATMPVC" },
	{ 9, "AF_X25" }, { 10, "AF_INET6" }, { 11, "AF_ROSE" }, { 12, "AF_DECnet" },
	{ 13, "AF_NETBEUI" }, { 14, "AF_SECURITY" }, { 15, "AF_KEY" }, { 16, "AF_NETLINK" },
	{ 17, "AF_PACKET" }, { 18, "AF_ASH" }, { 19, "AF_ECONET" }, { 20, "AF_ATMSVC" },
	{ 21, "AF_RDS" }, { 22, "AF_SNA" }, { 23, "AF_IRDA" }, { 24, "AF_PPPOX" },
	{ 25, "AF_WANPIPE" }, { 26, "AF_LLC" }, { 27, "AF_IB" }, { 28, "AF_MPLS" },
	{ 29, "AF_CAN" }, { 30, "AF_TIPC" }, { 31, "AF_BLUETOOTH" }, { 32, "AF_IUCV" },
	{ 33, "AF_RXRPC" }, { 34, "AF_ISDN" }, { 35, "AF_PHONET" }, { 36, "AF_IEEE802154" },
	{ 37, "AF_CAIF" }, { 38, "AF_ALG" }, { 39, "AF_NFC" }, { 40, "AF_VSOCK" },
	{ 41, "AF_KCM" }, { 42, "AF_QIPCRTR" }, { 43, "AF_SMC" }, { 44, "AF_XDP" },
	{ 45, "AF_MCTP" },
};
TABLE(xt_sock_domain, af_names, NULL, " /* AF_??? */");

/* socket type: the base type (type & 0xf), then the flags */
static const struct xlat sock_type_names[] = {
	{ 1, "SOCK_STREAM" }, { 2, "SOCK_DGRAM" }, { 3, "SOCK_RAW" }, { 4, "SOCK_RDM" },
	{ 5, "SOCK_SEQPACKET" }, { 6, "SOCK_DCCP" }, { 10, "SOCK_PACKET" },
};
TABLE(xt_sock_type, sock_type_names, NULL, " /* SOCK_??? */");

static const struct xlat sock_flag_names[] = {
	{ 0x80000, "SOCK_CLOEXEC" }, { 0x800, "SOCK_NONBLOCK" },
};
TABLE(xt_sock_flags, sock_flag_names, NULL, " /* SOCK_??? */");

/* --- errno -------------------------------------------------------------------- */

/* 1-133 as the kernel names them (41 and 58 are unused), then the codes the
 * kernel uses internally that a syscall exit can still show (ERESTARTSYS). */
static const char *const errno_names[] = {
	NULL, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
	"ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV",
	"ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG",
	"ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK",
	"ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP", NULL, "ENOMSG", "EIDRM",
	"ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT",
	"EBADE", "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", NULL, "EBFONT", "ENOSTR",
	"ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT",
	"ECOMM", "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD",
	"EREMCHG", "ELIBACC", "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART",
	"ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE",
	"ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT",
	"EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET",
	"ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN",
	"ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY",
	"EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL", "EISNAM", "EREMOTEIO",
	"EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED",
	"EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON",
};

static const char *const errno_kernel_names[] = {      /* from 512 */
	"ERESTARTSYS", "ERESTARTNOINTR", "ERESTARTNOHAND", "ENOIOCTLCMD",
	"ERESTART_RESTARTBLOCK", "EPROBE_DEFER", "EOPENSTALE", "ENOPARAM", NULL, "EBADHANDLE",
	"ENOTSYNC", "EBADCOOKIE", "ENOTSUPP", "ETOOSMALL", "ESERVERFAULT", "EBADTYPE",
	"EJUKEBOX", "EIOCBQUEUED", "ERECALLCONFLICT",
};

const char *argfmt_errno_name(int64_t ret)
{
	uint64_t e;

	if (ret >= 0 || ret < -4095)
		return NULL;
	e = (uint64_t)-ret;
	if (e < N(errno_names))
		return errno_names[e];
	if (e >= 512 && e - 512 < N(errno_kernel_names))
		return errno_kernel_names[e - 512];
	return NULL;
}

/* --- the readers -------------------------------------------------------------- */

const char *xlat_name(const struct xlat_table *t, uint64_t v)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->names[i].value == v)
			return t->names[i].name;
	return NULL;
}

void xlat_enum(struct outbuf *out, const struct xlat_table *t, uint64_t v)
{
	const char *name = xlat_name(t, v);

	if (name) {
		outbuf_puts(out, name);
		return;
	}
	if (v)
		outbuf_hex(out, v);
	else
		outbuf_putc(out, '0');      /* strace writes 0, not 0x0 */
	if (t->unknown)
		outbuf_puts(out, t->unknown);
}

void xlat_flags(struct outbuf *out, const struct xlat_table *t, uint64_t v, bool cont)
{
	bool any = false;

	for (size_t i = 0; i < t->n && v; i++) {
		uint64_t bits = t->names[i].value;

		if (!bits || (v & bits) != bits)
			continue;
		if (any || cont)
			outbuf_putc(out, '|');
		outbuf_puts(out, t->names[i].name);
		v &= ~bits;
		any = true;
	}
	if (v) {
		if (any || cont)
			outbuf_putc(out, '|');
		outbuf_hex(out, v);
		if (!any && !cont && t->unknown)
			outbuf_puts(out, t->unknown);
	} else if (!any && !cont) {
		outbuf_puts(out, t->zero ? t->zero : "0");
	}
}

void argfmt_signal(struct outbuf *out, int64_t sig)
{
	const char *name = sig > 0 ? xlat_name(&xt_signal, (uint64_t)sig) : NULL;

	if (name) {
		outbuf_puts(out, name);
	} else if (sig == 32) {
		outbuf_puts(out, "SIGRTMIN");
	} else if (sig > 32 && sig <= 64) {
		outbuf_puts(out, "SIGRT_");
		outbuf_u64(out, (uint64_t)(sig - 32));
	} else {
		outbuf_i64(out, sig);
	}
}

void argfmt_octal(struct outbuf *out, uint64_t v)
{
	char buf[32];
	size_t i = sizeof(buf);
	bool zero = v == 0;

	/* printf's "%#03o": a leading 0 unless the value is 0, three digits at least */
	do {
		buf[--i] = (char)('0' + (v & 7));
		v >>= 3;
	} while (v);
	if (!zero)
		buf[--i] = '0';
	while (sizeof(buf) - i < 3)
		buf[--i] = '0';
	outbuf_put(out, buf + i, sizeof(buf) - i);
}
