// Socket addresses of the families Go programs do not use but strace decodes (and so its
// users expect): AF_AX25 (amateur radio), AF_IPX, AF_X25, AF_PACKET. As strace prints them
// (its sockaddr.c), each from the address zero-padded to sockaddr_storage as strace reads it.
#include <arpa/inet.h>
#include <net/if.h>

#include <algorithm>

#include "internal.h"

namespace gotrace::format::detail {

namespace {

using layout::load;

constexpr std::size_t kStorage = 128;  // sizeof(struct sockaddr_storage)

// C's "%#0*x" with width 2*bytes: "0x41", a zero as "00" (no 0x for zero).
void put_0x(std::string& out, uint64_t v, int bytes) {
  const int width = bytes * 2;
  if (v == 0)
    out.append(static_cast<std::size_t>(width), '0');
  else
    put(out, "{:#0{}x}", v, width);
}

// --- AF_AX25: struct full_sockaddr_ax25 {sa_family, ax25_address sax25_call (7 bytes),
// int sax25_ndigis (at 12); ax25_address fsa_digipeater[8] (at 16)}.
constexpr std::size_t kAx25Size = 16, kAx25AddrSize = 7, kAx25Digis = 8;

enum class Ax25Style { Name, Both, Raw };

// Shifted-ASCII callsign: uppercase letters and digits, spaces only at the end, and an
// SSID byte with only its four bits: the name alone; odd bits: both; unprintable: raw.
Ax25Style ax25_style(std::string_view a) {
  Ax25Style style = Ax25Style::Name;
  bool space_seen = false, char_seen = false;
  for (std::size_t i = 0; i + 1 < kAx25AddrSize; ++i) {
    auto c = static_cast<unsigned char>(a[i]);
    if (c & 1) style = Ax25Style::Both;
    c >>= 1;
    (c == ' ' ? space_seen : char_seen) = true;
    if ((c < '0' || c > '9') && (c < 'A' || c > 'Z') && c != ' ') style = Ax25Style::Both;
    if (c != ' ' && space_seen) style = Ax25Style::Both;
    if (c < ' ' || c > 0x7e || c == '*' || c == '/') return Ax25Style::Raw;
  }
  const auto ssid_byte = static_cast<unsigned char>(a[kAx25AddrSize - 1]);
  if ((ssid_byte & ~0x1e) || (!char_seen && ssid_byte)) style = Ax25Style::Both;
  return style;
}

std::string ax25_name(std::string_view a) {
  std::size_t end = kAx25AddrSize - 1;  // without the trailing spaces
  for (; end; --end)
    if ((static_cast<unsigned char>(a[end - 1]) >> 1) != ' ') break;
  std::string s;
  for (std::size_t i = 0; i < end; ++i) s += static_cast<char>(static_cast<unsigned char>(a[i]) >> 1);
  const unsigned ssid = (static_cast<unsigned char>(a[kAx25AddrSize - 1]) >> 1) & 0xf;
  s += fmt::format("-{}", ssid);
  return s == "-0" ? "*" : s;
}

void put_ax25_addr(std::string& out, std::string_view a) {
  const Ax25Style style = ax25_style(a);
  if (style != Ax25Style::Name) {
    out += "{ax25_call=";
    put_quoted(out, a.substr(0, kAx25AddrSize), Quote::Hex);
    out += '}';
  }
  if (style == Ax25Style::Both) put(out, " /* {} */", ax25_name(a));
  if (style == Ax25Style::Name) out += ax25_name(a);
}

void put_ax25(std::string& out, std::string_view sa, std::size_t addrlen) {
  const int32_t ndigis = load<int32_t>(sa, 12);
  const bool full = ndigis != 0 || addrlen > kAx25Size;
  if (full) out += "fsa_ax25={";
  out += "sax25_call=";
  put_ax25_addr(out, sa.substr(2, kAx25AddrSize));
  put(out, ", sax25_ndigis={}", ndigis);
  if (!full) return;
  out += '}';
  const std::size_t has = std::min((addrlen - kAx25Size) / kAx25AddrSize, kAx25Digis);
  const std::size_t want = std::min<std::size_t>(static_cast<std::size_t>(std::max(ndigis, 0)), kAx25Digis);
  const std::size_t digis = std::min(has, want);
  if (want) {
    out += ", fsa_digipeater=[";
    for (std::size_t i = 0; i < digis; ++i) {
      if (i) out += ", ";
      put_ax25_addr(out, sa.substr(kAx25Size + i * kAx25AddrSize, kAx25AddrSize));
    }
    if (want > has) out += digis ? ", ..." : "...";
    out += ']';
  }
  if (addrlen > has * kAx25AddrSize + kAx25Size) out += ", ...";
}

// --- AF_IPX: {sa_family, u16 port, u32 network, u8 node[6], u8 type, u8 zero} (network order)
void put_ipx(std::string& out, std::string_view sa) {
  put(out, "sipx_port=htons({}), sipx_network=htonl({:#x}), sipx_node=[", ntohs(load<uint16_t>(sa, 2)),
      ntohl(load<uint32_t>(sa, 4)));
  for (std::size_t i = 0; i < 6; ++i) {
    if (i) out += ", ";
    put_0x(out, static_cast<unsigned char>(sa[8 + i]), 1);
  }
  out += "], sipx_type=";
  put_0x(out, static_cast<unsigned char>(sa[14]), 1);
  if (const auto zero = static_cast<unsigned char>(sa[15])) put(out, ", sipx_zero={:#x}", zero);
}

// --- AF_X25: {sa_family, char x25_addr[16]}: a C string of at most 15 characters.
void put_x25(std::string& out, std::string_view sa) {
  const std::string_view a = sa.substr(2, 16);
  const std::size_t nul = a.find('\0');
  out += "sx25_addr={x25_addr=";
  put_quoted(out, a.substr(0, nul == std::string_view::npos ? 15 : nul));
  if (nul == std::string_view::npos) out += "...";
  out += '}';
}

// --- AF_PACKET: struct sockaddr_ll {sa_family, u16 protocol (network order), int ifindex,
// u16 hatype, u8 pkttype, u8 halen, u8 addr[8]}.
constexpr Flag kEthProtocols[] = {
    {0x0001, "ETH_P_802_3"}, {0x0002, "ETH_P_AX25"},  {0x0003, "ETH_P_ALL"},    {0x0004, "ETH_P_802_2"},
    {0x0060, "ETH_P_LOOP"},  {0x0800, "ETH_P_IP"},    {0x0806, "ETH_P_ARP"},    {0x8035, "ETH_P_RARP"},
    {0x8100, "ETH_P_8021Q"}, {0x86DD, "ETH_P_IPV6"},  {0x8847, "ETH_P_MPLS_UC"}, {0x8863, "ETH_P_PPP_DISC"},
    {0x8864, "ETH_P_PPP_SES"}, {0x888E, "ETH_P_PAE"}, {0x88A8, "ETH_P_8021AD"}, {0x88CC, "ETH_P_LLDP"},
};
constexpr Flag kArpHardware[] = {
    {0, "ARPHRD_NETROM"},   {1, "ARPHRD_ETHER"},    {2, "ARPHRD_EETHER"},    {3, "ARPHRD_AX25"},
    {4, "ARPHRD_PRONET"},   {5, "ARPHRD_CHAOS"},    {6, "ARPHRD_IEEE802"},   {7, "ARPHRD_ARCNET"},
    {8, "ARPHRD_APPLETLK"}, {15, "ARPHRD_DLCI"},    {19, "ARPHRD_ATM"},      {23, "ARPHRD_METRICOM"},
    {24, "ARPHRD_IEEE1394"}, {27, "ARPHRD_EUI64"},  {32, "ARPHRD_INFINIBAND"}, {256, "ARPHRD_SLIP"},
    {257, "ARPHRD_CSLIP"},  {258, "ARPHRD_SLIP6"},  {259, "ARPHRD_CSLIP6"},  {260, "ARPHRD_RSRVD"},
    {264, "ARPHRD_ADAPT"},  {270, "ARPHRD_ROSE"},   {271, "ARPHRD_X25"},     {272, "ARPHRD_HWX25"},
    {280, "ARPHRD_CAN"},    {512, "ARPHRD_PPP"},    {513, "ARPHRD_CISCO"},   {516, "ARPHRD_LAPB"},
    {517, "ARPHRD_DDCMP"},  {518, "ARPHRD_RAWHDLC"}, {519, "ARPHRD_RAWIP"},  {768, "ARPHRD_TUNNEL"},
    {769, "ARPHRD_TUNNEL6"}, {770, "ARPHRD_FRAD"},  {771, "ARPHRD_SKIP"},    {772, "ARPHRD_LOOPBACK"},
    {773, "ARPHRD_LOCALTLK"}, {774, "ARPHRD_FDDI"}, {775, "ARPHRD_BIF"},     {776, "ARPHRD_SIT"},
    {777, "ARPHRD_IPDDP"},  {778, "ARPHRD_IPGRE"},  {779, "ARPHRD_PIMREG"},  {780, "ARPHRD_HIPPI"},
    {781, "ARPHRD_ASH"},    {782, "ARPHRD_ECONET"}, {783, "ARPHRD_IRDA"},    {784, "ARPHRD_FCPP"},
    {785, "ARPHRD_FCAL"},   {786, "ARPHRD_FCPL"},   {787, "ARPHRD_FCFABRIC"}, {800, "ARPHRD_IEEE802_TR"},
    {801, "ARPHRD_IEEE80211"}, {802, "ARPHRD_IEEE80211_PRISM"}, {803, "ARPHRD_IEEE80211_RADIOTAP"},
    {804, "ARPHRD_IEEE802154"}, {805, "ARPHRD_IEEE802154_MONITOR"}, {820, "ARPHRD_PHONET"},
    {821, "ARPHRD_PHONET_PIPE"}, {822, "ARPHRD_CAIF"}, {823, "ARPHRD_IP6GRE"}, {824, "ARPHRD_NETLINK"},
    {825, "ARPHRD_6LOWPAN"}, {826, "ARPHRD_VSOCKMON"}, {0xfffe, "ARPHRD_NONE"}, {0xffff, "ARPHRD_VOID"},
};
constexpr Flag kPacketTypes[] = {
    {0, "PACKET_HOST"},      {1, "PACKET_BROADCAST"}, {2, "PACKET_MULTICAST"}, {3, "PACKET_OTHERHOST"},
    {4, "PACKET_OUTGOING"},  {5, "PACKET_LOOPBACK"},  {6, "PACKET_USER"},      {7, "PACKET_KERNEL"},
};

void put_packet(std::string& out, std::string_view sa, std::size_t addrlen) {
  out += "sll_protocol=htons(";
  put_xval(out, kEthProtocols, ntohs(load<uint16_t>(sa, 2)), "ETH_P_???");
  out += "), sll_ifindex=";
  const uint32_t ifindex = load<uint32_t>(sa, 4);
  char name[IF_NAMESIZE];
  if (if_indextoname(ifindex, name))
    put(out, "if_nametoindex(\"{}\")", name);
  else
    put(out, "{}", ifindex);
  out += ", sll_hatype=";
  put_xval(out, kArpHardware, load<uint16_t>(sa, 8), "ARPHRD_???");
  out += ", sll_pkttype=";
  put_xval(out, kPacketTypes, static_cast<unsigned char>(sa[10]), "PACKET_???");
  const auto halen = static_cast<unsigned char>(sa[11]);
  put(out, ", sll_halen={}", halen);
  if (!halen) return;
  const std::size_t in_bounds = addrlen - 12;  // bytes of sll_addr the caller passed
  out += ", sll_addr=[";
  for (std::size_t i = 0; i < halen; ++i) {
    if (i) out += ", ";
    if (i >= in_bounds || 12 + i >= sa.size()) {
      out += "...";
      break;
    }
    put_0x(out, static_cast<unsigned char>(sa[12 + i]), 1);
  }
  out += ']';
}

}  // namespace

bool put_sockaddr_legacy(std::string& out, uint16_t family, std::string_view given) {
  std::string sa(given.substr(0, kStorage));
  const std::size_t addrlen = sa.size();
  sa.resize(kStorage, '\0');  // strace reads the address into a zeroed sockaddr_storage
  switch (family) {
    case AF_AX25:
      if (addrlen < kAx25Size) return false;
      put_ax25(out, sa, addrlen);
      return true;
    case AF_IPX:
      if (addrlen < 16) return false;
      put_ipx(out, sa);
      return true;
    case AF_X25:
      if (addrlen < 18) return false;
      put_x25(out, sa);
      return true;
    case AF_PACKET:
      if (addrlen < 20) return false;
      put_packet(out, sa, addrlen);
      return true;
    default:
      return false;
  }
}

}  // namespace gotrace::format::detail
