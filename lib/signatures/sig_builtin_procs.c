/* sig_builtin_procs.c - the detections that look at one process or memory
 * event: ptrace requests, memory protection alerts, module loads,
 * process_vm_writev, mounts. Each fires on the attempt, whatever the kernel
 * answered: a refused module load or ptrace is still the technique tried,
 * and worth a line. */
#include <limits.h>
#include <string.h>
#include "sig.h"

enum { PTRACE_TRACEME_REQ = 0, PTRACE_POKETEXT_REQ = 4, PTRACE_POKEDATA_REQ = 5 };

static void anti_debugging_on_event(struct sig_ctx *c, const void *data, void *state, int id,
				    const struct event *ev)
{
	if (sig_arg(ev, "request") && sig_num(ev, "request") == PTRACE_TRACEME_REQ)
		sig_raise(c, id, ev);
}

static void ptrace_inject_on_event(struct sig_ctx *c, const void *data, void *state, int id,
				   const struct event *ev)
{
	int64_t req = sig_num(ev, "request");

	if (req == PTRACE_POKETEXT_REQ || req == PTRACE_POKEDATA_REQ)
		sig_raise(c, id, ev);
}

/* mem_prot_alert's text for a mapping that went from W+X to X. */
static void dynamic_code_on_event(struct sig_ctx *c, const void *data, void *state, int id,
				  const struct event *ev)
{
	char alert[64];

	if (sig_str(ev, "alert", alert, sizeof(alert)) &&
	    strcmp(alert, "Protection changed from W+E to E!") == 0)
		sig_raise(c, id, ev);
}

static void module_load_on_event(struct sig_ctx *c, const void *data, void *state, int id,
				 const struct event *ev)
{
	sig_raise(c, id, ev);
}

/* The pid argument as the writer's pid namespace sees it. */
static void vm_write_on_event(struct sig_ctx *c, const void *data, void *state, int id,
			      const struct event *ev)
{
	const struct event_arg *pid = sig_arg(ev, "pid");

	if (pid && pid->num != ev->hdr->pid)
		sig_raise(c, id, ev);
}

/* A device mounted from a container; runc's own mounts while it sets the
 * container up (pid 1 of the namespace, comm "runc:...") are not. */
static void disk_mount_on_event(struct sig_ctx *c, const void *data, void *state, int id,
				const struct event *ev)
{
	char source[PATH_MAX];

	if (ev->hdr->pid == 1 && strncmp(ev->hdr->comm, "runc:", 5) == 0)
		return;
	if (sig_str(ev, "source", source, sizeof(source)) && sig_has_prefix(source, "/dev/"))
		sig_raise(c, id, ev);
}

const struct sig_impl sig_builtin_procs[] = {
	{ .name = "anti_debugging", .on_event = anti_debugging_on_event },
	{ .name = "ptrace_code_injection", .on_event = ptrace_inject_on_event },
	{ .name = "dynamic_code_loading", .on_event = dynamic_code_on_event },
	{ .name = "kernel_module_loading", .on_event = module_load_on_event },
	{ .name = "process_vm_write_inject", .on_event = vm_write_on_event },
	{ .name = "disk_mount", .on_event = disk_mount_on_event },
};
const size_t sig_builtin_procs_len = sizeof(sig_builtin_procs) / sizeof(sig_builtin_procs[0]);
