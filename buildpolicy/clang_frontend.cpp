// clang_frontend.cpp - the build plugin (tracee-build.so): compiles in-memory
// eBPF C sources to an ELF BPF object in memory with clang's C++ API,
// in-process: no clang executable, no temporary files.
//
// Two modes (clang_frontend.h):
//   TCF_MODE_BPF      parse and optimise with -triple bpf (CO-RE, vmlinux.h),
//                     then run the BPF back end on the module;
//   TCF_MODE_HOST_IR  parse kernel headers for the x86_64 host (their inline
//                     asm has x86 constraints), take the unoptimised LLVM
//                     module, retarget it to BPF, optimise it with the BPF
//                     target's pipeline and run the BPF back end on it.
// Either way the object has BTF but no DWARF sections (drop_dwarf_sections).
// The in-memory files are an InMemoryFileSystem laid over the real one, so
// -I/virtual/include, "maps.h" next to the main file, and real kernel header
// trees all resolve.
//
// Each compilation runs in a forked child (the same in-process API, no exec):
// LLVM 19's BPF back end keeps pointers into earlier modules in a static map
// (BPFAbstractMemberAccess::GEPGlobals), so a second CO-RE compilation in one
// process reads freed memory. The child also keeps report_fatal_error()'s
// exit(), crashes and LLVM's memory away from the tracer.
//
// Return values: 0 ok; -EINVAL bad request or cc1 arguments; -EIO the
// compilation failed (res->diagnostics says why); -ENOMEM out of memory;
// another -errno if the pipe or fork failed.

#include "clang_frontend.h"

#include <cerrno>
#include <cstdint>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/CodeGen/CodeGenAction.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <llvm/IR/DiagnosticInfo.h>
#include <llvm/IR/DiagnosticPrinter.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/ErrorHandling.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/VirtualFileSystem.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>

namespace {

const char kHostTriple[] = "x86_64-unknown-linux-gnu";
const char kBpfTriple[] = "bpf";       // what clang -target bpf uses
const char kBpfBackendTriple[] = "bpfel";
const char kBpfCpu[] = "generic";      // clang's default for -target bpf

// Everything clang and LLVM have to say about one compilation.
struct Diagnostics {
	std::string text;
	llvm::raw_string_ostream os{text};
	bool backend_error = false;
};

char *copy_string(const std::string &s)
{
	char *p = static_cast<char *>(malloc(s.size() + 1));
	if (p)
		memcpy(p, s.c_str(), s.size() + 1);
	return p;
}

// Only BPF code is ever generated. Parsing for x86_64 needs clang's own
// TargetInfo, not LLVM's X86 back end: the module is never code-generated
// for x86, so that target is left out. Runs in each (fresh) child.
void init_bpf_target()
{
	LLVMInitializeBPFTargetInfo();
	LLVMInitializeBPFTarget();
	LLVMInitializeBPFTargetMC();
	LLVMInitializeBPFAsmPrinter();
}

// The cc1 command line. Debug info is on because the BPF back end derives
// BTF (and CO-RE relocations) from it. -nostdsysteminc keeps the host's
// /usr/include out: only the resource dir and what the caller passes.
std::vector<std::string> cc1_args(const tcf_request &req)
{
	const bool host_ir = req.mode == TCF_MODE_HOST_IR;
	std::vector<std::string> a = {"-cc1", "-triple", host_ir ? kHostTriple : kBpfTriple};
	if (host_ir) {
		// Optimise later, with the BPF target's pipeline (it adds
		// BPF-specific IR passes); -O2 still shapes the IR clang emits.
		a.insert(a.end(), {"-emit-llvm-only", "-disable-llvm-passes"});
	} else {
		a.insert(a.end(), {"-emit-obj", "-target-cpu", kBpfCpu});
	}
	// -disable-free: the child exits right after, tearing down the AST is waste.
	// Assignment tracking (variable locations for debuggers, on by default
	// at -O2) adds nothing to BTF and takes a third of the back end's time.
	a.insert(a.end(), {"-O2", "-debug-info-kind=constructor", "-dwarf-version=5",
	                   "-fexperimental-assignment-tracking=disabled",
	                   "-debugger-tuning=gdb", "-fdebug-compilation-dir=/",
	                   "-fgnuc-version=4.2.1", "-discard-value-names",
	                   "-disable-llvm-verifier", "-disable-free", "-ferror-limit", "19",
	                   "-nostdsysteminc"});
	if (req.resource_dir && *req.resource_dir) {
		std::string rd = req.resource_dir;
		a.insert(a.end(), {"-resource-dir", rd, "-internal-isystem", rd + "/include"});
	}
	for (size_t i = 0; i < req.nargs; i++)
		if (req.args[i])
			a.emplace_back(req.args[i]);
	a.insert(a.end(), {"-x", "c", req.main_path});
	return a;
}

void print_command_line(const std::vector<std::string> &args)
{
	std::string line = "tracee: clang";
	for (const std::string &arg : args) {
		bool quote = arg.empty() || arg.find_first_of(" \t\"'") != std::string::npos;
		line += quote ? " '" + arg + "'" : " " + arg;
	}
	fprintf(stderr, "%s\n", line.c_str());
}

// The request's files over the real filesystem. Contents are copied: the
// lexer needs a NUL after each buffer, which the caller's data may lack.
llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> make_filesystem(const tcf_request &req,
                                                                 Diagnostics &diag)
{
	auto mem = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
	for (size_t i = 0; i < req.nfiles; i++) {
		const tcf_file &f = req.files[i];
		if (!f.path || f.path[0] != '/' || (!f.data && f.len)) {
			diag.os << "error: in-memory file " << i << " needs an absolute path and data\n";
			return nullptr;
		}
		llvm::StringRef data(f.data ? f.data : "", f.len);
		if (!mem->addFile(f.path, 0, llvm::MemoryBuffer::getMemBufferCopy(data, f.path))) {
			diag.os << "error: in-memory file '" << f.path << "' given twice\n";
			return nullptr;
		}
	}
	auto overlay = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(
		llvm::vfs::getRealFileSystem());
	overlay->pushOverlay(mem);
	return overlay;
}

// -mllvm options set LLVM's global options, as cc1 does. That is safe only
// because every compilation runs in a child that is thrown away.
bool apply_mllvm_options(const std::vector<std::string> &llvm_args, Diagnostics &diag)
{
	if (llvm_args.empty())
		return true;
	std::vector<const char *> argv = {"clang (-mllvm)"};
	for (const std::string &arg : llvm_args)
		argv.push_back(arg.c_str());
	return llvm::cl::ParseCommandLineOptions((int)argv.size(), argv.data(), "", &diag.os);
}

// Parses the cc1 arguments and sets up a compiler whose diagnostics, and the
// "N errors generated." summary, go to diag instead of stderr.
bool make_compiler(clang::CompilerInstance &ci, const std::vector<std::string> &args,
                   llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> fs, Diagnostics &diag)
{
	std::vector<const char *> argv;
	for (size_t i = 1; i < args.size(); i++) // CreateFromArgs takes no "-cc1"
		argv.push_back(args[i].c_str());

	auto parse_opts = llvm::makeIntrusiveRefCnt<clang::DiagnosticOptions>();
	clang::TextDiagnosticPrinter parse_printer(diag.os, parse_opts.get());
	clang::DiagnosticsEngine parse_diags(llvm::makeIntrusiveRefCnt<clang::DiagnosticIDs>(),
	                                     parse_opts, &parse_printer, false);
	auto inv = std::make_shared<clang::CompilerInvocation>();
	if (!clang::CompilerInvocation::CreateFromArgs(*inv, argv, parse_diags) ||
	    parse_diags.hasErrorOccurred())
		return false;

	ci.setInvocation(std::move(inv));
	ci.createDiagnostics(new clang::TextDiagnosticPrinter(diag.os, &ci.getDiagnosticOpts()));
	ci.setVerboseOutputStream(diag.os);
	ci.createFileManager(std::move(fs));
	return apply_mllvm_options(ci.getFrontendOpts().LLVMArgs, diag);
}

// LLVM reports back-end problems (stack limit, unsupported calls) through the
// context; without a handler an error would print to stderr and exit().
void on_backend_diagnostic(const llvm::DiagnosticInfo *di, void *ctx)
{
	auto &diag = *static_cast<Diagnostics *>(ctx);
	switch (di->getSeverity()) {
	case llvm::DS_Error: diag.os << "error: "; diag.backend_error = true; break;
	case llvm::DS_Warning: diag.os << "warning: "; break;
	case llvm::DS_Note: diag.os << "note: "; break;
	case llvm::DS_Remark: return;
	}
	llvm::DiagnosticPrinterRawOStream printer(diag.os);
	di->print(printer);
	diag.os << "\n";
}

std::unique_ptr<llvm::TargetMachine> make_bpf_target_machine(Diagnostics &diag)
{
	std::string err;
	const llvm::Target *target = llvm::TargetRegistry::lookupTarget(kBpfBackendTriple, err);
	if (!target) {
		diag.os << "error: BPF target: " << err << "\n";
		return nullptr;
	}
	return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
		kBpfBackendTriple, kBpfCpu, "", llvm::TargetOptions(), llvm::Reloc::Static));
}

// The module was made for x86_64: give it BPF's triple and data layout
// (struct layouts agree on x86_64 and BPF: LP64, same alignments) and drop
// the x86 CPU attributes the BPF back end would warn about.
void retarget_to_bpf(llvm::Module &m, llvm::TargetMachine &tm)
{
	m.setTargetTriple(tm.getTargetTriple().str());
	m.setDataLayout(tm.createDataLayout());
	for (llvm::Function &f : m) {
		f.removeFnAttr("target-cpu");
		f.removeFnAttr("target-features");
		f.removeFnAttr("tune-cpu");
	}
}

llvm::OptimizationLevel optimization_level(unsigned level)
{
	switch (level) {
	case 0: return llvm::OptimizationLevel::O0;
	case 1: return llvm::OptimizationLevel::O1;
	case 2: return llvm::OptimizationLevel::O2;
	default: return llvm::OptimizationLevel::O3;
	}
}

// The standard pipeline with the BPF target machine, which adds the BPF IR
// passes (CO-RE access lowering, verifier-friendly adjustments).
void optimize(llvm::Module &m, llvm::TargetMachine &tm, unsigned level)
{
	// Declared in this order so they are destroyed in the right order.
	llvm::LoopAnalysisManager lam;
	llvm::FunctionAnalysisManager fam;
	llvm::CGSCCAnalysisManager cgam;
	llvm::ModuleAnalysisManager mam;
	llvm::PassBuilder pb(&tm);
	pb.registerModuleAnalyses(mam);
	pb.registerCGSCCAnalyses(cgam);
	pb.registerFunctionAnalyses(fam);
	pb.registerLoopAnalyses(lam);
	pb.crossRegisterProxies(lam, fam, cgam, mam);
	pb.buildPerModuleDefaultPipeline(optimization_level(level)).run(m, mam);
}

bool emit_bpf_object(llvm::Module &m, llvm::TargetMachine &tm, llvm::SmallVectorImpl<char> &obj,
                     Diagnostics &diag)
{
	llvm::raw_svector_ostream os(obj);
	llvm::legacy::PassManager pm;
	if (tm.addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile)) {
		diag.os << "error: the BPF target cannot emit an object file\n";
		return false;
	}
	pm.run(m);
	return !diag.backend_error;
}

// The BPF back end makes BTF from the debug-info metadata; the DWARF sections
// it would also write are never read (libbpf loads .BTF and .BTF.ext) and cost
// about a tenth of the build. Without a "Dwarf Version" flag and with the
// "CodeView" one (ignored outside Windows), the AsmPrinter makes no DWARF
// writer; BTF is unchanged because clang has already made the metadata.
void drop_dwarf_sections(llvm::Module &m)
{
	llvm::NamedMDNode *flags = m.getModuleFlagsMetadata();
	std::vector<llvm::MDNode *> keep;

	if (!flags)
		return;
	for (llvm::MDNode *flag : flags->operands()) {
		auto *key = flag->getNumOperands() > 1
			? llvm::dyn_cast<llvm::MDString>(flag->getOperand(1)) : nullptr;
		if (!key || key->getString() != "Dwarf Version")
			keep.push_back(flag);
	}
	flags->clearOperands();
	for (llvm::MDNode *flag : keep)
		flags->addOperand(flag);
	m.addModuleFlag(llvm::Module::Warning, "CodeView", 1);
}

double seconds()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Both modes: clang parses into an IR module (for the bpf triple it also
// optimises, with the BPF IR passes); the object is emitted here, without
// DWARF. For the host triple (TCF_MODE_HOST_IR) the module is first moved to
// the BPF target and optimised for it, as BCC does.
bool compile_module(clang::CompilerInstance &ci, llvm::SmallVectorImpl<char> &obj,
                    Diagnostics &diag, bool host_ir, bool debug)
{
	llvm::LLVMContext ctx;
	clang::EmitLLVMOnlyAction act(&ctx);
	double start = seconds();
	if (!ci.ExecuteAction(act) || ci.getDiagnostics().hasErrorOccurred())
		return false;
	double parsed = seconds();
	std::unique_ptr<llvm::Module> m = act.takeModule();
	std::unique_ptr<llvm::TargetMachine> tm = make_bpf_target_machine(diag);
	if (!m || !tm)
		return false;
	ctx.setDiagnosticHandlerCallBack(on_backend_diagnostic, &diag);
	if (host_ir) {
		unsigned level = ci.getCodeGenOpts().OptimizationLevel;

		if (debug)
			fprintf(stderr, "tracee: BPF back end: %s %s -O%u\n", kBpfBackendTriple, kBpfCpu, level);
		retarget_to_bpf(*m, *tm);
		optimize(*m, *tm, level);
	}
	drop_dwarf_sections(*m);
	double optimised = seconds();
	bool ok = !diag.backend_error && emit_bpf_object(*m, *tm, obj, diag);
	if (debug)
		fprintf(stderr, "tracee: compile time: clang %.2f s, BPF IR passes %.2f s, BPF back end %.2f s\n",
			parsed - start, optimised - parsed, seconds() - optimised);
	return ok;
}

int compile(const tcf_request &req, const std::vector<std::string> &args,
            llvm::SmallVectorImpl<char> &obj, Diagnostics &diag)
{
	init_bpf_target();
	llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> fs = make_filesystem(req, diag);
	if (!fs)
		return -EINVAL;
	clang::CompilerInstance ci;
	if (!make_compiler(ci, args, std::move(fs), diag))
		return -EINVAL;
	bool ok = compile_module(ci, obj, diag, req.mode == TCF_MODE_HOST_IR, req.debug);
	return ok && !obj.empty() ? 0 : -EIO;
}

// What the child sends up the pipe, followed by the object and the
// diagnostics text.
struct Reply {
	int32_t rc;
	uint64_t obj_len;
	uint64_t diag_len;
};

bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

// _exit, never exit(): the child must not run the tracer's atexit handlers
// or flush a copy of its stdio buffers.
[[noreturn]] void reply_and_exit(int fd, int rc, llvm::ArrayRef<char> obj, const std::string &diag)
{
	Reply r = {rc, obj.size(), diag.size()};
	bool ok = write_all(fd, reinterpret_cast<const char *>(&r), sizeof r) &&
	          write_all(fd, obj.data(), obj.size()) && write_all(fd, diag.data(), diag.size());
	_exit(ok ? 0 : 1);
}

struct FatalContext {
	int fd;
	Diagnostics *diag;
};

// report_fatal_error() would print to stderr and exit(): report it as a
// failed build instead.
void on_fatal_error(void *ctx, const char *reason, bool)
{
	auto *fatal = static_cast<FatalContext *>(ctx);
	fatal->diag->os << "fatal error: " << reason << "\n";
	fatal->diag->os.flush();
	reply_and_exit(fatal->fd, -EIO, {}, fatal->diag->text);
}

[[noreturn]] void run_child(const tcf_request &req, const std::vector<std::string> &args, int fd)
{
	// Ctrl-C should stop the build, whatever the tracer's handlers or
	// signal mask (e.g. for a signalfd) say.
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_UNBLOCK, &stop, nullptr);
	Diagnostics diag;
	llvm::SmallVector<char, 0> obj;
	FatalContext fatal = {fd, &diag};
	llvm::install_fatal_error_handler(on_fatal_error, &fatal);
	int rc = -ENOMEM;
	try {
		rc = compile(req, args, obj, diag);
	} catch (...) {
	}
	diag.os.flush();
	reply_and_exit(fd, rc, rc == 0 ? llvm::ArrayRef<char>(obj) : llvm::ArrayRef<char>(), diag.text);
}

bool read_all(int fd, std::string &out)
{
	char buf[1 << 16];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0;
		out.append(buf, (size_t)n);
	}
}

// Unpacks the child's reply into res. Returns false when it is incomplete.
bool take_reply(const std::string &msg, tcf_result &res, int &rc)
{
	Reply r;
	if (msg.size() < sizeof r)
		return false;
	memcpy(&r, msg.data(), sizeof r);
	if (msg.size() - sizeof r != r.obj_len + r.diag_len)
		return false;
	rc = r.rc;
	if (r.obj_len) {
		res.obj = malloc(r.obj_len);
		if (!res.obj)
			throw std::bad_alloc();
		memcpy(res.obj, msg.data() + sizeof r, r.obj_len);
		res.obj_len = r.obj_len;
	}
	if (r.diag_len)
		res.diagnostics = copy_string(msg.substr(sizeof r + r.obj_len));
	return true;
}

std::string describe_death(pid_t reaped, pid_t child, int status)
{
	if (reaped == child && WIFSIGNALED(status))
		return std::string("error: the compiler died of signal ") + std::to_string(WTERMSIG(status)) +
		       " (" + strsignal(WTERMSIG(status)) + ")\n";
	return "error: the compiler process died without a result\n";
}

int compile_in_child(const tcf_request &req, const std::vector<std::string> &args, tcf_result &res)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid_t child = fork();
	if (child < 0) {
		int err = errno;
		close(fds[0]);
		close(fds[1]);
		return -err;
	}
	if (child == 0) {
		close(fds[0]);
		run_child(req, args, fds[1]);
	}
	close(fds[1]);
	std::string msg;
	bool read_ok = read_all(fds[0], msg);
	close(fds[0]);
	int status = 0;
	pid_t reaped;
	while ((reaped = waitpid(child, &status, 0)) < 0 && errno == EINTR)
		;
	// Trust a complete reply even if a SIGCHLD handler reaped the child.
	int rc = -EIO;
	if (read_ok && take_reply(msg, res, rc))
		return rc;
	res.diagnostics = copy_string(describe_death(reaped, child, status));
	return -EIO;
}

int check_request(const tcf_request *req, Diagnostics &diag)
{
	if (!req)
		return -EINVAL;
	if (req->abi != TCF_ABI_VERSION) {
		diag.os << "error: build plugin ABI " << TCF_ABI_VERSION << ", caller ABI " << req->abi << "\n";
		return -EINVAL;
	}
	if (req->mode != TCF_MODE_BPF && req->mode != TCF_MODE_HOST_IR) {
		diag.os << "error: unknown build mode " << req->mode << "\n";
		return -EINVAL;
	}
	if (!req->main_path || (req->nfiles && !req->files) || (req->nargs && !req->args)) {
		diag.os << "error: incomplete build request\n";
		return -EINVAL;
	}
	return 0;
}

} // namespace

extern "C" int tracee_clang_compile(const struct tcf_request *req, struct tcf_result *res)
{
	if (!res)
		return -EINVAL;
	*res = tcf_result{};
	try {
		Diagnostics diag;
		int rc = check_request(req, diag);
		if (rc == 0) {
			std::vector<std::string> args = cc1_args(*req);
			if (req->debug)
				print_command_line(args);
			rc = compile_in_child(*req, args, *res);
		}
		diag.os.flush();
		if (!diag.text.empty())
			res->diagnostics = copy_string(diag.text);
		if (rc != 0 && !res->diagnostics)
			res->diagnostics = copy_string("error: compilation failed\n");
		return rc;
	} catch (...) {
		tracee_clang_free(res);
		return -ENOMEM;
	}
}

extern "C" void tracee_clang_free(struct tcf_result *res)
{
	if (!res)
		return;
	free(res->obj);
	free(res->diagnostics);
	*res = tcf_result{};
}
