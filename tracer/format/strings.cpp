// Value printers of the formatter (gotrace_format): strace's string quoting and "..."
// truncation, fds with their -y targets, numbers, and the one flag-table printer.
#include "internal.h"

namespace gotrace::format::detail {

const char* lookup(Flags t, uint64_t v) {
  for (const Flag& f : t)
    if (f.value == v) return f.name;
  return nullptr;
}

void put_flags(std::string& out, Flags t, uint64_t v, const char* dflt) {
  if (v == 0) {
    const char* zero = lookup(t, 0);
    out += zero ? zero : "0";
    return;
  }
  int n = 0;
  for (const Flag& f : t) {
    if (f.value != 0 && (v & f.value) == f.value) {
      if (n++) out += '|';
      out += f.name;
      v &= ~f.value;
      if (v == 0) break;
    }
  }
  if (v == 0) return;
  if (n) {
    out += '|';
    put_hex(out, v);
  } else {
    put_hex(out, v);
    if (dflt) put(out, " /* {} */", dflt);
  }
}

void put_xval(std::string& out, Flags t, uint64_t v, const char* dflt) {
  if (const char* name = lookup(t, v)) {
    out += name;
    return;
  }
  put_hex(out, v);
  if (dflt) put(out, " /* {} */", dflt);
}

void put_hex(std::string& out, uint64_t v) {
  if (v == 0)
    out += '0';
  else
    put(out, "{:#x}", v);
}

void put_ptr(std::string& out, uint64_t v) {
  if (v == 0)
    out += "NULL";
  else
    put(out, "{:#x}", v);
}

void put_u(std::string& out, uint64_t v) { put(out, "{}", v); }
void put_d(std::string& out, int64_t v) { put(out, "{}", v); }

void put_octal_mode(std::string& out, uint64_t v) {
  // printf("%#03o"): "000", "022", "0644"
  if (v == 0)
    out += "000";
  else
    put(out, "{:#03o}", v);
}

namespace {

bool is_print(unsigned char c) { return c >= ' ' && c <= '~'; }

void put_octal_byte(std::string& out, unsigned char c, bool pad) {
  out += '\\';
  if (pad || c >= 0100) out += static_cast<char>('0' + (c >> 6));
  if (pad || c >= 010) out += static_cast<char>('0' + ((c >> 3) & 7));
  out += static_cast<char>('0' + (c & 7));
}

// Body of a quoted string without the quotes; `escape` lists extra chars to octal-escape.
void put_escaped(std::string& out, std::string_view s, Quote q, std::string_view escape = {}) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (q == Quote::Hex) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (is_print(c) && escape.find(static_cast<char>(c)) == std::string_view::npos) {
          out += static_cast<char>(c);
        } else {
          // Three digits when an octal digit follows, so "\1" "2" is not read as "\12".
          const bool pad = i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7';
          put_octal_byte(out, c, pad);
        }
    }
  }
}

}  // namespace

void put_quoted(std::string& out, std::string_view s, Quote q) {
  out += '"';
  put_escaped(out, s, q);
  out += '"';
}

void put_buffer(std::string& out, std::string_view data, uint64_t len, uint32_t limit, Quote q) {
  const std::size_t shown = std::min<std::size_t>(data.size(), limit);
  put_quoted(out, data.substr(0, shown), q);
  if (len > shown) out += "...";
}

bool has_data(const Arg& a) {
  return a.state == ArgState::Captured || a.state == ArgState::Truncated;
}

void put_path(std::string& out, const Arg& a) {
  if (!has_data(a)) {
    put_ptr(out, a.raw);
    return;
  }
  put_quoted(out, a.data);
  if (a.state == ArgState::Truncated) out += "...";
}

void put_fd(std::string& out, int32_t fd, std::string_view target, const FormatOptions& opt) {
  put_d(out, fd);
  put_fd_target(out, target, opt);
}

void put_fd_target(std::string& out, std::string_view target, const FormatOptions& opt) {
  if (opt.fd_detail <= 0 || target.empty()) return;
  out += '<';
  if (target.front() == '/') {
    // -yy on a device: "/dev/null\0char 1:3" -> /dev/null<char 1:3>
    const std::size_t nul = target.find('\0');
    put_escaped(out, target.substr(0, nul), Quote::Normal, "<>");
    if (nul != std::string_view::npos) {
      out += '<';
      out += target.substr(nul + 1);
      out += '>';
    }
  } else
    out += target;  // "socket:[5]", "TCP:[1.2.3.4:5->6.7.8.9:10]", "pipe:[7]"
  out += '>';
}

}  // namespace gotrace::format::detail

namespace gotrace::format {

// strace's dumpstr: 16 bytes a line, " | OFFSET  xx xx ... xx  xx ... xx  ASCII... |", the
// offset at least 5 hex digits (more when the data is longer than 1 MiB), '.' for bytes
// that are not printable ASCII.
void format_hex_dump(std::string& out, std::string_view data) {
  const std::size_t len = data.size();
  int width = 5;
  if (len > (1u << 20)) width = static_cast<int>((64 - __builtin_clzll(len - 1) + 3) / 4);
  for (std::size_t off = 0; off < len; off += 16) {
    detail::put(out, " | {:0{}x}  ", off, width);
    for (std::size_t k = 0; k < 16; ++k) {
      if (off + k < len)
        detail::put(out, "{:02x} ", static_cast<unsigned char>(data[off + k]));
      else
        out += "   ";
      if (k == 7 || k == 15) out += ' ';
    }
    for (std::size_t k = 0; k < 16; ++k) {
      if (off + k >= len) {
        out += ' ';
        continue;
      }
      const auto ch = static_cast<unsigned char>(data[off + k]);
      out += ch >= ' ' && ch < 0x7f ? static_cast<char>(ch) : '.';
    }
    out += " |\n";
  }
}

}  // namespace gotrace::format
