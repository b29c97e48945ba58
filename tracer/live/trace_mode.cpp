// Choosing the trace mode and the filter's set. See trace_mode.h.
#include "trace_mode.h"

#include <algorithm>

#include "light_policy.h"

namespace gotrace::live {

TracePlan plan_trace(const TraceRequest& r) {
  TracePlan plan;
  if (r.full) return plan;
  // Light mode: only the diagnosis reads the trace, and nothing acts at the stops it skips.
  bool light = r.light && !r.shows_calls && r.inject.empty() && r.diagnose;
  auto injected = [&](SysNo s) {
    return std::any_of(r.inject.begin(), r.inject.end(), [&](const engine::TamperRule& t) { return t.applies(s); });
  };
  // What the diagnosis needs plus what the user asked to see; --inject acts at the syscall's
  // stops, so they must happen with the filter too.
  std::vector<bool> traced(kSyscallCount + 1, false);
  bool all = true;
  for (std::size_t i = 0; i < kSyscallCount; ++i) {
    auto s = static_cast<SysNo>(i);
    traced[i] = (r.diagnose && r.diagnosis_needs(s) && !(light && LightPolicy::per_file(s, syscall_info(s)))) ||
                (r.shows_calls && r.shown.selected(s)) || injected(s);
    all = all && traced[i];
  }
  if (light)
    for (ArgCondition c : LightPolicy::kept_per_file()) {
      traced[static_cast<std::size_t>(c.sysno)] = true;
      if (r.terminal_status && c.sysno == SysNo::write) c.values.insert(c.values.begin(), 1);
      plan.only_when.push_back(c);
    }
  if (all) return TracePlan{};  // every call anyway: no filter
  if (r.diagnose)
    for (const ArgCondition& c : r.diagnosis_only_when)
      if (!(r.shows_calls && r.shown.selected(c.sysno)) && !injected(c.sysno))
        plan.only_when.push_back(c);  // a shown or --inject'ed call stops for every value
  plan.traced = std::move(traced);
  plan.mode = light ? TraceMode::Light : !r.shows_calls && r.inject.empty() ? TraceMode::Diagnosis : TraceMode::Shown;
  return plan;
}

}  // namespace gotrace::live
