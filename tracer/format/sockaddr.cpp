// Socket addresses and message headers as strace prints them (gotrace_format): sockaddrs
// (inet, inet6, unix, netlink, raw sa_data), msghdr with name/iovecs/flags, mmsghdr vectors.
#include <arpa/inet.h>

#include <net/if.h>

#include "internal.h"

namespace gotrace::format::detail {

namespace {

using layout::load;

constexpr Flag kFamilies[] = {
    {0, "AF_UNSPEC"},  {1, "AF_UNIX"},      {2, "AF_INET"},     {3, "AF_AX25"},
    {4, "AF_IPX"},     {5, "AF_APPLETALK"}, {6, "AF_NETROM"},   {7, "AF_BRIDGE"},
    {8, "AF_ATMPVC"},  {9, "AF_X25"},       {10, "AF_INET6"},   {11, "AF_ROSE"},
    {12, "AF_DECnet"}, {13, "AF_NETBEUI"},  {14, "AF_SECURITY"}, {15, "AF_KEY"},
    {16, "AF_NETLINK"}, {17, "AF_PACKET"},  {18, "AF_ASH"},     {19, "AF_ECONET"},
    {20, "AF_ATMSVC"}, {21, "AF_RDS"},      {22, "AF_SNA"},     {23, "AF_IRDA"},
    {24, "AF_PPPOX"},  {25, "AF_WANPIPE"},  {26, "AF_LLC"},     {27, "AF_IB"},
    {28, "AF_MPLS"},   {29, "AF_CAN"},      {30, "AF_TIPC"},    {31, "AF_BLUETOOTH"},
    {32, "AF_IUCV"},   {33, "AF_RXRPC"},    {34, "AF_ISDN"},    {35, "AF_PHONET"},
    {36, "AF_IEEE802154"}, {37, "AF_CAIF"}, {38, "AF_ALG"},     {39, "AF_NFC"},
    {40, "AF_VSOCK"},  {41, "AF_KCM"},      {42, "AF_QIPCRTR"}, {43, "AF_SMC"},
    {44, "AF_XDP"},    {45, "AF_MCTP"},
};
constexpr uint64_t kAfUnix = 1, kAfInet = 2, kAfInet6 = 10, kAfNetlink = 16;

constexpr Flag kMsgFlags[] = {
    {0x1, "MSG_OOB"},        {0x2, "MSG_PEEK"},       {0x4, "MSG_DONTROUTE"},
    {0x8, "MSG_CTRUNC"},     {0x10, "MSG_PROBE"},     {0x20, "MSG_TRUNC"},
    {0x40, "MSG_DONTWAIT"},  {0x80, "MSG_EOR"},       {0x100, "MSG_WAITALL"},
    {0x200, "MSG_FIN"},      {0x400, "MSG_SYN"},      {0x800, "MSG_CONFIRM"},
    {0x1000, "MSG_RST"},     {0x2000, "MSG_ERRQUEUE"}, {0x4000, "MSG_NOSIGNAL"},
    {0x8000, "MSG_MORE"},    {0x10000, "MSG_WAITFORONE"}, {0x20000, "MSG_SENDPAGE_NOTLAST"},
    {0x40000, "MSG_BATCH"},  {0x80000, "MSG_NO_SHARED_FRAGS"}, {0x4000000, "MSG_ZEROCOPY"},
    {0x20000000, "MSG_FASTOPEN"}, {0x40000000, "MSG_CMSG_CLOEXEC"}, {0x80000000, "MSG_CMSG_COMPAT"},
};

void put_sockaddr_un(std::string& out, std::string_view path) {
  out += "sun_path=";
  if (!path.empty() && path[0] != '\0') {
    put_quoted(out, path.substr(0, path.find('\0')));
  } else {
    out += '@';
    put_quoted(out, path.empty() ? path : path.substr(1));
  }
}

void put_inet6(std::string& out, std::string_view sa) {
  char buf[INET6_ADDRSTRLEN] = "";
  inet_ntop(AF_INET6, sa.data() + 8, buf, sizeof buf);
  put(out, "sin6_port=htons({}), sin6_flowinfo=htonl({}), inet_pton(AF_INET6, \"{}\", &sin6_addr)",
      ntohs(load<uint16_t>(sa, 2)), ntohl(load<uint32_t>(sa, 4)), buf);
  if (sa.size() > 24) {
    // a link-local or multicast address's interface by name, as strace (this machine's
    // names: a replay elsewhere may name another)
    const uint32_t scope = load<uint32_t>(sa, 24);
    const auto* a6 = reinterpret_cast<const unsigned char*>(sa.data() + 8);
    const bool link_local = a6[0] == 0xfe && (a6[1] & 0xc0) == 0x80;
    const bool multicast = a6[0] == 0xff && ((a6[1] & 0x0f) == 1 || (a6[1] & 0x0f) == 2);
    char name[IF_NAMESIZE];
    if (scope && (link_local || multicast) && if_indextoname(scope, name))
      put(out, ", sin6_scope_id=if_nametoindex(\"{}\")", name);
    else
      put(out, ", sin6_scope_id={}", scope);
  }
}

// One msghdr encoding at `pos`. user_namelen < 0: not known (sendmsg).
void put_msghdr(std::string& out, const Ctx& c, std::string_view d, std::size_t pos,
                int64_t user_namelen, bool out_dir, uint64_t budget) {
  layout::MsgHdrView m;
  if (!layout::parse_msghdr(d, pos, m)) {
    out += "{...}";
    return;
  }
  const uint64_t name = load<uint64_t>(m.hdr, layout::kMsgName);
  const uint32_t namelen = load<uint32_t>(m.hdr, layout::kMsgNamelen);
  const uint64_t iov = load<uint64_t>(m.hdr, layout::kMsgIov);
  const uint64_t iovlen = load<uint64_t>(m.hdr, layout::kMsgIovlen);
  const uint64_t controllen = load<uint64_t>(m.hdr, layout::kMsgControllen);
  out += "{msg_name=";
  if (name != 0 && m.name.size() >= 2)
    put_sockaddr(out, m.name);
  else
    put_ptr(out, name);
  out += ", msg_namelen=";
  if (user_namelen >= 0 && user_namelen != namelen) put(out, "{} => ", user_namelen);
  put(out, "{}, msg_iov=", namelen);
  if (iov == 0 || (m.iovcnt == 0 && iovlen > 0 && c.opt.string_limit > 0))
    put_ptr(out, iov);
  else
    put_iovecs(out, c, d, m.iov_pos, m.iovcnt, iovlen, out_dir, budget, false);
  put(out, ", msg_iovlen={}", iovlen);
  if (controllen) {
    out += ", msg_control=";
    put_ptr(out, load<uint64_t>(m.hdr, layout::kMsgControl));
  }
  put(out, ", msg_controllen={}, msg_flags=", controllen);
  put_flags(out, kMsgFlags, load<uint32_t>(m.hdr, layout::kMsgFlags), "MSG_???");
  out += '}';
}

}  // namespace

void put_family(std::string& out, uint64_t family) { put_xval(out, kFamilies, family, "AF_???"); }

void put_msg_flags(std::string& out, uint64_t flags) { put_flags(out, kMsgFlags, flags, "MSG_???"); }

void put_sockaddr(std::string& out, std::string_view sa) {
  const uint16_t family = load<uint16_t>(sa, 0);
  out += "{sa_family=";
  put_xval(out, kFamilies, family, "AF_???");
  if (sa.size() > 2) {
    out += ", ";
    if (family == kAfInet && sa.size() >= 16) {
      char buf[INET_ADDRSTRLEN] = "";
      inet_ntop(AF_INET, sa.data() + 4, buf, sizeof buf);
      put(out, "sin_port=htons({}), sin_addr=inet_addr(\"{}\")", ntohs(load<uint16_t>(sa, 2)), buf);
    } else if (family == kAfInet6 && sa.size() >= 24) {
      put_inet6(out, sa);
    } else if (family == kAfUnix) {
      put_sockaddr_un(out, sa.substr(2, std::min<std::size_t>(sa.size(), 110) - 2));
    } else if (family == kAfNetlink && sa.size() >= 12) {
      if (const uint16_t pad = load<uint16_t>(sa, 2)) put(out, "nl_pad={:#x}, ", pad);  // shown when set, as strace
      put(out, "nl_pid={}, nl_groups=", load<int32_t>(sa, 4));
      const uint32_t groups = load<uint32_t>(sa, 8);
      if (groups == 0)
        out += "00000000";
      else
        put(out, "{:#08x}", groups);
    } else if (!put_sockaddr_legacy(out, family, sa)) {
      out += "sa_data=";
      put_quoted(out, sa.substr(2));
    }
  }
  out += '}';
}

void put_msghdr_in(std::string& out, const Ctx& c, const Arg& a) {
  if (has_data(a))
    put_msghdr(out, c, a.data, 0, -1, false, 0);
  else
    put_ptr(out, a.raw);
}

void put_msghdr_out(std::string& out, const Ctx& c, const Arg& a) {
  if (!c.call.exited || !has_data(a)) {
    put_ptr(out, a.raw);
    return;
  }
  std::string_view d(a.data);
  if (c.failed()) {  // only the entry msg_namelen is known
    if (d.size() >= 4)
      put(out, "{{msg_namelen={}}}", load<uint32_t>(d, 0));
    else
      put_ptr(out, a.raw);
    return;
  }
  const std::size_t end = layout::msghdr_end(d, 0);
  if (end == 0) {
    put_ptr(out, a.raw);
    return;
  }
  const int64_t user = d.size() >= end + 4 ? load<uint32_t>(d, end) : -1;
  put_msghdr(out, c, d, 0, user, true, static_cast<uint64_t>(c.call.ret));
}

void put_mmsghdrs(std::string& out, const Ctx& c, int i, const Arg& a) {
  if (!has_data(a) || a.data.size() < 4) {
    put_ptr(out, a.raw);
    return;
  }
  std::string_view d(a.data);
  const uint32_t count = load<uint32_t>(d, 0);
  const uint64_t vlen = static_cast<uint32_t>(c.raw(i + 1));
  const uint64_t with_len = c.succeeded() ? static_cast<uint64_t>(c.call.ret) : 0;
  std::size_t pos = 4;
  out += '[';
  uint32_t k = 0;
  for (; k < count && pos != 0; ++k) {
    if (k) out += ", ";
    if (k >= c.opt.string_limit) {
      out += "...";
      break;
    }
    const uint32_t msg_len = load<uint32_t>(d, pos);
    out += "{msg_hdr=";
    put_msghdr(out, c, d, pos + 4, -1, false, 0);
    if (k < with_len) put(out, ", msg_len={}", msg_len);
    out += '}';
    pos = layout::msghdr_end(d, pos + 4);
  }
  if (k == count && k < vlen) out += k ? ", ..." : "...";
  out += ']';
}


}  // namespace gotrace::format::detail
