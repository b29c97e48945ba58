// Parsers for the first bytes a program writes to or reads from a socket, as captured by
// the tracer: DNS messages, an HTTP/1 request line and Host, a TLS ClientHello's SNI.
// Total functions: truncated or malformed input yields nothing, never a crash or a guess.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gotrace::analyzers::wire {

struct DnsMessage {
  bool response = false;
  uint16_t id = 0;
  int rcode = 0;
  std::string name;                  // the first question's name, "proxy.golang.org"
  uint16_t qtype = 0;                // 1 A, 28 AAAA
  std::vector<std::string> addresses;  // answers' A/AAAA records as text
};
std::optional<DnsMessage> parse_dns(std::string_view bytes);

struct HttpRequest {
  std::string method;  // GET, HEAD, POST, CONNECT...
  std::string target;  // "/golang.org/x/text/@v/v0.3.7.zip" or "host:443" for CONNECT
  std::string host;    // Host header, when within the captured bytes
  bool target_cut = false;  // the bytes end inside the target: it is a prefix
};
// `cut`: the bytes are a prefix of what was written (a strace log's -s limit, 32 by
// default, or the capture limit): a request line that ends before its HTTP version is
// still taken, its target being what was captured of it.
std::optional<HttpRequest> parse_http_request(std::string_view bytes, bool cut = false);

// True when the bytes start like an HTTP/1 response ("HTTP/1.1 200 OK").
bool is_http_response(std::string_view bytes);

// A TLS record carrying a ClientHello: its server_name, or "" when it has none. nullopt
// when the bytes are not a ClientHello.
std::optional<std::string> parse_tls_client_hello_sni(std::string_view bytes);

}  // namespace gotrace::analyzers::wire
