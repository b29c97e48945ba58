// Wire parsers on real-shaped and broken bytes: no crash, no false names.
#include "wire.h"

#include <catch2/catch.hpp>

using namespace gotrace::analyzers::wire;

namespace {

std::string dns_query(const std::string& name, uint16_t id = 0x1234, uint16_t type = 1) {
  std::string q;
  q += static_cast<char>(id >> 8);
  q += static_cast<char>(id & 0xff);
  q += std::string("\x01\x00\x00\x01\x00\x00\x00\x00\x00\x01", 10);  // RD, QD=1, AR=1 (EDNS0)
  std::size_t start = 0;
  while (start < name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    q += static_cast<char>(dot - start);
    q += name.substr(start, dot - start);
    start = dot + 1;
  }
  q += '\0';
  q += static_cast<char>(type >> 8);
  q += static_cast<char>(type & 0xff);
  q += std::string("\x00\x01", 2);
  return q;
}

std::string dns_answer(const std::string& name, const unsigned char ip[4]) {
  std::string r = dns_query(name);
  r[2] = '\x81';  // QR + RD
  r[3] = '\x80';  // RA
  r[7] = 1;       // AN = 1
  r[11] = 0;      // AR = 0
  r += std::string("\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04", 12);  // ptr to question name
  r.append(reinterpret_cast<const char*>(ip), 4);
  return r;
}

}  // namespace

TEST_CASE("DNS query and answer", "[wire]") {
  auto q = parse_dns(dns_query("proxy.golang.org"));
  REQUIRE(q);
  CHECK_FALSE(q->response);
  CHECK(q->name == "proxy.golang.org");
  CHECK(q->qtype == 1);
  const unsigned char ip[4] = {142, 250, 74, 81};
  auto a = parse_dns(dns_answer("proxy.golang.org", ip));
  REQUIRE(a);
  CHECK(a->response);
  REQUIRE(a->addresses.size() == 1);
  CHECK(a->addresses[0] == "142.250.74.81");
}

TEST_CASE("DNS parser on truncated and malformed packets", "[wire]") {
  const unsigned char ip[4] = {10, 0, 0, 1};
  std::string full = dns_answer("sum.golang.org", ip);
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto m = parse_dns(std::string_view(full).substr(0, n));
    if (m) CHECK((m->name == "sum.golang.org" && m->addresses.empty()));  // never a wrong name
  }
  std::string looped = dns_query("a.b");
  looped[12] = '\xc0';  // a compression pointer to itself
  looped[13] = '\x0c';
  CHECK_FALSE(parse_dns(looped));
  std::string binary = dns_query("ab.cd");
  binary[13] = '\x01';  // non-printable label byte
  CHECK_FALSE(parse_dns(binary));
  CHECK_FALSE(parse_dns("HTTP/1.1 200 OK\r\n"));
}

TEST_CASE("HTTP request line and Host", "[wire]") {
  auto r = parse_http_request("GET /golang.org/x/text/@v/v0.3.7.zip HTTP/1.1\r\nHost: 127.0.0.1:8999\r\nUser-Agent: Go-http-client/1.1\r\n\r\n");
  REQUIRE(r);
  CHECK(r->method == "GET");
  CHECK(r->target == "/golang.org/x/text/@v/v0.3.7.zip");
  CHECK(r->host == "127.0.0.1:8999");
  auto c = parse_http_request("CONNECT proxy.golang.org:443 HTTP/1.1\r\nHost: proxy.golang.org:443\r\n\r\n");
  REQUIRE(c);
  CHECK(c->method == "CONNECT");
  CHECK(c->target == "proxy.golang.org:443");
  CHECK_FALSE(parse_http_request("GET /x"));  // truncated before the version
  auto cut = parse_http_request("GET /x HTTP/1.1\r\nHost: exam");
  REQUIRE(cut);
  CHECK(cut->host.empty());  // a header cut short is not trusted
  // A strace log's 32-byte -s limit cuts the request line: the target's prefix is kept.
  auto line = parse_http_request("GET /github.com/cpuguy83/go-md2m", true);
  REQUIRE(line);
  CHECK(line->target == "/github.com/cpuguy83/go-md2m");
  CHECK(line->target_cut);
  auto whole = parse_http_request("GET /x HTTP/1", true);
  REQUIRE(whole);
  CHECK(whole->target == "/x");
  CHECK_FALSE(whole->target_cut);
  CHECK_FALSE(parse_http_request("GET /x FTP/1", true));
  CHECK_FALSE(parse_http_request("GET ", true));
  CHECK(is_http_response("HTTP/1.1 200 OK\r\n"));
}

TEST_CASE("TLS ClientHello server name", "[wire]") {
  std::string sni = "proxy.golang.org";
  std::string ext;
  ext += std::string("\x00\x00", 2);                                       // server_name
  uint16_t list_len = static_cast<uint16_t>(sni.size() + 3);
  uint16_t ext_len = static_cast<uint16_t>(list_len + 2);
  ext += static_cast<char>(ext_len >> 8); ext += static_cast<char>(ext_len & 0xff);
  ext += static_cast<char>(list_len >> 8); ext += static_cast<char>(list_len & 0xff);
  ext += '\0';
  ext += static_cast<char>(sni.size() >> 8); ext += static_cast<char>(sni.size() & 0xff);
  ext += sni;
  std::string body = std::string("\x03\x03", 2) + std::string(32, 'r') + std::string("\x00", 1) +
                     std::string("\x00\x02\x13\x01", 4) + std::string("\x01\x00", 2);
  body += static_cast<char>(ext.size() >> 8);
  body += static_cast<char>(ext.size() & 0xff);
  body += ext;
  std::string hs = std::string("\x01\x00", 2) + static_cast<char>(body.size() >> 8) + static_cast<char>(body.size() & 0xff) + body;
  std::string rec = std::string("\x16\x03\x01", 3) + static_cast<char>(hs.size() >> 8) + static_cast<char>(hs.size() & 0xff) + hs;
  auto got = parse_tls_client_hello_sni(rec);
  REQUIRE(got);
  CHECK(*got == "proxy.golang.org");
  for (std::size_t n = 0; n < rec.size(); ++n) {
    auto cut = parse_tls_client_hello_sni(std::string_view(rec).substr(0, n));
    if (cut && !cut->empty()) CHECK(*cut == "proxy.golang.org");
  }
  CHECK_FALSE(parse_tls_client_hello_sni("GET / HTTP/1.1\r\n"));
}
