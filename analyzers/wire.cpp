// Wire-format parsers. See wire.h. Every read is bounds-checked against the captured bytes.
#include "wire.h"

#include <arpa/inet.h>

#include <cstring>

namespace gotrace::analyzers::wire {
namespace {

struct Reader {
  std::string_view b;
  std::size_t pos = 0;
  bool ok = true;

  bool has(std::size_t n) const { return ok && pos + n <= b.size(); }
  uint8_t u8() {
    if (!has(1)) return ok = false, 0;
    return static_cast<uint8_t>(b[pos++]);
  }
  uint16_t u16() {
    uint16_t hi = u8();
    return static_cast<uint16_t>(hi << 8 | u8());
  }
  uint32_t u24() {
    uint32_t hi = u16();
    return hi << 8 | u8();
  }
  void skip(std::size_t n) {
    if (!has(n)) ok = false;
    else pos += n;
  }
};

// A DNS name at the reader's position (compression pointers followed, loops bounded).
std::optional<std::string> dns_name(std::string_view msg, std::size_t& pos) {
  std::string name;
  std::size_t p = pos;
  bool jumped = false;
  for (int hops = 0; hops < 32; ++hops) {
    if (p >= msg.size()) return std::nullopt;
    auto len = static_cast<uint8_t>(msg[p]);
    if (len == 0) {
      if (!jumped) pos = p + 1;
      return name.empty() ? "." : name;
    }
    if ((len & 0xC0) == 0xC0) {
      if (p + 1 >= msg.size()) return std::nullopt;
      std::size_t target = static_cast<std::size_t>(((len & 0x3F) << 8) | static_cast<uint8_t>(msg[p + 1]));
      if (!jumped) pos = p + 2;
      jumped = true;
      p = target;
      continue;
    }
    if ((len & 0xC0) != 0 || p + 1 + len > msg.size()) return std::nullopt;
    if (!name.empty()) name += '.';
    for (std::size_t i = 0; i < len; ++i) {
      char c = msg[p + 1 + i];
      if (c < 0x21 || c > 0x7e) return std::nullopt;  // not a hostname: no false names
      name += c;
    }
    if (name.size() > 253) return std::nullopt;
    p += 1 + len;
  }
  return std::nullopt;
}

}  // namespace

std::optional<DnsMessage> parse_dns(std::string_view b) {
  Reader r{b};
  DnsMessage m;
  m.id = r.u16();
  uint16_t flags = r.u16();
  uint16_t qd = r.u16(), an = r.u16();
  r.skip(4);  // NS and AR counts
  if (!r.ok || qd != 1) return std::nullopt;
  m.response = (flags & 0x8000) != 0;
  m.rcode = flags & 0xF;
  std::size_t pos = r.pos;
  auto name = dns_name(b, pos);
  if (!name) return std::nullopt;
  m.name = *name;
  r.pos = pos;
  m.qtype = r.u16();
  r.skip(2);  // class
  if (!r.ok) return std::nullopt;
  for (uint16_t i = 0; i < an && m.response; ++i) {
    pos = r.pos;
    if (!dns_name(b, pos)) break;
    r.pos = pos;
    uint16_t type = r.u16();
    r.skip(6);  // class, ttl
    uint16_t len = r.u16();
    if (!r.has(len)) break;
    char text[INET6_ADDRSTRLEN];
    if (type == 1 && len == 4 && inet_ntop(AF_INET, b.data() + r.pos, text, sizeof text))
      m.addresses.emplace_back(text);
    if (type == 28 && len == 16 && inet_ntop(AF_INET6, b.data() + r.pos, text, sizeof text))
      m.addresses.emplace_back(text);
    r.skip(len);
  }
  return m;
}

std::optional<HttpRequest> parse_http_request(std::string_view b, bool cut) {
  static const char* const kMethods[] = {"GET ", "HEAD ", "POST ", "PUT ", "CONNECT ", "OPTIONS "};
  HttpRequest req;
  for (const char* m : kMethods)
    if (b.substr(0, std::strlen(m)) == m) req.method.assign(m, std::strlen(m) - 1);
  if (req.method.empty()) return std::nullopt;
  std::size_t eol = b.find("\r\n");
  std::string_view line = b.substr(0, eol);
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = line.find(' ', sp1 + 1);
  if (cut && eol == std::string_view::npos) {  // the capture ended in the request line
    std::string_view version = sp2 == std::string_view::npos ? "" : line.substr(sp2 + 1);
    if (version.size() > 5) version = version.substr(0, 5);
    if (sp1 + 1 >= line.size() || std::string_view("HTTP/").substr(0, version.size()) != version)
      return std::nullopt;
    req.target = std::string(line.substr(sp1 + 1, sp2 == std::string_view::npos ? sp2 : sp2 - sp1 - 1));
    req.target_cut = sp2 == std::string_view::npos;
    return req;
  }
  if (sp2 == std::string_view::npos || line.substr(sp2 + 1, 5) != "HTTP/") return std::nullopt;
  req.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  for (std::size_t pos = eol; pos != std::string_view::npos && pos + 2 < b.size();) {
    std::size_t next = b.find("\r\n", pos + 2);
    std::string_view h = b.substr(pos + 2, next == std::string_view::npos ? std::string_view::npos : next - pos - 2);
    if (h.size() > 5 && (h.substr(0, 5) == "Host:" || h.substr(0, 5) == "host:")) {
      std::string_view v = h.substr(5);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      if (next != std::string_view::npos) req.host = std::string(v);  // only a whole header
      break;
    }
    pos = next;
  }
  return req;
}

bool is_http_response(std::string_view b) { return b.substr(0, 7) == "HTTP/1." || b.substr(0, 6) == "HTTP/2"; }

std::optional<std::string> parse_tls_client_hello_sni(std::string_view b) {
  Reader r{b};
  if (r.u8() != 0x16) return std::nullopt;  // handshake record
  if (r.u8() != 0x03) return std::nullopt;
  r.skip(1);
  r.skip(2);                                 // record length
  if (r.u8() != 0x01 || !r.ok) return std::nullopt;  // ClientHello
  r.u24();
  r.skip(2 + 32);                            // version, random
  r.skip(r.u8());                            // session id
  r.skip(r.u16());                           // cipher suites
  r.skip(r.u8());                            // compression methods
  if (!r.ok) return std::nullopt;
  if (!r.has(2)) return std::string();       // no extensions (or not captured)
  std::size_t ext_end = r.pos + 2 + r.u16();
  while (r.ok && r.pos + 4 <= ext_end && r.has(4)) {
    uint16_t type = r.u16(), len = r.u16();
    if (type == 0 && r.has(len)) {           // server_name
      Reader s{b.substr(r.pos, len)};
      s.skip(2);                             // list length
      if (s.u8() == 0) {                     // host_name
        uint16_t n = s.u16();
        if (s.has(n)) return std::string(b.substr(r.pos + s.pos, n));
      }
      return std::nullopt;
    }
    r.skip(len);
  }
  return std::string();
}

}  // namespace gotrace::analyzers::wire
