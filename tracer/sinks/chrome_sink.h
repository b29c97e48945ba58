// The Chrome trace-event sink (--format=chrome): a per-thread timeline of syscalls that
// Perfetto (ui.perfetto.dev) and chrome://tracing open. Blocked calls show as long bars.
//
// Output: {"traceEvents":[ ... ],"displayTimeUnit":"ms"}, times in microseconds since
// trace start (fractions keep the nanoseconds). Events written:
//   syscall exit -> complete event {"ph":"X","name":<syscall>,"cat":"syscall","pid":<tgid>,
//                   "tid":<tid>,"ts":<entry>,"dur":<exit-entry>,"args":{"ret":N,
//                   "errno":"EAGAIN" (failed calls only),"call":"<strace-style line>"}}
//   a call still in flight when its thread exits or the trace ends -> an X event lasting
//                   until then, with "args":{"unfinished":true,...}
//   signal       -> instant event {"ph":"i","s":"t","cat":"signal","name":"SIGURG",...}
//   thread exit  -> instant event {"ph":"i","s":"t","cat":"exit","name":"exited with 0"}
//   ProcessStart / Exec -> metadata {"ph":"M","name":"process_name"|"thread_name",
//                   "args":{"name":<basename of argv[0]>}}
// The array is closed at TraceEnd (a truncated replay ends with one too), or by finish()
// / the destructor if no TraceEnd came, so the file is valid JSON either way.
#pragma once

#include <string>
#include <unordered_map>

#include "gotrace/consumer.h"
#include "gotrace/output.h"

namespace gotrace::sinks {

class ChromeSink final : public EventConsumer {
 public:
  // Writes the opening of the JSON at once. `out` must outlive the sink.
  explicit ChromeSink(Output& out);
  ~ChromeSink() override;
  ChromeSink(const ChromeSink&) = delete;
  ChromeSink& operator=(const ChromeSink&) = delete;

  void on_event(const Event& e) override;
  // Ends calls still in flight at `at` and closes the JSON. Idempotent; TraceEnd calls it.
  void finish(Nanos at);

 private:
  struct InFlight {
    int32_t pid;
    SysNo sysno;
    int32_t number;
    Nanos entered;
    Args args;
  };
  void begin(char ph, std::string_view cat, Nanos ts, int32_t pid, int32_t tid);
  void name_meta(int32_t pid, int32_t tid, const std::vector<std::string>& argv);
  void unfinished(int32_t tid, const InFlight& f, Nanos until, std::string_view why);
  void commit();

  Output& out_;
  std::string ev_;
  bool first_ = true;
  bool closed_ = false;
  Nanos last_ts_{0};
  std::unordered_map<int32_t, InFlight> in_flight_;  // by tid
  std::unordered_map<int32_t, std::string> process_names_;  // by tgid
};

}  // namespace gotrace::sinks
