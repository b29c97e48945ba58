// The JSON Lines sink (--format=jsonl): one JSON object per event, for scripts and jq.
//
// Schema (version 1; keys are stable, new keys may be added, none renamed or removed):
//   line 1: {"schema_version":1,"format":"gotrace-events"}
//   every event: "ts_ns" (trace time), "pid" (tgid), "tid", "type", then per type:
//   trace_start    wall_clock_ns, arch ("x86_64"/"aarch64"), gotrace_version, command[],
//                  attached[]
//   syscall_enter  call, syscall (name), number, args[]
//   syscall_exit   call, syscall, number, ret, errno (name; only when the call failed),
//                  entered_ns, duration_ns, entry_seen, args[], ret_fd_target (only with -y)
//   process_start  parent, argv[]
//   thread_start   parent
//   exec           filename, argv[], former_tid
//   signal         signo, signal (name), stop ("delivery"/"group_stop"), code, sender_pid,
//                  sender_uid, status, addr
//   thread_exit    wait_status, then exit_code, or killed_by (name) and core_dumped
//   snapshot       nofile {soft,hard}, nproc {soft,hard}, fds [{fd,target}, and for a
//                  TCP socket the kernel's facts tcp {state,unacked,retransmits,last_send_ms,
//                  last_recv_ms,bytes_sent,bytes_acked,bytes_received}, for a regular
//                  file size and modified_ms (ms since its last change)],
//                  env [{name,value}], threads [{tid,number,args[6],state,wchan,off_cpu_ns,
//                  cpu_ns}], cwd, exe
//   tick           (nothing more)
//   trace_end      reason ("all_exited", "interrupted", "detached", "duration",
//                  "truncated"), exit_status
//   thread_states  threads [...] as in snapshot (quiet threads read from /proc: number is
//                  the syscall in progress, -1 running, -2 unknown)
//   stack          call (the syscall it belongs to), frames [{pc,rel,module,function,offset,
//                  file,line}] innermost first, note (why frames are missing; "" if none)
// An argument is {"kind":"Fd","raw":3,"state":"raw|captured|truncated|unreadable",
// "data":"..."}; raw is the register as an unsigned 64-bit decimal; data holds the captured
// bytes, one code point per byte (U+0000..U+00FF), so bytes are recovered exactly. Other
// strings are UTF-8 with each invalid byte written as \u00XX. Limits (RLIM_INFINITY) are
// 18446744073709551615.
#pragma once

#include <string>

#include "gotrace/consumer.h"
#include "gotrace/output.h"

namespace gotrace::sinks {

class JsonlSink final : public EventConsumer {
 public:
  // Writes the schema line at once. `out` must outlive the sink.
  explicit JsonlSink(Output& out);
  void on_event(const Event& e) override;

 private:
  Output& out_;
  std::string line_;
};

}  // namespace gotrace::sinks
