/* sig_catalog.c - the built-in detections as rows of the event table: name
 * and TRC id as Tracee has them, severity (0-3), MITRE ATT&CK technique and
 * category, and the base events each consumes. The logic that raises them is
 * in sig_builtin_*.c; the engine (sig_engine.c) joins the two by name.
 *
 * Base events are Tracee's, but for socket_dup: stdio_over_socket follows
 * dups in user space from the syscalls (see sig_builtin_net.c), though the
 * socket_dup event exists too. */
#include "events.h"

/* The sets: "signatures" for those on by default; "" for those only -e
 * selects (k8s_service_account_token: noisy, as Tracee found). */
#define ON  "signatures"
#define OFF ""

/* A data argument of a detection: a string or an int. */
#define STR(n) { "const char*", n, ARG_STR, FMT_DEFAULT }
#define INT(n) { "int", n, ARG_INT, FMT_DEFAULT }

#define RENAMES "security_inode_rename"
#define EXECS   "execve,execveat"

#define DETECTION(num, nm, set, n, ...)                                         \
	{ .id = TRACEE_DETECTION_BASE + (num), .name = nm, .sets = set, .argnum = n, \
	  .sig = &(const struct sig_def){ __VA_ARGS__ } }

const struct event_def tracee_detection_defs[] = {
	{ .id = TRACEE_DETECTION_BASE + 0, .name = "stdio_over_socket", .sets = ON, .argnum = 3,
	  .args = { STR("IP address"), STR("Port"), INT("File descriptor") },
	  .sig = &(const struct sig_def){
		.trc_id = "TRC-101", .title = "Standard input/output of a process over a socket",
		.description = "A connected internet socket became a process's standard input, "
			"output or error: the shape of a reverse shell.",
		.severity = 3, .mitre_id = "T1059.004", .technique = "Unix Shell",
		.category = "execution", .tags = "linux,container",
		.events = "socket,security_socket_connect,accept,accept4,dup,dup2,dup3,fcntl,close,"
			  "sched_process_fork,sched_process_exit" } },
	DETECTION(1, "anti_debugging", ON, 0,
		.trc_id = "TRC-102", .title = "Anti-debugging",
		.description = "A process asked to be traced by its parent (PTRACE_TRACEME), "
			"which keeps any other debugger out.",
		.severity = 1, .mitre_id = "T1622", .technique = "Debugger Evasion",
		.category = "defense-evasion", .tags = "linux,container", .events = "ptrace"),
	DETECTION(2, "ptrace_code_injection", ON, 0,
		.trc_id = "TRC-103", .title = "Code injection through ptrace",
		.description = "A process wrote into another process's memory with "
			"PTRACE_POKETEXT or PTRACE_POKEDATA.",
		.severity = 3, .mitre_id = "T1055.008", .technique = "Ptrace System Calls",
		.category = "defense-evasion", .tags = "linux,container", .events = "ptrace"),
	DETECTION(3, "dynamic_code_loading", ON, 0,
		.trc_id = "TRC-104", .title = "Dynamic code loading",
		.description = "Memory that was writable and executable became executable only: "
			"code was written, then run.",
		.severity = 2, .mitre_id = "T1027.002", .technique = "Software Packing",
		.category = "defense-evasion", .tags = "linux,container", .events = "mem_prot_alert"),
	DETECTION(4, "fileless_execution", ON, 0,
		.trc_id = "TRC-105", .title = "Fileless execution",
		.description = "A program was executed from memory (a memfd, /dev/shm or "
			"/run/shm) rather than from a file on disk.",
		.severity = 3, .mitre_id = "T1620", .technique = "Reflective Code Loading",
		.category = "defense-evasion", .tags = "linux,container",
		.events = "security_bprm_check"),
	DETECTION(5, "cgroup_notify_on_release", ON, 0,
		.trc_id = "TRC-106", .title = "cgroup notify_on_release opened for writing",
		.description = "A container process opened a cgroup notify_on_release file for "
			"writing, a step of the release_agent container escape.",
		.severity = 3, .mitre_id = "T1611", .technique = "Escape to Host",
		.category = "privilege-escalation", .tags = "container",
		.events = "security_file_open", .container_only = true),
	{ .id = TRACEE_DETECTION_BASE + 6, .name = "ld_preload", .sets = ON, .argnum = 0,
	  .sig = &(const struct sig_def){
		.trc_id = "TRC-107", .title = "LD_PRELOAD code injection",
		.description = "A program was started with LD_PRELOAD or LD_LIBRARY_PATH set, or "
			"/etc/ld.so.preload was written or replaced: a library of someone's "
			"choosing loads into every process.",
		.severity = 2, .mitre_id = "T1574", .technique = "Hijack Execution Flow",
		.category = "persistence", .tags = "linux,container",
		.events = EXECS ",security_file_open," RENAMES } },
	DETECTION(7, "k8s_service_account_token", OFF, 0,
		.trc_id = "TRC-108", .title = "Kubernetes service account token read",
		.description = "A container process that is not a known Kubernetes component read "
			"a service account token.",
		.severity = 0, .mitre_id = "T1212", .technique = "Exploitation for Credential Access",
		.category = "credential-access", .tags = "container,kubernetes",
		.events = "security_file_open", .container_only = true),
	DETECTION(8, "aslr_inspection", ON, 0,
		.trc_id = "TRC-109", .title = "ASLR configuration read",
		.description = "A process read /proc/sys/kernel/randomize_va_space.",
		.severity = 0, .mitre_id = "T1068", .technique = "Exploitation for Privilege Escalation",
		.category = "privilege-escalation", .tags = "linux,container",
		.events = "security_file_open"),
	DETECTION(9, "cgroup_release_agent", ON, 0,
		.trc_id = "TRC-1010", .title = "cgroup release_agent modification",
		.description = "A container process opened a cgroup release_agent file for writing "
			"or renamed one: the release_agent container escape.",
		.severity = 3, .mitre_id = "T1611", .technique = "Escape to Host",
		.category = "privilege-escalation", .tags = "container",
		.events = "security_file_open," RENAMES, .container_only = true),
	DETECTION(10, "core_pattern_modification", ON, 0,
		.trc_id = "TRC-1011", .title = "core_pattern modification",
		.description = "A container process opened /proc/sys/kernel/core_pattern for "
			"writing: a crash could then run a program on the host.",
		.severity = 3, .mitre_id = "T1611", .technique = "Escape to Host",
		.category = "privilege-escalation", .tags = "container",
		.events = "security_file_open", .container_only = true),
	DETECTION(11, "default_loader_mod", ON, 0,
		.trc_id = "TRC-1012", .title = "Dynamic loader modification",
		.description = "The system's dynamic loader (ld*.so under /lib or /usr/lib) was "
			"opened for writing or replaced.",
		.severity = 3, .mitre_id = "T1574", .technique = "Hijack Execution Flow",
		.category = "defense-evasion", .tags = "linux,container",
		.events = "security_file_open," RENAMES),
	DETECTION(12, "k8s_api_connection", ON, 0,
		.trc_id = "TRC-1013", .title = "Kubernetes API server connection",
		.description = "A container process connected to the Kubernetes API server its "
			"environment names (KUBERNETES_SERVICE_HOST).",
		.severity = 1, .mitre_id = "", .technique = "Cloud Service Discovery",
		.category = "discovery", .tags = "container,kubernetes",
		.events = EXECS ",security_socket_connect", .container_only = true),
	DETECTION(13, "disk_mount", ON, 0,
		.trc_id = "TRC-1014", .title = "Device mount in a container",
		.description = "A container process mounted a device (/dev/...): host disks "
			"mounted in a container are a way out of it.",
		.severity = 3, .mitre_id = "T1611", .technique = "Escape to Host",
		.category = "privilege-escalation", .tags = "container",
		.events = "security_sb_mount", .container_only = true),
	DETECTION(14, "hidden_file_created", ON, 0,
		.trc_id = "TRC-1015", .title = "Hidden executable created",
		.description = "An ELF file was written under a name or directory starting with "
			"a dot.",
		.severity = 2, .mitre_id = "T1564.001", .technique = "Hidden Files and Directories",
		.category = "defense-evasion", .tags = "linux,container", .events = "magic_write"),
	DETECTION(15, "illegitimate_shell", ON, 0,
		.trc_id = "TRC-1016", .title = "Web server started a shell",
		.description = "A web server process executed a shell.",
		.severity = 2, .mitre_id = "T1190", .technique = "Exploit Public-Facing Application",
		.category = "initial-access", .tags = "linux,container", .events = EXECS),
	DETECTION(16, "kernel_module_loading", ON, 0,
		.trc_id = "TRC-1017", .title = "Kernel module load",
		.description = "A process asked the kernel to load a module (init_module, or a "
			"module file to read), whether or not the kernel accepted it.",
		.severity = 2, .mitre_id = "T1547.006", .technique = "Kernel Modules and Extensions",
		.category = "persistence", .tags = "linux,container",
		.events = "init_module,security_kernel_read_file"),
	DETECTION(17, "k8s_cert_theft", ON, 0,
		.trc_id = "TRC-1018", .title = "Kubernetes TLS certificate theft",
		.description = "A process that is not a Kubernetes component read or moved a file "
			"under /etc/kubernetes/pki/.",
		.severity = 3, .mitre_id = "T1528", .technique = "Steal Application Access Token",
		.category = "credential-access", .tags = "linux,container,kubernetes",
		.events = "security_file_open," RENAMES),
	DETECTION(18, "docker_abuse", ON, 0,
		.trc_id = "TRC-1019", .title = "Docker socket abuse",
		.description = "A container process opened docker.sock for writing or connected "
			"to it: the Docker API controls the host.",
		.severity = 2, .mitre_id = "T1068", .technique = "Exploitation for Privilege Escalation",
		.category = "privilege-escalation", .tags = "container",
		.events = "security_file_open,security_socket_connect", .container_only = true),
	DETECTION(19, "proc_kcore_read", ON, 0,
		.trc_id = "TRC-1021", .title = "/proc/kcore read",
		.description = "A container process opened /proc/kcore, the host's physical "
			"memory, for reading.",
		.severity = 2, .mitre_id = "T1611", .technique = "Escape to Host",
		.category = "privilege-escalation", .tags = "container",
		.events = "security_file_open", .container_only = true),
	{ .id = TRACEE_DETECTION_BASE + 20, .name = "dropped_executable", .sets = ON, .argnum = 1,
	  .args = { STR("path") },
	  .sig = &(const struct sig_def){
		.trc_id = "TRC-1022", .title = "Executable dropped",
		.description = "A container process wrote an ELF file to disk at run time; images "
			"normally bring every program they run.",
		.severity = 2, .mitre_id = "T1036", .technique = "Masquerading",
		.category = "defense-evasion", .tags = "container", .events = "magic_write",
		.container_only = true } },
	DETECTION(21, "proc_mem_access", ON, 0,
		.trc_id = "TRC-1023", .title = "Another process's memory read",
		.description = "A process opened /proc/PID/mem of another process for reading.",
		.severity = 3, .mitre_id = "T1003.007", .technique = "Proc Filesystem",
		.category = "credential-access", .tags = "linux,container",
		.events = "security_file_open"),
	DETECTION(22, "proc_mem_code_injection", ON, 0,
		.trc_id = "TRC-1024", .title = "Code injection through /proc/PID/mem",
		.description = "A process opened /proc/PID/mem of another process for writing.",
		.severity = 3, .mitre_id = "T1055.009", .technique = "Proc Memory",
		.category = "defense-evasion", .tags = "linux,container",
		.events = "security_file_open"),
	DETECTION(23, "process_vm_write_inject", ON, 0,
		.trc_id = "TRC-1025", .title = "Code injection through process_vm_writev",
		.description = "A process wrote into another process's memory with "
			"process_vm_writev.",
		.severity = 3, .mitre_id = "T1055", .technique = "Process Injection",
		.category = "defense-evasion", .tags = "linux,container",
		.events = "process_vm_writev"),
	DETECTION(24, "rcd_modification", ON, 0,
		.trc_id = "TRC-1026", .title = "rc.d modification",
		.description = "A boot or runlevel script (/etc/rc*.d, /etc/init.d, rc.local) was "
			"written or replaced, or update-rc.d was run.",
		.severity = 2, .mitre_id = "T1037.004", .technique = "RC Scripts",
		.category = "persistence", .tags = "linux,container",
		.events = "security_file_open," RENAMES "," EXECS),
	DETECTION(25, "scheduled_task_mod", ON, 0,
		.trc_id = "TRC-1027", .title = "Scheduled task modification",
		.description = "A cron table or directory was written or replaced, or crontab, at "
			"or batch was run.",
		.severity = 2, .mitre_id = "T1053.003", .technique = "Cron",
		.category = "persistence", .tags = "linux,container",
		.events = "security_file_open," RENAMES "," EXECS),
	DETECTION(26, "sudoers_modification", ON, 0,
		.trc_id = "TRC-1028", .title = "sudoers modification",
		.description = "/etc/sudoers or a file under /etc/sudoers.d was written or replaced.",
		.severity = 2, .mitre_id = "T1548.003", .technique = "Sudo and Sudo Caching",
		.category = "privilege-escalation", .tags = "linux,container",
		.events = "security_file_open," RENAMES),
	DETECTION(27, "sched_debug_recon", ON, 0,
		.trc_id = "TRC-1029", .title = "sched_debug read",
		.description = "A container process read the scheduler's debug file, which lists "
			"the host's CPUs and tasks.",
		.severity = 1, .mitre_id = "T1613", .technique = "Container and Resource Discovery",
		.category = "discovery", .tags = "container",
		.events = "security_file_open", .container_only = true),
	DETECTION(28, "system_request_key_mod", ON, 0,
		.trc_id = "TRC-1031", .title = "System request key configuration modification",
		.description = "A container process opened /proc/sys/kernel/sysrq or "
			"/proc/sysrq-trigger for writing.",
		.severity = 3, .mitre_id = "T1611", .technique = "Escape to Host",
		.category = "privilege-escalation", .tags = "container",
		.events = "security_file_open", .container_only = true),
};
const size_t tracee_detection_defs_len = sizeof(tracee_detection_defs) / sizeof(tracee_detection_defs[0]);
