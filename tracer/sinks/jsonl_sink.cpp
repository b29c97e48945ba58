// One JSON object per event. Schema in jsonl_sink.h.
#include "jsonl_sink.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include "gotrace/format.h"
#include "json_util.h"

namespace gotrace::sinks {
namespace {

class Obj {
 public:
  explicit Obj(std::string& out) : out_(out) {}
  Obj& key(std::string_view k) {
    out_ += ',';
    out_ += '"';
    out_ += k;
    out_ += "\":";
    return *this;
  }
  template <typename T>
  Obj& num(std::string_view k, T v) {
    key(k);
    fmt::format_to(std::back_inserter(out_), "{}", v);
    return *this;
  }
  Obj& str(std::string_view k, std::string_view v, JsonText mode = JsonText::Utf8) {
    key(k);
    append_json_string(out_, v, mode);
    return *this;
  }
  Obj& boolean(std::string_view k, bool v) {
    key(k);
    out_ += v ? "true" : "false";
    return *this;
  }
  Obj& strings(std::string_view k, const std::vector<std::string>& v) {
    key(k);
    out_ += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) out_ += ',';
      append_json_string(out_, v[i]);
    }
    out_ += ']';
    return *this;
  }
  std::string& out() { return out_; }

 private:
  std::string& out_;
};

const char* state_name(ArgState s) {
  switch (s) {
    case ArgState::Raw: return "raw";
    case ArgState::Captured: return "captured";
    case ArgState::Truncated: return "truncated";
    case ArgState::Unreadable: return "unreadable";
  }
  return "raw";
}

const char* reason_name(EndReason r) {
  switch (r) {
    case EndReason::AllExited: return "all_exited";
    case EndReason::Interrupted: return "interrupted";
    case EndReason::Detached: return "detached";
    case EndReason::Duration: return "duration";
    case EndReason::Truncated: return "truncated";
  }
  return "all_exited";
}

void args_array(Obj& o, SysNo sysno, const Args& args) {
  const SyscallInfo& info = syscall_info(sysno);
  std::string& out = o.key("args").out();
  out += '[';
  for (std::size_t i = 0; i < info.nargs && i < args.size(); ++i) {
    if (i) out += ',';
    fmt::format_to(std::back_inserter(out), "{{\"kind\":\"{}\",\"raw\":{},\"state\":\"{}\",\"data\":",
                   arg_kind_name(info.kinds[i]), args[i].raw, state_name(args[i].state));
    append_json_string(out, args[i].data, JsonText::Bytes);
    out += '}';
  }
  out += ']';
}

void rlimit(Obj& o, std::string_view k, const Rlimit& r) {
  fmt::format_to(std::back_inserter(o.key(k).out()), "{{\"soft\":{},\"hard\":{}}}", r.soft, r.hard);
}

struct Body {
  Obj& o;
  Nanos ts;

  void operator()(const TraceStart& b) {
    o.str("type", "trace_start").num("wall_clock_ns", b.wall_clock_ns);
    o.str("arch", b.arch == Arch::Aarch64 ? "aarch64" : "x86_64");
    o.str("gotrace_version", b.gotrace_version).strings("command", b.command);
    std::string& out = o.key("attached").out();
    out += '[';
    for (std::size_t i = 0; i < b.attached.size(); ++i)
      fmt::format_to(std::back_inserter(out), "{}{}", i ? "," : "", b.attached[i]);
    out += ']';
  }
  void operator()(const SyscallEnter& b) {
    o.str("type", "syscall_enter").num("call", b.call);
    o.str("syscall", format::syscall_name(b.sysno, b.number)).num("number", b.number);
    args_array(o, b.sysno, b.args);
  }
  void operator()(const SyscallExit& b) {
    o.str("type", "syscall_exit").num("call", b.call);
    o.str("syscall", format::syscall_name(b.sysno, b.number)).num("number", b.number);
    o.num("ret", b.ret);
    if (b.failed()) o.str("errno", format::errno_name(b.error()));
    o.num("entered_ns", b.entered.count()).num("duration_ns", (ts - b.entered).count());
    o.boolean("entry_seen", b.entry_seen);
    args_array(o, b.sysno, b.args);
    if (!b.ret_fd_target.empty()) o.str("ret_fd_target", b.ret_fd_target);
  }
  void operator()(const ProcessStart& b) {
    o.str("type", "process_start").num("parent", raw(b.parent)).strings("argv", b.argv);
  }
  void operator()(const ThreadStart& b) { o.str("type", "thread_start").num("parent", raw(b.parent)); }
  void operator()(const Exec& b) {
    o.str("type", "exec").str("filename", b.filename).strings("argv", b.argv);
    o.num("former_tid", raw(b.former_tid));
  }
  void operator()(const Signal& b) {
    o.str("type", "signal").num("signo", b.signo).str("signal", format::signal_name(b.signo));
    o.str("stop", b.stop == SignalStop::GroupStop ? "group_stop" : "delivery");
    o.num("code", b.code).num("sender_pid", b.sender_pid).num("sender_uid", b.sender_uid);
    o.num("status", b.status).num("addr", b.addr);
  }
  void operator()(const ThreadExit& b) {
    o.str("type", "thread_exit").num("wait_status", b.wait_status);
    if (WIFSIGNALED(b.wait_status)) {
      o.str("killed_by", format::signal_name(WTERMSIG(b.wait_status)));
      o.boolean("core_dumped", WCOREDUMP(b.wait_status));
    } else {
      o.num("exit_code", WEXITSTATUS(b.wait_status));
    }
  }
  void operator()(const Snapshot& b) {
    o.str("type", "snapshot");
    rlimit(o, "nofile", b.nofile);
    rlimit(o, "nproc", b.nproc);
    std::string& out = o.key("fds").out();
    out += '[';
    for (std::size_t i = 0; i < b.fds.size(); ++i) {
      fmt::format_to(std::back_inserter(out), "{}{{\"fd\":{},\"target\":", i ? "," : "", b.fds[i].fd);
      const OpenFd& f = b.fds[i];
      append_json_string(out, f.target);
      if (f.tcp_state)  // the kernel's TCP facts (tcp_info)
        fmt::format_to(std::back_inserter(out),
                       ",\"tcp\":{{\"state\":{},\"unacked\":{},\"retransmits\":{},\"last_send_ms\":{},"
                       "\"last_recv_ms\":{},\"bytes_sent\":{},\"bytes_acked\":{},\"bytes_received\":{}}}",
                       f.tcp_state, f.unacked, f.retransmits, f.last_send_ms, f.last_recv_ms, f.bytes_sent,
                       f.bytes_acked, f.bytes_received);
      if (f.file_size >= 0)  // a regular file
        fmt::format_to(std::back_inserter(out), ",\"size\":{},\"modified_ms\":{}", f.file_size, f.modified_ms);
      if (f.cloexec >= 0) out += f.cloexec ? ",\"cloexec\":true" : ",\"cloexec\":false";
      if (f.lock_holder != 0) {  // blocked waiting for a lock on this file
        fmt::format_to(std::back_inserter(out), ",\"lock_wait\":{{\"holder\":{},\"lock\":", f.lock_holder);
        append_json_string(out, f.lock);
        out += ",\"holder_is\":";
        append_json_string(out, f.lock_holder_text);
        out += '}';
      }
      out += '}';
    }
    out += ']';
    o.key("env").out() += '[';
    for (std::size_t i = 0; i < b.env.size(); ++i) {
      out += i ? ",{\"name\":" : "{\"name\":";
      append_json_string(out, b.env[i].first);
      out += ",\"value\":";
      append_json_string(out, b.env[i].second);
      out += '}';
    }
    out += ']';
    threads(o, b.threads);
    o.str("cwd", b.cwd).str("exe", b.exe);
    if (b.filesystems.empty()) return;
    std::string& fsout = o.key("filesystems").out();
    fsout += '[';
    for (std::size_t i = 0; i < b.filesystems.size(); ++i) {
      const Filesystem& fs = b.filesystems[i];
      fsout += i ? ",{\"path\":" : "{\"path\":";
      append_json_string(fsout, fs.path);
      fsout += ",\"mount\":";
      append_json_string(fsout, fs.mount);
      fsout += ",\"type\":";
      append_json_string(fsout, fs.type);
      fsout += fmt::format(",\"size\":{},\"avail\":{},\"inodes\":{},\"inodes_free\":{},\"read_only\":{}}}", fs.size,
                           fs.avail, fs.inodes, fs.inodes_free, fs.read_only ? "true" : "false");
    }
    fsout += ']';
  }
  void operator()(const ThreadStates& b) {
    o.str("type", "thread_states");
    threads(o, b.threads);
  }
  static void threads(Obj& o, const std::vector<ThreadState>& ts) {
    std::string& out = o.key("threads").out();
    out += '[';
    for (std::size_t i = 0; i < ts.size(); ++i) {
      const ThreadState& t = ts[i];
      fmt::format_to(std::back_inserter(out), "{}{{\"tid\":{},\"number\":{},\"args\":[{}],\"state\":",
                     i ? "," : "", raw(t.tid), t.number, fmt::join(t.args, ","));
      append_json_string(out, std::string_view(&t.state, 1));
      out += ",\"wchan\":";
      append_json_string(out, t.wchan);
      fmt::format_to(std::back_inserter(out), ",\"off_cpu_ns\":{},\"cpu_ns\":{}}}", t.off_cpu_ns, t.cpu_ns);
    }
    out += ']';
  }
  void operator()(const Tick& b) {
    o.str("type", "tick");
    o.num("io_bytes", b.io_bytes);
    usage(b.usage);
  }
  void operator()(const TraceEnd& b) {
    o.str("type", "trace_end").str("reason", reason_name(b.reason)).num("exit_status", b.exit_status);
    usage(b.usage);
  }
  void usage(const Usage& u) {
    o.num("cpu_ns", u.cpu_ns).num("disk_read", u.disk_read).num("disk_written", u.disk_written);
  }
  void operator()(const Stack& b) {
    o.str("type", "stack").num("call", b.call);
    std::string& out = o.key("frames").out();
    out += '[';
    for (std::size_t i = 0; i < b.frames.size(); ++i) {
      const StackFrame& f = b.frames[i];
      fmt::format_to(std::back_inserter(out), "{}{{\"pc\":{},\"rel\":{},\"module\":", i ? "," : "", f.pc, f.rel);
      append_json_string(out, f.module);
      out += ",\"function\":";
      append_json_string(out, f.function);
      fmt::format_to(std::back_inserter(out), ",\"offset\":{},\"file\":", f.offset);
      append_json_string(out, f.file);
      fmt::format_to(std::back_inserter(out), ",\"line\":{}}}", f.line);
    }
    out += ']';
    o.str("note", b.note);
  }
};

}  // namespace

JsonlSink::JsonlSink(Output& out) : out_(out) {
  out_.write("{\"schema_version\":1,\"format\":\"gotrace-events\"}\n");
  out_.end_line();
}

void JsonlSink::on_event(const Event& e) {
  line_.clear();
  fmt::format_to(std::back_inserter(line_), "{{\"ts_ns\":{},\"pid\":{},\"tid\":{}", e.ts.count(),
                 raw(e.pid), raw(e.tid));
  Obj o(line_);
  std::visit(Body{o, e.ts}, e.body);
  line_ += "}\n";
  out_.write(line_);
  out_.end_line();
  if (std::holds_alternative<TraceEnd>(e.body)) out_.flush();
}

}  // namespace gotrace::sinks
