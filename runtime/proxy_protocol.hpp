// proxy_protocol.hpp - the PROXY protocol header a TCP load balancer (HAProxy,
// stunnel) sends before the client's own bytes: version 1 (one text line)
// and version 2 (binary), parsed by a pure function; and the address ranges
// (trusted sources) allowed to send one.
//
// parse_proxy_header() looks only at the bytes it is given, the first bytes
// a connection received, and is monotone: while it says `incomplete`, every
// byte given belongs to the header (a reader may consume them all); once it
// says `done` or `invalid` for some prefix, it says the same for every
// longer input. A header is at most kProxyV1Max bytes (v1) or kProxyV2Max
// (v2, with its TLVs): longer ones are invalid, so a reader never buffers
// more than kProxyMax bytes.
//
// Concurrency: pure functions and immutable values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "sockaddr.hpp"

namespace syslogtls {

constexpr unsigned kProxyV1 = 1;  // accepted versions, a bit mask
constexpr unsigned kProxyV2 = 2;
constexpr size_t kProxyV1Max = 107;       // the v1 line with its CRLF
constexpr size_t kProxyV2Max = 16 + 1024;  // fixed part + addresses and TLVs
constexpr size_t kProxyMax = kProxyV2Max;

struct ProxyHeader {
  enum class Status { incomplete, done, invalid };
  Status status = Status::incomplete;
  size_t length = 0;   // done: the header's size (the client's bytes follow)
  int version = 0;     // 1 or 2 once known, else 0
  // done: no client address: a v2 LOCAL command or a v1 "UNKNOWN" line
  // (the balancer's own connection, a health check).
  bool local = false;
  std::string src_ip, dst_ip;  // done, !local: "192.0.2.1", "2001:db8::1" (mapped IPv4 shown plainly)
  unsigned src_port = 0, dst_port = 0;
  std::string error;  // invalid: why, in words
};

// Parses the first len bytes a connection received. versions: kProxyV1,
// kProxyV2 or both; a header of another version is invalid.
ProxyHeader parse_proxy_header(const unsigned char* data, size_t len, unsigned versions);

// An address or a CIDR range: "192.0.2.7", "10.0.0.0/8", "2001:db8::/32",
// "::1". IPv4-mapped IPv6 peers match IPv4 ranges.
struct AddressRange {
  int family = 0;  // AF_INET or AF_INET6
  unsigned char addr[16] = {};
  unsigned prefix = 0;
};

// false with *error set ("'10.0.0.0/33': prefix length out of range (0-32)").
bool parse_address_range(const std::string& text, AddressRange* out, std::string* error);
bool range_contains(const AddressRange& range, const SockAddr& peer);

}  // namespace syslogtls
