// Basic value types shared by every layer: thread and process ids, trace time, architecture.
#pragma once

#include <chrono>
#include <cstdint>

namespace gotrace {

// Strong ids so a thread id is never passed where a process (thread group) id is meant.
enum class Tid : int32_t {};
enum class Pid : int32_t {};

constexpr int32_t raw(Tid t) { return static_cast<int32_t>(t); }
constexpr int32_t raw(Pid p) { return static_cast<int32_t>(p); }

// Trace time: monotonic nanoseconds since the trace began (live) or as recorded (replay).
using Nanos = std::chrono::nanoseconds;

enum class Arch : uint8_t { X86_64 = 1, Aarch64 = 2 };

}  // namespace gotrace
