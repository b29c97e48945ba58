// LiveSource: the only code that drives tracees. Launches the command under ptrace, runs
// the wait loop, captures each stop's details while the tracee is stopped, restarts it, and
// only then hands the event to the consumers. Consumers never see a tracee, only values.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "gotrace/consumer.h"
#include "gotrace/decode.h"

namespace gotrace::live {

struct LiveOptions {
  decode::CaptureOptions capture;
  Nanos tick{std::chrono::seconds(1)};       // Tick event period (stall detection)
  Nanos kill_grace{std::chrono::seconds(3)};  // after interrupting the command, then SIGKILL
};

class LiveSource final : public EventSource {
 public:
  explicit LiveSource(LiveOptions opt);
  ~LiveSource() override;
  LiveSource(const LiveSource&) = delete;
  LiveSource& operator=(const LiveSource&) = delete;

  // Starts `argv` (argv[0] resolved in PATH) seized and held before exec.
  // Throws UsageError (not found) or SetupError (not executable, ptrace refused).
  void launch(const std::vector<std::string>& argv);

  // Runs until every tracee is gone. Throws SetupError if the command could not be exec'd.
  void run(EventConsumer& out) override;

  // Async-signal-safe: SIGINT/SIGTERM/SIGHUP to gotrace. The launched command gets the same
  // signal (SIGKILL after kill_grace, or at once on the second request).
  static void request_stop(int signo);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gotrace::live
