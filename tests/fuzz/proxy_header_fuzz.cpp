// proxy_header_fuzz.cpp - libFuzzer target for the PROXY protocol header
// parser (v1 and v2): any input, any split point, never a crash and always
// the same decision.
//
// Built by ./configure --enable-fuzzing, run by make fuzz-check
// (tests/fuzz/fuzz.am); seeds in tests/fuzz/corpus/proxy_header_fuzz/.
//
// Input layout: byte 0 picks the accepted versions (mod 3: v1, v2, both),
// byte 1 a chunk size (1..256) for a simulated reader; the rest is what a
// connection received. Properties checked:
//  - a complete header is at most the version's maximum and within the input;
//  - the decision is monotone: every prefix shorter than a found header is
//    incomplete and every longer one finds the same header (length,
//    addresses, ports, LOCAL); a prefix of an invalid input is incomplete or
//    invalid, and once invalid stays invalid; a prefix of an incomplete
//    input is incomplete;
//  - an incomplete input never exceeds the largest header;
//  - a reader that feeds the bytes in chunks reaches the same decision.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "proxy_protocol.hpp"

namespace {

using syslogtls::ProxyHeader;
using Status = ProxyHeader::Status;

bool same(const ProxyHeader& a, const ProxyHeader& b) {
  return a.status == b.status && a.length == b.length && a.version == b.version && a.local == b.local &&
         a.src_ip == b.src_ip && a.dst_ip == b.dst_ip && a.src_port == b.src_port && a.dst_port == b.dst_port;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const unsigned versions = static_cast<unsigned>(data[0] % 3) + 1;
  const size_t chunk = static_cast<size_t>(data[1]) + 1;
  data += 2;
  size -= 2;
  if (size > syslogtls::kProxyMax + 64) size = syslogtls::kProxyMax + 64;

  const ProxyHeader whole = syslogtls::parse_proxy_header(data, size, versions);
  if (whole.status == Status::done) {
    if (whole.length == 0 || whole.length > size) std::abort();
    if (whole.version == 1 && whole.length > syslogtls::kProxyV1Max) std::abort();
    if (whole.version == 2 && (whole.length > syslogtls::kProxyV2Max || whole.length < 16)) std::abort();
    if (!whole.local && (whole.src_ip.empty() || whole.dst_ip.empty())) std::abort();
    if (whole.src_port > 65535 || whole.dst_port > 65535) std::abort();
  }
  if (whole.status == Status::invalid && whole.error.empty()) std::abort();
  if (whole.status == Status::incomplete && size > syslogtls::kProxyMax) std::abort();

  // Every split point of short inputs, every 7th of long ones.
  const size_t step = size <= 300 ? 1 : 7;
  bool invalid_seen = false;
  for (size_t k = 0; k <= size; k += step) {
    const ProxyHeader p = syslogtls::parse_proxy_header(data, k, versions);
    switch (whole.status) {
      case Status::done:
        if (k < whole.length ? p.status != Status::incomplete : !same(p, whole)) std::abort();
        break;
      case Status::invalid:
        if (p.status == Status::done || (invalid_seen && p.status != Status::invalid)) std::abort();
        invalid_seen = invalid_seen || p.status == Status::invalid;
        break;
      case Status::incomplete:
        if (p.status != Status::incomplete) std::abort();
        break;
    }
  }

  // A reader: appends what arrives while the parser says incomplete.
  std::string have;
  ProxyHeader r;
  for (size_t off = 0; r.status == Status::incomplete && off < size; off += chunk) {
    have.append(reinterpret_cast<const char*>(data) + off, std::min(chunk, size - off));
    r = syslogtls::parse_proxy_header(reinterpret_cast<const unsigned char*>(have.data()), have.size(), versions);
  }
  if (r.status != whole.status) std::abort();
  if (r.status == Status::done && !same(r, whole)) std::abort();
  return 0;
}
