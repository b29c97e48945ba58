// Sources produce events; consumers take them in order, one at a time, on one thread.
#pragma once

#include <vector>

#include "gotrace/event.h"

namespace gotrace {

class EventConsumer {
 public:
  virtual ~EventConsumer() = default;
  // Called for every event in trace order. The event is only valid during the call.
  virtual void on_event(const Event& e) = 0;
};

class EventSource {
 public:
  virtual ~EventSource() = default;
  // Feeds every event to `out`, the last one being TraceEnd.
  virtual void run(EventConsumer& out) = 0;
};

// Passes each event to every consumer, in the order they were added.
class Fanout final : public EventConsumer {
 public:
  void add(EventConsumer& c) { consumers_.push_back(&c); }
  void on_event(const Event& e) override {
    for (EventConsumer* c : consumers_) c->on_event(e);
  }

 private:
  std::vector<EventConsumer*> consumers_;
};

}  // namespace gotrace
