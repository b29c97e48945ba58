// Socket syscalls as strace prints them (gotrace_format): domains, types, protocols, socket
// option names and values, socklen pointers; sockaddrs and msghdrs are in sockaddr.cpp.
#include <arpa/inet.h>

#include <cstring>

#include "internal.h"

namespace gotrace::format::detail {

namespace {

using layout::load;

constexpr uint64_t kAfInet = 2, kAfInet6 = 10, kAfNetlink = 16, kAfPacket = 17;

constexpr Flag kSockTypes[] = {{1, "SOCK_STREAM"}, {2, "SOCK_DGRAM"}, {3, "SOCK_RAW"},
                               {4, "SOCK_RDM"}, {5, "SOCK_SEQPACKET"}, {6, "SOCK_DCCP"},
                               {10, "SOCK_PACKET"}};
constexpr Flag kSockFlags[] = {{02000000, "SOCK_CLOEXEC"}, {04000, "SOCK_NONBLOCK"}};
constexpr Flag kInetProtos[] = {
    {0, "IPPROTO_IP"},     {1, "IPPROTO_ICMP"},    {2, "IPPROTO_IGMP"},   {4, "IPPROTO_IPIP"},
    {6, "IPPROTO_TCP"},    {8, "IPPROTO_EGP"},     {12, "IPPROTO_PUP"},   {17, "IPPROTO_UDP"},
    {22, "IPPROTO_IDP"},   {29, "IPPROTO_TP"},     {33, "IPPROTO_DCCP"},  {41, "IPPROTO_IPV6"},
    {43, "IPPROTO_ROUTING"}, {44, "IPPROTO_FRAGMENT"}, {46, "IPPROTO_RSVP"}, {47, "IPPROTO_GRE"},
    {50, "IPPROTO_ESP"},   {51, "IPPROTO_AH"},     {58, "IPPROTO_ICMPV6"}, {59, "IPPROTO_NONE"},
    {60, "IPPROTO_DSTOPTS"}, {92, "IPPROTO_MTP"},  {94, "IPPROTO_BEETPH"}, {98, "IPPROTO_ENCAP"},
    {103, "IPPROTO_PIM"},  {108, "IPPROTO_COMP"},  {115, "IPPROTO_L2TP"}, {132, "IPPROTO_SCTP"},
    {135, "IPPROTO_MH"},   {136, "IPPROTO_UDPLITE"}, {137, "IPPROTO_MPLS"},
    {143, "IPPROTO_ETHERNET"}, {255, "IPPROTO_RAW"}, {262, "IPPROTO_MPTCP"},
};
constexpr Flag kNetlinkProtos[] = {
    {0, "NETLINK_ROUTE"},     {1, "NETLINK_UNUSED"},      {2, "NETLINK_USERSOCK"},
    {3, "NETLINK_FIREWALL"},  {4, "NETLINK_SOCK_DIAG"},   {5, "NETLINK_NFLOG"},
    {6, "NETLINK_XFRM"},      {7, "NETLINK_SELINUX"},     {8, "NETLINK_ISCSI"},
    {9, "NETLINK_AUDIT"},     {10, "NETLINK_FIB_LOOKUP"}, {11, "NETLINK_CONNECTOR"},
    {12, "NETLINK_NETFILTER"}, {13, "NETLINK_IP6_FW"},    {14, "NETLINK_DNRTMSG"},
    {15, "NETLINK_KOBJECT_UEVENT"}, {16, "NETLINK_GENERIC"}, {18, "NETLINK_SCSITRANSPORT"},
    {19, "NETLINK_ECRYPTFS"}, {20, "NETLINK_RDMA"},       {21, "NETLINK_CRYPTO"},
    {22, "NETLINK_SMC"},
};
constexpr Flag kEthProtos[] = {{0x0003, "ETH_P_ALL"}, {0x0800, "ETH_P_IP"},
                               {0x0806, "ETH_P_ARP"}, {0x86DD, "ETH_P_IPV6"}};

constexpr uint64_t kSolSocket = 1, kSolIp = 0, kSolTcp = 6, kSolUdp = 17, kSolIpv6 = 41,
                   kSolNetlink = 270;
constexpr Flag kSocketLevels[] = {
    {0, "SOL_IP"},     {1, "SOL_SOCKET"},  {6, "SOL_TCP"},     {17, "SOL_UDP"},
    {40, "AF_VSOCK"},  {41, "SOL_IPV6"},   {58, "SOL_ICMPV6"}, {100, "SOL_CAN_BASE"},
    {101, "SOL_CAN_RAW"}, {132, "SOL_SCTP"}, {136, "SOL_UDPLITE"}, {255, "SOL_RAW"},
    {256, "SOL_IPX"},  {257, "SOL_AX25"},  {258, "SOL_ATALK"}, {259, "SOL_NETROM"},
    {260, "SOL_ROSE"}, {261, "SOL_DECNET"}, {262, "SOL_X25"},  {263, "SOL_PACKET"},
    {264, "SOL_ATM"},  {265, "SOL_AAL"},   {266, "SOL_IRDA"},  {267, "SOL_NETBEUI"},
    {268, "SOL_LLC"},  {269, "SOL_DCCP"},  {270, "SOL_NETLINK"}, {271, "SOL_TIPC"},
    {272, "SOL_RXRPC"}, {273, "SOL_PPPOL2TP"}, {274, "SOL_BLUETOOTH"}, {275, "SOL_PNPIPE"},
    {276, "SOL_RDS"},  {277, "SOL_IUCV"},  {278, "SOL_CAIF"},  {279, "SOL_ALG"},
    {280, "SOL_NFC"},  {281, "SOL_KCM"},   {282, "SOL_TLS"},   {283, "SOL_XDP"},
};

constexpr uint64_t kSoError = 4, kSoLinger = 13, kSoPeercred = 17;
constexpr Flag kSockOptions[] = {
    {1, "SO_DEBUG"},       {2, "SO_REUSEADDR"},   {3, "SO_TYPE"},        {4, "SO_ERROR"},
    {5, "SO_DONTROUTE"},   {6, "SO_BROADCAST"},   {7, "SO_SNDBUF"},      {8, "SO_RCVBUF"},
    {9, "SO_KEEPALIVE"},   {10, "SO_OOBINLINE"},  {11, "SO_NO_CHECK"},   {12, "SO_PRIORITY"},
    {13, "SO_LINGER"},     {14, "SO_BSDCOMPAT"},  {15, "SO_REUSEPORT"},  {16, "SO_PASSCRED"},
    {17, "SO_PEERCRED"},   {18, "SO_RCVLOWAT"},   {19, "SO_SNDLOWAT"},   {20, "SO_RCVTIMEO_OLD"},
    {21, "SO_SNDTIMEO_OLD"}, {22, "SO_SECURITY_AUTHENTICATION"},
    {23, "SO_SECURITY_ENCRYPTION_TRANSPORT"}, {24, "SO_SECURITY_ENCRYPTION_NETWORK"},
    {25, "SO_BINDTODEVICE"}, {26, "SO_ATTACH_FILTER"}, {27, "SO_DETACH_FILTER"},
    {28, "SO_PEERNAME"},   {29, "SO_TIMESTAMP_OLD"}, {30, "SO_ACCEPTCONN"}, {31, "SO_PEERSEC"},
    {32, "SO_SNDBUFFORCE"}, {33, "SO_RCVBUFFORCE"}, {34, "SO_PASSSEC"},
    {35, "SO_TIMESTAMPNS_OLD"}, {36, "SO_MARK"},  {37, "SO_TIMESTAMPING_OLD"},
    {38, "SO_PROTOCOL"},   {39, "SO_DOMAIN"},     {40, "SO_RXQ_OVFL"},   {41, "SO_WIFI_STATUS"},
    {42, "SO_PEEK_OFF"},   {43, "SO_NOFCS"},      {44, "SO_LOCK_FILTER"},
    {45, "SO_SELECT_ERR_QUEUE"}, {46, "SO_BUSY_POLL"}, {47, "SO_MAX_PACING_RATE"},
    {48, "SO_BPF_EXTENSIONS"}, {49, "SO_INCOMING_CPU"}, {50, "SO_ATTACH_BPF"},
    {51, "SO_ATTACH_REUSEPORT_CBPF"}, {52, "SO_ATTACH_REUSEPORT_EBPF"}, {53, "SO_CNX_ADVICE"},
    {55, "SO_MEMINFO"},    {56, "SO_INCOMING_NAPI_ID"}, {57, "SO_COOKIE"},
    {59, "SO_PEERGROUPS"}, {60, "SO_ZEROCOPY"},   {61, "SO_TXTIME"},     {62, "SO_BINDTOIFINDEX"},
    {63, "SO_TIMESTAMP_NEW"}, {64, "SO_TIMESTAMPNS_NEW"}, {65, "SO_TIMESTAMPING_NEW"},
    {66, "SO_RCVTIMEO_NEW"}, {67, "SO_SNDTIMEO_NEW"}, {68, "SO_DETACH_REUSEPORT_BPF"},
    {69, "SO_PREFER_BUSY_POLL"}, {70, "SO_BUSY_POLL_BUDGET"}, {71, "SO_NETNS_COOKIE"},
    {72, "SO_BUF_LOCK"},   {73, "SO_RESERVE_MEM"}, {74, "SO_TXREHASH"},  {75, "SO_RCVMARK"},
};
// SOL_SOCKET options strace prints as an int ("All known int-like options").
constexpr uint8_t kIntSockOptions[] = {1,  2,  5,  6,  7,  8,  9,  10, 11, 12, 14, 15, 16, 18, 19,
                                       27, 29, 30, 32, 33, 34, 35, 36, 37, 40, 41, 42, 43, 44, 45,
                                       46, 49, 53, 56, 60, 63, 64, 65, 68, 69, 70, 73, 74, 75};
constexpr uint64_t kSoTxrehash = 74;
constexpr Flag kIpOptions[] = {
    {1, "IP_TOS"}, {2, "IP_TTL"}, {3, "IP_HDRINCL"}, {4, "IP_OPTIONS"}, {5, "IP_ROUTER_ALERT"},
    {6, "IP_RECVOPTS"}, {7, "IP_RETOPTS"}, {8, "IP_PKTINFO"}, {9, "IP_PKTOPTIONS"},
    {10, "IP_MTU_DISCOVER"}, {11, "IP_RECVERR"}, {12, "IP_RECVTTL"}, {13, "IP_RECVTOS"},
    {14, "IP_MTU"}, {15, "IP_FREEBIND"}, {16, "IP_IPSEC_POLICY"}, {17, "IP_XFRM_POLICY"},
    {18, "IP_PASSSEC"}, {19, "IP_TRANSPARENT"}, {20, "IP_ORIGDSTADDR"}, {21, "IP_MINTTL"},
    {22, "IP_NODEFRAG"}, {23, "IP_CHECKSUM"}, {24, "IP_BIND_ADDRESS_NO_PORT"},
    {25, "IP_RECVFRAGSIZE"}, {26, "IP_RECVERR_RFC4884"}, {32, "IP_MULTICAST_IF"},
    {33, "IP_MULTICAST_TTL"}, {34, "IP_MULTICAST_LOOP"}, {35, "IP_ADD_MEMBERSHIP"},
    {36, "IP_DROP_MEMBERSHIP"}, {49, "IP_MULTICAST_ALL"}, {50, "IP_UNICAST_IF"},
};
constexpr Flag kIpv6Options[] = {
    {1, "IPV6_ADDRFORM"}, {7, "IPV6_CHECKSUM"}, {16, "IPV6_UNICAST_HOPS"},
    {17, "IPV6_MULTICAST_IF"}, {18, "IPV6_MULTICAST_HOPS"}, {19, "IPV6_MULTICAST_LOOP"},
    {20, "IPV6_ADD_MEMBERSHIP"}, {21, "IPV6_DROP_MEMBERSHIP"}, {23, "IPV6_MTU_DISCOVER"},
    {24, "IPV6_MTU"}, {25, "IPV6_RECVERR"}, {26, "IPV6_V6ONLY"}, {49, "IPV6_RECVPKTINFO"},
    {50, "IPV6_PKTINFO"}, {51, "IPV6_RECVHOPLIMIT"}, {52, "IPV6_HOPLIMIT"},
    {62, "IPV6_DONTFRAG"}, {66, "IPV6_RECVTCLASS"}, {67, "IPV6_TCLASS"},
    {75, "IPV6_TRANSPARENT"}, {76, "IPV6_UNICAST_IF"}, {78, "IPV6_FREEBIND"},
};
constexpr Flag kTcpOptions[] = {
    {1, "TCP_NODELAY"}, {2, "TCP_MAXSEG"}, {3, "TCP_CORK"}, {4, "TCP_KEEPIDLE"},
    {5, "TCP_KEEPINTVL"}, {6, "TCP_KEEPCNT"}, {7, "TCP_SYNCNT"}, {8, "TCP_LINGER2"},
    {9, "TCP_DEFER_ACCEPT"}, {10, "TCP_WINDOW_CLAMP"}, {11, "TCP_INFO"}, {12, "TCP_QUICKACK"},
    {13, "TCP_CONGESTION"}, {14, "TCP_MD5SIG"}, {18, "TCP_USER_TIMEOUT"}, {19, "TCP_REPAIR"},
    {23, "TCP_FASTOPEN"}, {24, "TCP_TIMESTAMP"}, {25, "TCP_NOTSENT_LOWAT"},
    {30, "TCP_FASTOPEN_CONNECT"}, {31, "TCP_ULP"}, {36, "TCP_INQ"}, {37, "TCP_TX_DELAY"},
};
constexpr Flag kShutdown[] = {{0, "SHUT_RD"}, {1, "SHUT_WR"}, {2, "SHUT_RDWR"}};
void put_int_in_brackets(std::string& out, std::string_view d) {
  put(out, "[{}]", load<int32_t>(d, 0));
}

bool is_int_sockopt(uint64_t name) {
  for (uint8_t v : kIntSockOptions)
    if (v == name) return true;
  return false;
}

// getsockopt's optval (rlen = what the kernel wrote) and setsockopt's (rlen = optlen).
void put_sockopt_value(std::string& out, const Ctx& c, const Arg& a, int64_t len, bool get) {
  const uint64_t level = static_cast<uint32_t>(c.raw(1));
  const uint64_t name = static_cast<uint32_t>(c.raw(2));
  if (len <= 0 || !has_data(a)) {
    put_ptr(out, a.raw);
    return;
  }
  std::string_view d(a.data);
  if (level == kSolSocket) {
    if (name == kSoLinger) {
      // struct linger; a getsockopt that got less shows the bytes of the field it cut
      if (!get && (len < 8 || d.size() < 8)) {
        put_ptr(out, a.raw);
      } else if (get && d.size() < 4) {
        out += "{l_onoff=";
        put_buffer(out, d, d.size(), c.opt.string_limit, Quote::Hex);
        out += '}';
      } else {
        put(out, "{{l_onoff={}", load<int32_t>(d, 0));
        if (d.size() >= 8) {
          put(out, ", l_linger={}", load<int32_t>(d, 4));
        } else if (d.size() > 4) {
          out += ", l_linger=";
          put_buffer(out, d.substr(4), d.size() - 4, c.opt.string_limit, Quote::Hex);
        }
        out += '}';
      }
      return;
    }
    if (get && name == kSoPeercred && len >= 12) {
      put(out, "{{pid={}, uid={}, gid={}}}", load<int32_t>(d, 0), load<uint32_t>(d, 4),
          load<uint32_t>(d, 8));
      return;
    }
    if (get && name == kSoError) {
      if (len < 4) {
        put_buffer(out, d, static_cast<uint64_t>(len), c.opt.string_limit, Quote::Hex);
        return;
      }
      const int err = load<int32_t>(d, 0);
      out += '[';
      if (err > 0 && strerrorname_np(err))
        out += errno_name(err);
      else
        put_d(out, err);
      out += ']';
      return;
    }
    if (is_int_sockopt(name)) {
      if (len >= 4 && d.size() >= 4 && name == kSoTxrehash) {
        // SOCK_TXREHASH_DISABLED 0, _ENABLED 1, _DEFAULT 255, named as strace's printxval_d
        const int v = load<int32_t>(d, 0);
        if (v == 0 || v == 1 || v == 255)
          put(out, "[SOCK_TXREHASH_{}]", v == 0 ? "DISABLED" : v == 1 ? "ENABLED" : "DEFAULT");
        else
          put(out, "[{} /* SOCK_TXREHASH_??? */]", v);
      } else if (len >= 4 && d.size() >= 4)
        put_int_in_brackets(out, d);
      else if (get)
        put_buffer(out, d, static_cast<uint64_t>(len), c.opt.string_limit, Quote::Hex);
      else
        put_ptr(out, a.raw);
      return;
    }
  } else if (level == kSolNetlink) {
    if ((len < 4 && !get) || d.size() < 4)
      put_ptr(out, a.raw);
    else
      put_int_in_brackets(out, d);
    return;
  }
  if (len == 4 && d.size() >= 4)
    put_int_in_brackets(out, d);
  else if (d.size() < std::min<uint64_t>(static_cast<uint64_t>(len), layout::kSockOptMax))
    put_ptr(out, a.raw);  // the bytes run into unmapped memory: strace reads none
  else
    put_buffer(out, d, static_cast<uint64_t>(len), c.opt.string_limit);
}

// "[16]", or "[128 => 16]" when the kernel changed it.
void put_socklen(std::string& out, const Ctx& c, const Arg& a) {
  if (!has_data(a) || a.data.size() < 4) {
    put_ptr(out, a.raw);
    return;
  }
  const uint32_t first = load<uint32_t>(a.data, 0);
  if (c.succeeded() && a.data.size() >= 8 && load<uint32_t>(a.data, 4) != first)
    put(out, "[{} => {}]", load<uint32_t>(a.data, 4), first);
  else
    put(out, "[{}]", first);
}

}  // namespace

void put_net_arg(std::string& out, const Ctx& c, int i) {
  const Arg& a = c.arg(i);
  switch (c.kind(i)) {
    case ArgKind::SockDomain: put_family(out, static_cast<uint32_t>(c.raw(i))); break;
    case ArgKind::SockType: {
      const uint32_t type = static_cast<uint32_t>(c.raw(i));
      put_xval(out, kSockTypes, type & 0xf, "SOCK_???");
      if (type & ~0xfu) {
        out += '|';
        put_flags(out, kSockFlags, type & ~0xfu, "SOCK_???");
      }
      break;
    }
    case ArgKind::SockProto: {
      const uint32_t proto = static_cast<uint32_t>(c.raw(i));
      switch (c.raw(0)) {
        case kAfInet:
        case kAfInet6: put_xval(out, kInetProtos, proto, "IPPROTO_???"); break;
        case kAfNetlink: put_xval(out, kNetlinkProtos, proto, "NETLINK_???"); break;
        case kAfPacket:
          out += "htons(";
          put_xval(out, kEthProtos, ntohs(static_cast<uint16_t>(proto)), "ETH_P_???");
          out += ')';
          break;
        default: put_u(out, proto); break;
      }
      break;
    }
    case ArgKind::SockFlags: put_flags(out, kSockFlags, c.raw(i), "SOCK_???"); break;
    case ArgKind::SockLevel: put_xval(out, kSocketLevels, static_cast<uint32_t>(c.raw(i)), "SOL_??"); break;
    case ArgKind::SockOptName: {
      const uint32_t name = static_cast<uint32_t>(c.raw(i));
      switch (static_cast<uint32_t>(c.raw(1))) {
        case kSolSocket: put_xval(out, kSockOptions, name, "SO_???"); break;
        case kSolIp: put_xval(out, kIpOptions, name, "IP_???"); break;
        case kSolIpv6: put_xval(out, kIpv6Options, name, "IPV6_???"); break;
        case kSolTcp: put_xval(out, kTcpOptions, name, "TCP_???"); break;
        case kSolUdp:
        default: put_u(out, name); break;
      }
      break;
    }
    case ArgKind::SockOptValIn:
      put_sockopt_value(out, c, a, static_cast<int32_t>(c.raw(i + 1)), false);
      break;
    case ArgKind::SockOptValOut: {
      const Arg& len = c.arg(i + 1);
      if (!c.succeeded() || !has_data(len) || len.data.size() < 4) {
        put_ptr(out, c.raw(i));
        break;
      }
      const auto rlen = static_cast<int32_t>(load<uint32_t>(len.data, 0));
      const auto ulen = len.data.size() >= 8 ? static_cast<int32_t>(load<uint32_t>(len.data, 4)) : rlen;
      put_sockopt_value(out, c, a, ulen <= 0 ? 0 : rlen, true);
      break;
    }
    case ArgKind::SockAddrIn: {
      const auto len = static_cast<int32_t>(c.raw(i + 1));
      if (c.raw(i) == 0 || len < 2 || !has_data(a) || a.data.size() < 2)
        put_ptr(out, c.raw(i));
      else
        put_sockaddr(out, a.data);
      break;
    }
    case ArgKind::SockAddrOut:
      if (!c.succeeded() || !has_data(a) || a.data.size() < 2)
        put_ptr(out, c.raw(i));
      else
        put_sockaddr(out, a.data);
      break;
    case ArgKind::SockLenPtr: put_socklen(out, c, a); break;
    case ArgKind::ShutdownHow: put_xval(out, kShutdown, static_cast<uint32_t>(c.raw(i)), "SHUT_???"); break;
    case ArgKind::MsgFlags: put_msg_flags(out, static_cast<uint32_t>(c.raw(i))); break;
    case ArgKind::MsgHdrIn: put_msghdr_in(out, c, a); break;
    case ArgKind::MsgHdrOut: put_msghdr_out(out, c, a); break;
    case ArgKind::MmsgHdrIn: put_mmsghdrs(out, c, i, a); break;
    default: put_hex(out, c.raw(i)); break;
  }
}

}  // namespace gotrace::format::detail
