// Which syscalls get a Stack event, and taking it while the thread is stopped. See
// LiveOptions::stacks (live_source.h) and tracer/stack.
#include <sys/random.h>

#include "live_impl.h"

namespace gotrace::live {

bool LiveSource::Impl::wants_stack_at_entry(const Task& t) const {
  if (opt.stacks && opt.stack_filter.selected(t.sysno)) return true;
  if (t.sysno == SysNo::connect) return true;  // whose code dialed a peer that may stall
  return t.sysno == SysNo::getrandom && (t.arg(2) & GRND_NONBLOCK) == 0;  // may block
}

void LiveSource::Impl::take_stack(Task& t, Nanos ts) {
  stacks.capture(t.pid, t.tid, t.call, std::get<Stack>(stack_ev.body));
  stack_ev.ts = ts;
  stack_ev.pid = Pid{t.pid};
  stack_ev.tid = Tid{t.tid};
  t.stack_taken = true;
}

}  // namespace gotrace::live
