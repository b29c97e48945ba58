// Lexical helpers for strace log text: trimming, strace's integer forms, and skipping the
// atoms that may contain commas or brackets (quoted strings, -y annotations, comments).
// Internal to the strace importer; every scan stays within its string_view.
#pragma once

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <string_view>

namespace gotrace::record::strace::lex {

using sv = std::string_view;

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

inline sv trim(sv s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

inline bool consume(sv& s, sv prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// Whole-string integer: decimal, -decimal, 0x hex, 0-prefixed octal (strace's modes).
inline bool parse_int(sv s, int64_t& out) {
  if (s.empty()) return false;
  bool neg = s.front() == '-';
  if (neg) s.remove_prefix(1);
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  uint64_t u = 0;
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), u, base);
  if (ec != std::errc() || p != s.data() + s.size()) return false;
  out = neg ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
  return true;
}

// "S.F" or "S" (decimal digits only) -> nanoseconds; F is scaled by its digit count.
inline bool parse_seconds(sv s, int64_t& ns) {
  std::size_t dot = s.find('.');
  sv whole = s.substr(0, dot);
  sv frac = dot == sv::npos ? sv{} : s.substr(dot + 1);
  // At most 9'223'372'035 s (int64 ns, ~292 years past the epoch).
  if (whole.empty() || whole.size() > 10 || frac.size() > 9) return false;
  int64_t w = 0, f = 0;
  for (char c : whole) {
    if (!is_digit(c)) return false;
    w = w * 10 + (c - '0');
  }
  for (std::size_t i = 0; i < 9; ++i) {
    if (i < frac.size() && !is_digit(frac[i])) return false;
    f = f * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  }
  if (w > 9'223'372'035) return false;
  ns = w * 1'000'000'000 + f;
  return true;
}

// s[i] == '<': index just past the matching '>' (brackets inside, as in
// "TCP:[1.2.3.4:5->6.7.8.9:10]", do not end it), or npos.
inline std::size_t annotation_end(sv s, std::size_t i) {
  int depth = 0;
  for (std::size_t j = i + 1; j < s.size(); ++j) {
    if (s[j] == '[') ++depth;
    else if (s[j] == ']' && depth > 0) --depth;
    else if (s[j] == '>' && depth == 0) return j + 1;
  }
  return sv::npos;
}

// Index just past the atom starting at i: a quoted string, a -y annotation <...> (after an
// identifier or number), or a /* comment */; otherwise i + 1.
inline std::size_t skip_atom(sv s, std::size_t i) {
  char c = s[i];
  if (c == '"') {
    for (std::size_t j = i + 1; j < s.size(); ++j) {
      if (s[j] == '\\') ++j;
      else if (s[j] == '"') return j + 1;
    }
    return s.size();
  }
  if (c == '<' && i > 0 && is_ident(s[i - 1])) {
    std::size_t e = annotation_end(s, i);
    return e == sv::npos ? i + 1 : e;
  }
  if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
    std::size_t e = s.find("*/", i + 2);
    return e == sv::npos ? s.size() : e + 2;
  }
  return i + 1;
}

// Index of the ')' closing an argument list whose '(' came before s, or npos.
inline std::size_t find_close(sv s) {
  int depth = 0;
  for (std::size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      if (depth == 0) return c == ')' ? i : sv::npos;
      --depth;
    }
    i = skip_atom(s, i);
  }
  return sv::npos;
}

// Splits at top-level commas into at most N trimmed pieces (the rest is dropped).
template <std::size_t N>
std::size_t split_args(sv s, std::array<sv, N>& out) {
  std::size_t n = 0, start = 0;
  int depth = 0;
  if (trim(s).empty()) return 0;
  for (std::size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      if (n < N) out[n++] = trim(s.substr(start, i - start));
      start = i + 1;
    }
    i = skip_atom(s, i);
  }
  if (n < N) out[n++] = trim(s.substr(start));
  return n;
}

}  // namespace gotrace::record::strace::lex
