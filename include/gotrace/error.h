// The few exception types; they are caught only in the CLI's main, which maps them to exit
// codes (usage 2, setup 1, record format 1, internal 70).
#pragma once

#include <stdexcept>
#include <string>

namespace gotrace {

// Bad flags or filter expressions. Exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Cannot start, exec or attach. Exit 1. errnum is 0 when not from a syscall.
struct SetupError : std::runtime_error {
  SetupError(const std::string& what, int err = 0) : std::runtime_error(what), errnum(err) {}
  int errnum;
};

// A recording or log that cannot be read. Exit 1.
struct RecordFormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A broken internal invariant. Exit 70.
struct InternalError : std::logic_error {
  using std::logic_error::logic_error;
};

#define GOTRACE_CHECK(cond)                                                              \
  do {                                                                                   \
    if (!(cond)) throw ::gotrace::InternalError(std::string(__FILE__ ":") +              \
                                                std::to_string(__LINE__) + ": " #cond);  \
  } while (0)

}  // namespace gotrace
