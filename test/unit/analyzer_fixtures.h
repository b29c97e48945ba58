// Small fixtures shared by the analyzer unit tests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "diagnosis.h"
#include "event_script.h"
#include "finding.h"

namespace gotrace::test {

// A sockaddr_in as captured from the tracee (connect's address argument).
inline std::string sockaddr_bytes(const char* ip, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, ip, &sa.sin_addr);
  return std::string(reinterpret_cast<const char*>(&sa), sizeof sa);
}

inline bool has_kind(const std::vector<analyzers::Finding>& fs, const std::string& kind) {
  for (const analyzers::Finding& f : fs)
    if (f.kind == kind) return true;
  return false;
}

// The ranked findings of a Diagnosis (default options) that read all of `s`.
inline std::vector<analyzers::Finding> diagnose(const EventScript& s) {
  analyzers::Diagnosis d(analyzers::DiagnosisOptions{});
  s.play(d);
  return d.ranked();
}

}  // namespace gotrace::test
