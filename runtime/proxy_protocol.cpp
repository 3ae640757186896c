// proxy_protocol.cpp - PROXY protocol v1/v2 header parsing and address
// ranges (see proxy_protocol.hpp).
#include "proxy_protocol.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdio>
#include <cstring>
#include <vector>

namespace syslogtls {

namespace {

const unsigned char kV2Sig[12] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
const char kV1Sig[] = "PROXY ";  // 6 bytes
constexpr size_t kV1SigLen = 6;

ProxyHeader invalid(int version, std::string why) {
  ProxyHeader h;
  h.status = ProxyHeader::Status::invalid;
  h.version = version;
  h.error = std::move(why);
  return h;
}

std::string hex_byte(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", b);
  return buf;
}

// The first bytes of something that is no PROXY header, in words.
std::string not_a_header(const unsigned char* data, size_t len) {
  std::string what = "not a PROXY protocol header (it starts with byte " + hex_byte(data[0]);
  if (data[0] == 0x16) {
    what += ", a TLS handshake record: the sender or balancer does not send the PROXY protocol";
  } else if (len >= 1 && data[0] >= 0x20 && data[0] < 0x7f) {
    what += std::string(", '") + static_cast<char>(data[0]) + "'";
  }
  return what + ")";
}

bool prefix_matches(const unsigned char* data, size_t len, const unsigned char* sig, size_t sig_len) {
  const size_t n = len < sig_len ? len : sig_len;
  return std::memcmp(data, sig, n) == 0;
}

void set_ip(ProxyHeader* h, int family, const void* src, const void* dst, unsigned sport, unsigned dport) {
  SockAddr s, d;
  if (family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&s.ss);
    auto* b = reinterpret_cast<sockaddr_in*>(&d.ss);
    a->sin_family = b->sin_family = AF_INET;
    std::memcpy(&a->sin_addr, src, 4);
    std::memcpy(&b->sin_addr, dst, 4);
    s.len = d.len = sizeof(sockaddr_in);
  } else {
    auto* a = reinterpret_cast<sockaddr_in6*>(&s.ss);
    auto* b = reinterpret_cast<sockaddr_in6*>(&d.ss);
    a->sin6_family = b->sin6_family = AF_INET6;
    std::memcpy(&a->sin6_addr, src, 16);
    std::memcpy(&b->sin6_addr, dst, 16);
    s.len = d.len = sizeof(sockaddr_in6);
  }
  h->src_ip = format_ip(s);
  h->dst_ip = format_ip(d);
  h->src_port = sport;
  h->dst_port = dport;
}

// A decimal port: 1-5 digits, no leading zero (except "0"), at most 65535.
bool parse_port(const std::string& t, unsigned* out) {
  if (t.empty() || t.size() > 5 || (t.size() > 1 && t[0] == '0')) return false;
  unsigned v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > 65535) return false;
  *out = v;
  return true;
}

ProxyHeader parse_v1_line(const std::string& line, size_t length) {
  std::vector<std::string> tok;
  size_t pos = 0;
  for (;;) {
    const size_t sp = line.find(' ', pos);
    tok.push_back(line.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
    if (sp == std::string::npos) break;
    pos = sp + 1;
  }
  ProxyHeader h;
  h.version = 1;
  h.length = length;
  if (tok[0] == "UNKNOWN") {  // whatever follows is to be ignored
    h.status = ProxyHeader::Status::done;
    h.local = true;
    return h;
  }
  int family;
  if (tok[0] == "TCP4") {
    family = AF_INET;
  } else if (tok[0] == "TCP6") {
    family = AF_INET6;
  } else {
    return invalid(1, "PROXY protocol v1 header with unknown protocol '" + tok[0] + "' (expected TCP4, TCP6 or UNKNOWN)");
  }
  if (tok.size() != 5)
    return invalid(1, "PROXY protocol v1 header with " + std::to_string(tok.size() - 1) +
                          " fields after " + tok[0] + " (expected 4: source and destination address and port, "
                          "separated by single spaces)");
  unsigned char src[16], dst[16];
  const char* fam = family == AF_INET ? "IPv4" : "IPv6";
  if (tok[1].empty() || inet_pton(family, tok[1].c_str(), src) != 1)
    return invalid(1, "PROXY protocol v1 header: source address '" + tok[1] + "' is not an " + fam + " address");
  if (tok[2].empty() || inet_pton(family, tok[2].c_str(), dst) != 1)
    return invalid(1, "PROXY protocol v1 header: destination address '" + tok[2] + "' is not an " + fam + " address");
  unsigned sport = 0, dport = 0;
  if (!parse_port(tok[3], &sport))
    return invalid(1, "PROXY protocol v1 header: source port '" + tok[3] + "' is not a port number (0-65535)");
  if (!parse_port(tok[4], &dport))
    return invalid(1, "PROXY protocol v1 header: destination port '" + tok[4] + "' is not a port number (0-65535)");
  h.status = ProxyHeader::Status::done;
  set_ip(&h, family, src, dst, sport, dport);
  return h;
}

ProxyHeader parse_v1(const unsigned char* data, size_t len) {
  if (!prefix_matches(data, len, reinterpret_cast<const unsigned char*>(kV1Sig), kV1SigLen))
    return invalid(0, not_a_header(data, len));
  if (len < kV1SigLen) return ProxyHeader{};
  const size_t end = len < kProxyV1Max ? len : kProxyV1Max;
  for (size_t i = kV1SigLen; i < end; ++i) {
    const unsigned char c = data[i];
    if (c == '\r') {
      if (i + 1 >= kProxyV1Max)
        return invalid(1, "PROXY protocol v1 header longer than " + std::to_string(kProxyV1Max) + " bytes");
      if (i + 1 >= len) return ProxyHeader{};
      if (data[i + 1] != '\n') return invalid(1, "PROXY protocol v1 header: CR not followed by LF");
      return parse_v1_line(std::string(reinterpret_cast<const char*>(data) + kV1SigLen, i - kV1SigLen), i + 2);
    }
    if (c < 0x20 || c > 0x7e)
      return invalid(1, "PROXY protocol v1 header: byte " + hex_byte(c) + " at offset " + std::to_string(i) +
                            " is not printable text");
  }
  if (len >= kProxyV1Max)
    return invalid(1, "PROXY protocol v1 header longer than " + std::to_string(kProxyV1Max) +
                          " bytes (no CRLF in the first " + std::to_string(kProxyV1Max) + ")");
  return ProxyHeader{};
}

ProxyHeader parse_v2(const unsigned char* data, size_t len) {
  if (!prefix_matches(data, len, kV2Sig, sizeof kV2Sig)) return invalid(0, not_a_header(data, len));
  if (len < 13) return ProxyHeader{};
  const unsigned ver = data[12] >> 4, cmd = data[12] & 0x0fu;
  if (ver != 2) return invalid(2, "PROXY protocol v2 signature with version " + std::to_string(ver) + " (expected 2)");
  if (cmd > 1) return invalid(2, "PROXY protocol v2 header with unknown command " + std::to_string(cmd));
  const bool local = cmd == 0;
  if (len < 14) return ProxyHeader{};
  const unsigned char fam = data[13];
  if (!local && fam != 0x11 && fam != 0x21) {
    const unsigned af = fam >> 4, proto = fam & 0x0fu;
    std::string what;
    if (af == 0 || proto == 0) {
      what = "carries no client address (family UNSPEC)";
    } else if (af == 3) {
      what = "carries a UNIX socket address, not a TCP client address";
    } else if (af <= 2 && proto == 2) {
      what = "is for a UDP connection, not TCP";
    } else {
      what = "has an unknown address family and protocol byte " + hex_byte(fam);
    }
    return invalid(2, "PROXY protocol v2 header " + what);
  }
  if (len < 16) return ProxyHeader{};
  const size_t block = (static_cast<size_t>(data[14]) << 8) | data[15];
  const size_t total = 16 + block;
  if (total > kProxyV2Max)
    return invalid(2, "PROXY protocol v2 header of " + std::to_string(total) + " bytes (at most " +
                          std::to_string(kProxyV2Max) + " accepted)");
  const size_t need = local ? 0 : (fam == 0x11 ? 12 : 36);
  if (block < need)
    return invalid(2, "PROXY protocol v2 header: address block of " + std::to_string(block) + " bytes, " +
                          (fam == 0x11 ? "IPv4" : "IPv6") + " needs " + std::to_string(need));
  if (len < total) return ProxyHeader{};
  ProxyHeader h;
  h.version = 2;
  h.length = total;
  if (local) {  // the address block (if any) is the balancer's: ignored
    h.status = ProxyHeader::Status::done;
    h.local = true;
    return h;
  }
  const unsigned char* a = data + 16;
  const size_t alen = fam == 0x11 ? 4 : 16;
  const unsigned sport = (static_cast<unsigned>(a[2 * alen]) << 8) | a[2 * alen + 1];
  const unsigned dport = (static_cast<unsigned>(a[2 * alen + 2]) << 8) | a[2 * alen + 3];
  // TLVs (type, 2-byte length, value) after the addresses: skipped, but
  // each must lie within the block.
  for (size_t p = 16 + need; p < total;) {
    if (total - p < 3)
      return invalid(2, "PROXY protocol v2 header: truncated TLV at offset " + std::to_string(p));
    const size_t tlen = (static_cast<size_t>(data[p + 1]) << 8) | data[p + 2];
    if (tlen > total - p - 3)
      return invalid(2, "PROXY protocol v2 header: TLV of type " + hex_byte(data[p]) + " at offset " +
                            std::to_string(p) + " runs past the header (" + std::to_string(tlen) + " bytes)");
    p += 3 + tlen;
  }
  h.status = ProxyHeader::Status::done;
  set_ip(&h, fam == 0x11 ? AF_INET : AF_INET6, a, a + alen, sport, dport);
  return h;
}

}  // namespace

ProxyHeader parse_proxy_header(const unsigned char* data, size_t len, unsigned versions) {
  if (len == 0 || data == nullptr) return ProxyHeader{};
  if (data[0] == kV2Sig[0]) {
    if ((versions & kProxyV2) == 0) {
      if (prefix_matches(data, len, kV2Sig, sizeof kV2Sig))
        return invalid(2, "PROXY protocol v2 header, but only v1 is accepted");
      return invalid(0, not_a_header(data, len));
    }
    return parse_v2(data, len);
  }
  if (data[0] == static_cast<unsigned char>(kV1Sig[0])) {
    if ((versions & kProxyV1) == 0) {
      if (prefix_matches(data, len, reinterpret_cast<const unsigned char*>(kV1Sig), kV1SigLen))
        return invalid(1, "PROXY protocol v1 header, but only v2 is accepted");
      return invalid(0, not_a_header(data, len));
    }
    return parse_v1(data, len);
  }
  return invalid(0, not_a_header(data, len));
}

bool parse_address_range(const std::string& text, AddressRange* out, std::string* error) {
  AddressRange r;
  const size_t slash = text.find('/');
  const std::string addr = text.substr(0, slash);
  if (inet_pton(AF_INET, addr.c_str(), r.addr) == 1) {
    r.family = AF_INET;
  } else if (inet_pton(AF_INET6, addr.c_str(), r.addr) == 1) {
    r.family = AF_INET6;
  } else {
    *error = "'" + text + "': not an IP address or CIDR range (expected e.g. 192.0.2.10, 10.0.0.0/8, 2001:db8::/32)";
    return false;
  }
  const unsigned max = r.family == AF_INET ? 32 : 128;
  r.prefix = max;
  if (slash != std::string::npos) {
    const std::string p = text.substr(slash + 1);
    unsigned v = 0;
    bool ok = !p.empty() && p.size() <= 3;
    for (char c : p) {
      if (c < '0' || c > '9') ok = false;
      if (ok) v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (!ok || v > max) {
      *error = "'" + text + "': prefix length out of range (0-" + std::to_string(max) + ")";
      return false;
    }
    r.prefix = v;
  }
  *out = r;
  return true;
}

bool range_contains(const AddressRange& range, const SockAddr& peer) {
  unsigned char bytes[16];
  int family;
  if (peer.family() == AF_INET) {
    std::memcpy(bytes, &reinterpret_cast<const sockaddr_in*>(&peer.ss)->sin_addr, 4);
    family = AF_INET;
  } else if (peer.family() == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(&peer.ss)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&a)) {
      std::memcpy(bytes, a.s6_addr + 12, 4);
      family = AF_INET;
    } else {
      std::memcpy(bytes, a.s6_addr, 16);
      family = AF_INET6;
    }
  } else {
    return false;
  }
  if (family != range.family) return false;
  const unsigned full = range.prefix / 8, rest = range.prefix % 8;
  if (std::memcmp(bytes, range.addr, full) != 0) return false;
  if (rest == 0) return true;
  const unsigned mask = (0xffu << (8 - rest)) & 0xffu;
  return (bytes[full] & mask) == (range.addr[full] & mask);
}

}  // namespace syslogtls
