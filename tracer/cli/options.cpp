// Option parsing. See options.h.
#include "options.h"

#include <boost/program_options.hpp>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <sstream>

#include "gotrace/error.h"
#include "strace_names.h"

namespace po = boost::program_options;

namespace gotrace::cli {
namespace {

struct Raw {
  bool help = false, version = false, summary_only = false, summary_and_trace = false;
  bool trace = false, no_summary = false, durations = false, follow = false, wall = false;
  bool quiet = false, kill_on_exit = false, no_status = false, verbose = false;
  std::string xlat = "abbrev";
  std::vector<std::string> paths;
  std::string output, sort = "time";
  int timestamps = 0, fd_detail = 0, column = 40;
  uint32_t string_limit = 32;
  std::vector<std::string> exprs;
  std::vector<std::string> pids;
  double duration = 0;
  double stall = 10;
  std::string report = "text", report_file, fail_on = "never";
  std::string record, format = "text";
  bool from_strace = false, full = false, light = false, thorough = false, show_filter = false, stacks = false;
  std::vector<std::string> inject, fault;
  std::string rlimit;
};

// The option table, in groups. Each group appends to the one "Options" table, so --help
// lists them in this order, in one block aligned as one.

// What is printed and how: mostly strace's own flags.
void describe_output(po::options_description& d, Raw& r) {
  d.add_options()
      ("help,h", po::bool_switch(&r.help), "show this help and exit")
      ("version,V", po::bool_switch(&r.version), "show the version and exit")
      ("trace", po::bool_switch(&r.trace),
       "print every syscall as strace does (default: only findings and the summary)")
      ("summary-only,c", po::bool_switch(&r.summary_only),
       "print only the summary table (as strace -c)")
      ("summary,C", po::bool_switch(&r.summary_and_trace),
       "print the trace and the summary (as strace -C)")
      ("no-summary", po::bool_switch(&r.no_summary), "do not print the summary table")
      ("output,o", po::value(&r.output)->value_name("FILE"),
       "write trace, findings and summary to FILE instead of stderr")
      ("timestamps", po::value(&r.timestamps)->value_name("N"),
       "-t: time of day; -tt: with microseconds; -ttt: seconds since the epoch")
      ("syscall-times,T", po::bool_switch(&r.durations),
       "show the time spent in each syscall, from entry to exit")
      ("expr,e", po::value(&r.exprs)->value_name("EXPR")->composing(),
       "trace=SET: which syscalls to show and count (names, %net %file %desc %process "
       "%signal %memory %ipc %clock %creds %stat, all, none, !negation; it prints their "
       "trace, as strace, unless -c); "
       "signal=SET: which signals to show (names, numbers, all, none, !negation; by default "
       "all but Go's SIGURG preemption); read=FDS / write=FDS: a hex dump of all the data "
       "read from / written to those fds (implies --trace)")
      ("string-limit,s", po::value(&r.string_limit)->value_name("N"),
       "print at most N bytes of strings and buffers (default 32)")
      ("summary-sort,S", po::value(&r.sort)->value_name("KEY"),
       "sort the summary by time (default), calls, errors, name or nothing")
      ("verbose,v", po::bool_switch(&r.verbose),
       "print structures and arrays unabbreviated (execve's environment), as strace -v")
      ("const-print-style,X", po::value(&r.xlat)->value_name("STYLE"),
       "how flags and named constants are printed: abbrev (names, the default), raw "
       "(numbers) or verbose (numbers with the names in a comment), as strace -X")
      ("trace-path,P", po::value(&r.paths)->value_name("PATH")->composing(),
       "trace only the calls that name PATH or use an fd open on it (repeatable), as "
       "strace -P; the summary still counts every call")
      ("decode-fds", po::value(&r.fd_detail)->value_name("N"),
       "-y: show the path behind each fd; -yy: also socket protocol and addresses")
      ("columns,a", po::value(&r.column)->value_name("COLUMN"),
       "align return values in the trace at COLUMN (default 40, as strace)")
      ("follow-forks,f", po::bool_switch(&r.follow),
       "show child processes in the trace too (as strace -f; without it the trace shows the "
       "command's own threads only, while findings and the summary always cover every child); "
       "with -o, prefix every line with its pid from the start, as strace -f -o does (without "
       "it the prefix comes once a second thread is shown)")
      ("summary-wall-clock,w", po::bool_switch(&r.wall),
       "summary times are wall-clock already (accepted for strace habits)");
}

// The run itself: attaching, how long it lasts, and the diagnosis and recording it leaves.
void describe_run(po::options_description& d, Raw& r) {
  d.add_options()
      ("attach,p", po::value(&r.pids)->value_name("PID[,PID...]")->composing(),
       "attach to running processes (all their threads): print what each thread is "
       "blocked in right now, then trace until Ctrl-C, SIGTERM, SIGHUP, SIGQUIT or --duration, "
       "then detach, leaving them running (or stopped) exactly as they were")
      ("duration", po::value(&r.duration)->value_name("SECONDS"),
       "end the trace after SECONDS: detach from -p processes; a launched command is sent "
       "SIGTERM (SIGKILL 3 s later)")
      ("kill-on-exit", po::bool_switch(&r.kill_on_exit),
       "if gotrace itself dies (SIGKILL, a crash), the command and its children die too "
       "(PTRACE_O_EXITKILL, as strace's --kill-on-exit). Always so under the seccomp filter "
       "(light mode, the default): with its tracer gone the command's filtered calls would "
       "fail with ENOSYS. With --full the command otherwise goes on, untraced")
      ("stall", po::value(&r.stall)->value_name("SECONDS"),
       "while tracing, when the command makes no progress for SECONDS (default 10), print "
       "the diagnosis right away; 0 turns this off")
      ("report", po::value(&r.report)->value_name("FORMAT"),
       "the diagnosis printed before the summary: text (default), json, or none")
      ("report-file", po::value(&r.report_file)->value_name("FILE"),
       "write the diagnosis to FILE (e.g. with --report=json for CI) instead of the output")
      ("fail-on", po::value(&r.fail_on)->value_name("LEVEL"),
       "exit 3 when the command succeeded but a finding of LEVEL (warning or error) or worse "
       "was reported (for CI); default never")
      ("record", po::value(&r.record)->value_name("FILE"),
       "also record every event to FILE (.gtr) for `gotrace replay`; written as "
       "FILE.partial until the trace ends (a cut-short recording still replays)")
      ("format", po::value(&r.format)->value_name("FORMAT"),
       "how the trace is written: text (strace-like, with --trace), jsonl (one JSON "
       "object per event) or chrome (trace-event JSON for Perfetto/chrome://tracing); "
       "with jsonl/chrome the diagnosis and summary go to stderr");
}

// How much the tracee is stopped: the seccomp filter's modes.
void describe_filter(po::options_description& d, Raw& r) {
  d.add_options()
      ("full", po::bool_switch(&r.full),
       "stop on every syscall, as strace does. By default a launched command gets a seccomp "
       "filter (light mode, see --light); -c, -C, --trace, -e trace=, --format and --inject "
       "use the --thorough filter plus what they show or act on. "
       "Attached processes (-p) are always fully traced: a filter cannot be removed on detach")
      ("light", po::bool_switch(&r.light),
       "the default when only the diagnosis reads the trace: the filter stops only calls "
       "that change state (processes, sockets, connect, limits, pipes, dups, getrandom, "
       "writes to stderr); a process is stopped at every call only while that matters: "
       "from a connect() to its first answer, when file descriptors run short (a limit "
       "of 256 or less, 3/4 in use, EMFILE), and while the command moves no bytes and "
       "uses little CPU for a second (stuck)")
      ("thorough", po::bool_switch(&r.thorough),
       "the filter stops every call the diagnosis can use from the start (file opens and "
       "closes, reads and writes but those of local regular files): slower than --light, "
       "but a --record holds every socket read and write")
      ("show-filter", po::bool_switch(&r.show_filter),
       "print the syscalls the seccomp filter would stop a launched command on with the "
       "other options given (one comma-separated line, for strace -e trace=; then '#' lines "
       "for the calls that stop only for some argument values) and exit");
}

// Acting on the command: failing or delaying its calls, its resource limits.
void describe_tampering(po::options_description& d, Raw& r) {
  d.add_options()
      ("inject", po::value(&r.inject)->value_name("SET:ACTION")->composing(),
       "tamper with syscalls as strace -e inject= does (also spelled -e inject=): "
       "SET:error=ERRNO|retval=N[:delay_enter=DUR][:delay_exit=DUR][:when=FIRST[..LAST][+STEP]]. "
       "error= and retval= replace the call (it is not run); a delay holds only the calling "
       "thread (DUR: 3s, 250ms, 10us; a plain number is microseconds); when= counts each "
       "syscall's calls per thread, as strace does. E.g. openat:error=EMFILE:when=50+ (each "
       "thread's openat calls fail from its 50th on), getrandom:delay_enter=3s, "
       "connect:delay_exit=10s")
      ("fault", po::value(&r.fault)->value_name("SET[:error=E][:when=W]")->composing(),
       "as strace -e fault=: --inject with error= only, ENOSYS by default")
      ("rlimit", po::value(&r.rlimit)->value_name("nofile=N[:HARD],nproc=N[:HARD]"),
       "start the launched COMMAND with these limits, as prlimit(1) would (N alone sets soft "
       "and hard; `unlimited` is allowed); not for -p processes. Go raises its soft fd limit to "
       "the hard one, so for Go give the hard limit: --rlimit nofile=20");
}

po::options_description describe(Raw& r) {
  po::options_description d("Options");
  describe_output(d, r);
  describe_run(d, r);
  describe_filter(d, r);
  describe_tampering(d, r);
  d.add_options()
      ("stack,k", po::bool_switch(&r.stacks),
       "print the call stack of the program under every syscall line (as strace -k; "
       "implies --trace): C/C++ frames through libunwind, Go frames named from the binary's "
       ".gopclntab (stripped binaries too) with file:line. Stacks are recorded (--record). "
       "Without -k, stacks are still taken for the calls behind a finding (EMFILE, a "
       "blocking getrandom, connect) and shown in its evidence")
      ("from-strace", po::bool_switch(&r.from_strace),
       "replay only: FILE is a log of `strace -f -tt -T [-yy] -o LOG` (what it cannot "
       "carry: fd targets without -yy, buffers past -s, limits, environment)")
      ("no-status", po::bool_switch(&r.no_status),
       "no live status line (drawn on stderr when it is a terminal that no trace output "
       "shares: elapsed time, processes and threads, calls seen, bytes moved, the longest "
       "network wait going on)")
      ("quiet,q", po::bool_switch(&r.quiet), "no live status line (strace's -q quiets its attach messages)");
  return d;
}

// strace spellings Boost cannot take directly: repeated letters as levels.
std::optional<std::string> translate(const std::string& a) {
  if (a == "-t") return "--timestamps=1";
  if (a == "-tt") return "--timestamps=2";
  if (a == "-ttt") return "--timestamps=3";
  if (a == "-y") return "--decode-fds=1";
  if (a == "-yy") return "--decode-fds=2";
  if (a == "-ff") return "--follow-forks";
  return std::nullopt;
}

// strace's number sets: [!]all|none|N[,N...], names through `named` (signals).
template <typename Named>
NumberSet parse_number_set(std::string_view value, const char* what, Named named) {
  NumberSet set;
  bool negate = false;
  while (!value.empty() && value.front() == '!') {  // as strace: each '!' negates again
    negate = !negate;
    value.remove_prefix(1);
  }
  if (value.empty()) throw UsageError(std::string("empty set in -e ") + what + "=");
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = std::min(value.find(',', start), value.size());
    std::string_view tok = value.substr(start, end - start);
    int64_t n = -1;
    auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), n);
    if (tok == "all") {
      set = NumberSet::all();
    } else if (tok == "none") {
      // nothing added
    } else if (ec == std::errc() && p == tok.data() + tok.size() && n >= 0) {
      set.add(n);
    } else if (auto v = named(tok)) {
      set.add(*v);
    } else {
      throw UsageError("invalid " + std::string(what) + " '" + std::string(tok) + "' in -e " + what + "=");
    }
    start = end + 1;
  }
  if (negate) set.negate();
  return set;
}

void apply_expr(const std::string& expr, Options& o) {
  std::string_view e = expr;
  auto eq = e.find('=');
  std::string_view key = eq == std::string_view::npos ? "trace" : e.substr(0, eq);
  std::string_view value = eq == std::string_view::npos ? e : e.substr(eq + 1);
  if (key == "trace" || key == "t") {
    o.filter = SyscallFilter::parse(value);
  } else if (key == "signal" || key == "signals" || key == "s") {
    o.signals = parse_number_set(value, "signal", [](std::string_view name) -> std::optional<int64_t> {
      std::string upper(name);
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      return record::strace::signal_from_name(upper);
    });
  } else if (key == "read" || key == "reads" || key == "r" || key == "write" || key == "writes" || key == "w") {
    const bool reads = key.front() == 'r';
    (reads ? o.dump_read : o.dump_write) =
        parse_number_set(value, reads ? "read" : "write", [](std::string_view) { return std::optional<int64_t>{}; });
    o.trace = true;
  } else if (key == "inject" || key == "fault") {
    o.inject.push_back(parse_inject(value, key == "fault"));
  } else {
    throw UsageError("unsupported -e qualifier '" + std::string(key) +
                     "' (supported: trace=, signal=, read=, write=, inject=, fault=)");
  }
}

// Short options bundled in one word as getopt takes them: `-vepoll` is -v -e poll, `-fTs99`
// is -f -T -s 99, `-ftt` is -f -tt. Returns false when a letter is not an option (Boost then
// names the word in its error). Repeated -t / -y letters count as levels.
bool bundle(const std::string& a, int& i, int argc, char** argv, const po::options_description& desc,
            std::vector<std::string>& out) {
  std::vector<std::string> words;
  int t = 0, y = 0;
  for (std::size_t k = 1; k < a.size(); ++k) {
    const char c = a[k];
    if (c == 't') { ++t; continue; }
    if (c == 'y') { ++y; continue; }
    const po::option_description* od = desc.find_nothrow(std::string("-") + c, false);
    if (!od) return false;
    words.push_back(std::string("-") + c);
    if (od->semantic()->max_tokens() > 0) {
      if (k + 1 < a.size()) words.push_back(a.substr(k + 1));
      else if (i + 1 < argc) words.push_back(argv[++i]);
      break;
    }
  }
  if (t > 3 || y > 2) return false;
  if (t) out.push_back("--timestamps=" + std::to_string(t));
  if (y) out.push_back("--decode-fds=" + std::to_string(y));
  out.insert(out.end(), words.begin(), words.end());
  return true;
}

// Splits argv into the option words for Boost (strace spellings translated) and, into o,
// the command (from the first non-option word or after "--") or replay's file.
std::vector<std::string> split_argv(int argc, char** argv, const po::options_description& desc,
                                    Options& o) {
  std::vector<std::string> opt_args;
  int i = 1;
  if (argc > 1 && std::string(argv[1]) == "replay") {
    o.replay = true;
    i = 2;
  }
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.empty() || a[0] != '-' || a == "-") {
      if (!o.replay) break;  // the command starts here
      if (!o.replay_path.empty()) throw UsageError("replay takes one file, got '" + o.replay_path + "' and '" + a + "'");
      o.replay_path = a;  // replay: the file may come before or after options
      continue;
    }
    if (auto t = translate(a)) {
      opt_args.push_back(*t);
      continue;
    }
    // strace's long spellings of -e: --trace=SET (bare --trace is gotrace's own switch),
    // --signal=SET, --read=FDS, --write=FDS
    if (auto eq = a.find('='); eq != std::string::npos &&
        (a.starts_with("--trace=") || a.starts_with("--signal=") || a.starts_with("--signals=") ||
         a.starts_with("--read=") || a.starts_with("--write="))) {
      opt_args.push_back("-e");
      opt_args.push_back(a.substr(2));
      continue;
    }
    if (a.size() > 2 && a[1] != '-' && bundle(a, i, argc, argv, desc, opt_args)) continue;
    opt_args.push_back(a);
    // An option that takes a value as the next word consumes it (e.g. -o FILE, -e X).
    bool is_long = a.rfind("--", 0) == 0;
    std::string name = is_long ? a.substr(2, a.find('=') - 2) : a.substr(0, 2);
    bool inline_value = is_long ? a.find('=') != std::string::npos : a.size() > 2;
    const po::option_description* od = desc.find_nothrow(name, false);
    if (od && od->semantic()->max_tokens() > 0 && !inline_value && i + 1 < argc)
      opt_args.push_back(argv[++i]);
  }
  for (; i < argc; ++i) o.command.emplace_back(argv[i]);
  if (o.replay && o.replay_path.empty() && o.command.size() == 1) {
    o.replay_path = o.command[0];  // gotrace replay [OPTIONS] -- FILE
    o.command.clear();
  }
  return opt_args;
}

// -p's list: PID[,PID...], each a positive process id.
// -p PID[,PID...]: separated by commas, spaces or newlines, as strace takes them, so
// `-p "$(pgrep -f 'go mod download')"` works when pgrep prints several.
void parse_pids(const std::string& list, std::vector<int>& pids) {
  static constexpr const char* kSeparators = ", \t\n";
  std::size_t start = list.find_first_not_of(kSeparators);
  if (start == std::string::npos) throw UsageError("invalid process id '" + list + "' for -p");
  while (start != std::string::npos) {
    std::size_t end = list.find_first_of(kSeparators, start);
    std::string one = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
    char* rest = nullptr;
    long pid = std::strtol(one.c_str(), &rest, 10);
    if (*rest != '\0' || pid <= 0 || pid > 0x3fffffff)
      throw UsageError("invalid process id '" + one + "' for -p");
    pids.push_back(static_cast<int>(pid));
    start = end == std::string::npos ? end : list.find_first_not_of(kSeparators, end);
  }
}

// Checks each value and fills o from it. The checks run in this order, so when several
// options are wrong the one reported stays the same.
void build_options(const Raw& r, Options& o) {
  if (r.summary_only && (r.trace || r.summary_and_trace || r.stacks))
    throw UsageError("-c (summary only) cannot be combined with --trace, -C or -k");
  o.trace = r.trace || r.summary_and_trace || r.stacks;
  o.stacks = r.stacks;
  o.status_line = !r.quiet && !r.no_status;
  o.summary = !r.no_summary;
  o.summary_only = r.summary_only;
  o.output_path = r.output;
  if (r.timestamps < 0 || r.timestamps > 3) throw UsageError("--timestamps takes 0 to 3");
  o.timestamps = static_cast<sinks::Timestamps>(r.timestamps);
  o.durations = r.durations;
  if (r.fd_detail < 0 || r.fd_detail > 2) throw UsageError("--decode-fds takes 0 to 2");
  o.fd_detail = r.fd_detail;
  o.string_limit = r.string_limit;
  if (r.column < 0) throw UsageError("-a takes a column number, 0 or more");
  o.column = r.column;
  o.follow = r.follow;
  o.verbose = r.verbose;
  if (r.xlat == "abbrev") o.xlat = format::XlatStyle::Abbrev;
  else if (r.xlat == "raw") o.xlat = format::XlatStyle::Raw;
  else if (r.xlat == "verbose") o.xlat = format::XlatStyle::Verbose;
  else throw UsageError("invalid -X '" + r.xlat + "' (abbrev, raw or verbose)");
  for (const std::string& p : r.paths) {  // the path as given, and where it resolves (as strace)
    if (p.empty()) throw UsageError("-P needs a path");
    o.trace_paths.push_back(p);
    if (char* real = realpath(p.c_str(), nullptr)) {
      if (p != real) o.trace_paths.emplace_back(real);
      free(real);
    }
  }
  o.sort = analyzers::parse_sort_key(r.sort);
  for (const std::string& e : r.exprs) apply_expr(e, o);
  // -e trace=SET shows those calls, as strace does (with -c it only counts them)
  for (const std::string& e : r.exprs)
    if (!r.summary_only && (e.find('=') == std::string::npos || e.starts_with("trace=") || e.starts_with("t=")))
      o.trace = true;
  for (const std::string& spec : r.inject) o.inject.push_back(parse_inject(spec));
  for (const std::string& spec : r.fault) o.inject.push_back(parse_inject(spec, true));
  if (!r.rlimit.empty()) o.rlimits = parse_rlimits(r.rlimit);
  for (const std::string& list : r.pids) parse_pids(list, o.attach_pids);
  if (r.duration < 0) throw UsageError("--duration must not be negative");
  if (r.stall < 0) throw UsageError("--stall must not be negative");
  o.stall_s = r.stall;
  if (r.report != "text" && r.report != "json" && r.report != "none")
    throw UsageError("invalid --report '" + r.report + "' (text, json or none)");
  o.report = r.report;
  o.report_file = r.report_file;
  if (r.fail_on == "never") o.fail_on = 0;
  else if (r.fail_on == "warning") o.fail_on = 1;
  else if (r.fail_on == "error") o.fail_on = 2;
  else throw UsageError("invalid --fail-on '" + r.fail_on + "' (warning, error or never)");
  o.duration_s = r.duration;
  o.kill_on_exit = r.kill_on_exit;
  if (r.format != "text" && r.format != "jsonl" && r.format != "chrome")
    throw UsageError("invalid --format '" + r.format + "' (text, jsonl or chrome)");
  // JSON never shares a stream with text (the diagnosis and summary go to stderr).
  if (r.format != "text" && r.output.empty())
    throw UsageError("--format " + r.format + " writes JSON: give it a file with -o FILE");
  o.format = r.format;
  o.record_path = r.record;
  o.full = r.full;
  if (int(r.full) + int(r.light) + int(r.thorough) > 1)
    throw UsageError("--full, --thorough and --light exclude each other");
  o.light = !r.full && !r.thorough;
  // -P and -e read=/write= act on every call, as strace's do: no filter may skip one.
  if (!o.trace_paths.empty() || !o.dump_read.empty() || !o.dump_write.empty()) {
    o.full = true;
    o.light = false;
  }
  o.selection_explicit = r.summary_only || o.trace || !r.exprs.empty() || o.format != "text" || !r.paths.empty();
  o.from_strace = r.from_strace;
  o.show_filter = r.show_filter && !o.replay;  // a replay shows no filter
}

// Checks that the options fit what is traced: a replay file, or a launched command and/or
// -p processes (--show-filter needs neither).
void check_target(const Options& o) {
  if (o.replay) {
    if (o.replay_path.empty()) throw UsageError("replay needs a file (usage: gotrace replay [OPTIONS] FILE)");
    if (!o.command.empty() || !o.attach_pids.empty() || o.duration_s > 0)
      throw UsageError("replay takes a file, not a command, -p or --duration");
    if (!o.inject.empty() || !o.rlimits.empty())
      throw UsageError("--inject and --rlimit act on a live trace, not on a replay");
    return;
  }
  if (o.show_filter) return;
  if (o.from_strace) throw UsageError("--from-strace is for `gotrace replay --from-strace LOG`");
  if (o.command.empty() && o.attach_pids.empty())
    throw UsageError("no command to trace and no -p PID (usage: gotrace [OPTIONS] -- COMMAND [ARGS...])");
  if (!o.rlimits.empty() && o.command.empty())
    throw UsageError("--rlimit sets a launched command's limits: give a COMMAND (not only -p)");
}

}  // namespace

std::string help_text() {
  Raw r;
  std::ostringstream s;
  s << "usage: gotrace [OPTIONS] [--] COMMAND [ARGS...]\n"
       "       gotrace [OPTIONS] -p PID[,PID...] [--duration SECONDS] [-- COMMAND...]\n"
       "       gotrace replay [OPTIONS] FILE.gtr\n"
       "       gotrace replay --from-strace [OPTIONS] STRACE.LOG\n"
       "\n"
       "Runs COMMAND under ptrace, following every thread, child and exec, and tells why it is\n"
       "slow or hung. By default it prints no per-syscall lines: only what it finds and a\n"
       "strace -c style summary when the command ends (or when interrupted: the command is sent\n"
       "the same signal, then SIGKILL after 3 s; the summary is still printed). Summary times\n"
       "are wall-clock from syscall entry to exit (strace -c -w), so blocking calls show their\n"
       "real cost; calls that never returned are listed below the table. Before the summary\n"
       "comes the diagnosis: why the command is hung or slow (file descriptors exhausted,\n"
       "getrandom blocked on entropy, DNS / TCP connect / TLS / module proxy waits named by host\n"
       "and GOPROXY/GOSUMDB role), with evidence and what to try.\n"
       "\n"
       "Exit status: the command's; if it was killed by a signal, gotrace dies of the same\n"
       "signal. 2: bad usage or command not found; 1: command cannot be executed or traced, or\n"
       "gotrace's own output could not be written; 3: --fail-on matched. Replay prints what the\n"
       "live run printed, from the recording; it exits 1 for a file it cannot read (and says\n"
       "where). See gotrace(1).\n"
       "\n"
       << describe(r)
       << "\nShort forms as in strace: -t -tt -ttt, -y -yy, -e trace=read,%net, -o FILE, -s N.\n"
          "\nReproduce a cause on a healthy machine:\n"
          "  gotrace --rlimit nofile=12 -- go mod download       # a low fd limit: EMFILE\n"
          "  gotrace --inject getrandom:delay_enter=3s -- ./prog  # a 3 s entropy stall\n"
          "  gotrace --inject openat:error=EMFILE:when=50+ -- go build ./...\n"
          "  gotrace -c -e fault=connect:error=ECONNREFUSED:when=1 -- ./prog\n";
  return s.str();
}

Options parse_options(int argc, char** argv) {
  Options o;
  Raw r;
  po::options_description desc = describe(r);
  std::vector<std::string> opt_args = split_argv(argc, argv, desc, o);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(opt_args)
                  .options(desc)
                  .style(po::command_line_style::unix_style)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  o.help = r.help;
  o.version = r.version;
  if (o.help || o.version) return o;
  build_options(r, o);
  check_target(o);
  return o;
}

}  // namespace gotrace::cli
