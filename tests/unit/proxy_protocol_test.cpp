// proxy_protocol_test.cpp - parse_proxy_header (PROXY protocol v1 and v2):
// valid headers of both versions and families at every split point, the
// bytes after the header left alone, every malformed, truncated and
// oversized case, the accepted-version mask; address ranges.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <string>
#include <vector>

#include "proxy_protocol.hpp"

using namespace syslogtls;
using Status = ProxyHeader::Status;

namespace {

const std::string kSig("\x0D\x0A\x0D\x0A\x00\x0D\x0A\x51\x55\x49\x54\x0A", 12);
const std::string kHello("\x16\x03\x01\x00\x05hello", 10);  // what follows: a TLS record

ProxyHeader parse(const std::string& s, unsigned versions = kProxyV1 | kProxyV2) {
  return parse_proxy_header(reinterpret_cast<const unsigned char*>(s.data()), s.size(), versions);
}

std::string be16(size_t v) { return std::string{static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)}; }

std::string v2(unsigned char ver_cmd, unsigned char fam, const std::string& block) {
  return kSig + std::string{static_cast<char>(ver_cmd), static_cast<char>(fam)} + be16(block.size()) + block;
}

std::string ip4(const char* a) {
  unsigned char b[4];
  REQUIRE(inet_pton(AF_INET, a, b) == 1);
  return std::string(reinterpret_cast<char*>(b), 4);
}

std::string ip6(const char* a) {
  unsigned char b[16];
  REQUIRE(inet_pton(AF_INET6, a, b) == 1);
  return std::string(reinterpret_cast<char*>(b), 16);
}

std::string v2_tcp4(const char* src, const char* dst, unsigned sp, unsigned dp, const std::string& tlvs = "") {
  return v2(0x21, 0x11, ip4(src) + ip4(dst) + be16(sp) + be16(dp) + tlvs);
}

std::string v2_tcp6(const char* src, const char* dst, unsigned sp, unsigned dp, const std::string& tlvs = "") {
  return v2(0x21, 0x21, ip6(src) + ip6(dst) + be16(sp) + be16(dp) + tlvs);
}

std::string tlv(unsigned char type, const std::string& value) {
  return std::string(1, static_cast<char>(type)) + be16(value.size()) + value;
}

// A valid header followed by the client's bytes: incomplete at every split
// before its end; from its end on, done with the same result, which takes
// exactly the header's bytes.
ProxyHeader check_valid(const std::string& header, unsigned versions = kProxyV1 | kProxyV2) {
  const std::string stream = header + kHello;
  for (size_t k = 0; k < header.size(); ++k) {
    const ProxyHeader p = parse(stream.substr(0, k), versions);
    INFO("split at " << k << " of " << header.size() << ": " << p.error);
    REQUIRE(p.status == Status::incomplete);
  }
  ProxyHeader first;
  for (size_t k = header.size(); k <= stream.size(); ++k) {
    const ProxyHeader p = parse(stream.substr(0, k), versions);
    INFO("split at " << k << ": " << p.error);
    REQUIRE(p.status == Status::done);
    REQUIRE(p.length == header.size());
    if (k == header.size()) {
      first = p;
    } else {
      CHECK(p.src_ip == first.src_ip);
      CHECK(p.src_port == first.src_port);
      CHECK(p.local == first.local);
    }
  }
  return first;
}

// A malformed header: invalid once the defect is visible, and from then on
// for every longer input; incomplete before. Returns the error text of the
// whole input.
std::string check_invalid(const std::string& bad, unsigned versions = kProxyV1 | kProxyV2) {
  bool seen = false;
  for (size_t k = 0; k <= bad.size(); ++k) {
    const ProxyHeader p = parse(bad.substr(0, k), versions);
    INFO("split at " << k << " of " << bad.size());
    if (seen) {
      REQUIRE(p.status == Status::invalid);
    } else {
      REQUIRE(p.status != Status::done);
      seen = p.status == Status::invalid;
    }
    if (p.status == Status::invalid) REQUIRE(!p.error.empty());
  }
  const ProxyHeader whole = parse(bad, versions);
  REQUIRE(whole.status == Status::invalid);
  return whole.error;
}

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("proxy v1: TCP4 header, every split point") {
  const ProxyHeader h = check_valid("PROXY TCP4 192.0.2.7 198.51.100.1 40001 6514\r\n");
  CHECK(h.version == 1);
  CHECK_FALSE(h.local);
  CHECK(h.src_ip == "192.0.2.7");
  CHECK(h.src_port == 40001);
  CHECK(h.dst_ip == "198.51.100.1");
  CHECK(h.dst_port == 6514);
}

TEST_CASE("proxy v1: TCP6 header, mapped IPv4 shown plainly, ports 0 and 65535") {
  ProxyHeader h = check_valid("PROXY TCP6 2001:db8::7 2001:db8::1 65535 0\r\n");
  CHECK(h.src_ip == "2001:db8::7");
  CHECK(h.src_port == 65535);
  CHECK(h.dst_port == 0);
  h = check_valid("PROXY TCP6 ::ffff:127.0.1.3 ::1 5 6514\r\n");
  CHECK(h.src_ip == "127.0.1.3");
}

TEST_CASE("proxy v1: UNKNOWN is a connection without a client address (health check)") {
  ProxyHeader h = check_valid("PROXY UNKNOWN\r\n");
  CHECK(h.local);
  CHECK(h.src_ip.empty());
  h = check_valid("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n");
  CHECK(h.local);
}

TEST_CASE("proxy v1: the longest header (107 bytes) is accepted") {
  const std::string a = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
  const std::string line = "PROXY UNKNOWN " + a + " " + a + " 65535 65535\r\n";
  REQUIRE(line.size() == kProxyV1Max);
  CHECK(check_valid(line).local);
  const std::string tcp6 = "PROXY TCP6 " + a + " " + a + " 65535 65535\r\n";
  CHECK(check_valid(tcp6).src_ip == a);
}

TEST_CASE("proxy v1: malformed headers") {
  CHECK(contains(check_invalid("PROXY TCP5 1.2.3.4 1.2.3.4 1 2\r\n"), "unknown protocol 'TCP5'"));
  CHECK(contains(check_invalid("PROXY TCP4 1.2.3.4 1.2.3.4 1\r\n"), "fields after TCP4"));
  CHECK(contains(check_invalid("PROXY TCP4 1.2.3.4 1.2.3.4 1 2 3\r\n"), "fields after TCP4"));
  CHECK(contains(check_invalid("PROXY TCP4  1.2.3.4 1.2.3.4 1 2\r\n"), "fields after TCP4"));
  CHECK(contains(check_invalid("PROXY TCP4 1.2.3.4 1.2.3.4 1 2 \r\n"), "fields after TCP4"));
  CHECK(contains(check_invalid("PROXY TCP4 1.2.3 1.2.3.4 1 2\r\n"), "source address '1.2.3'"));
  CHECK(contains(check_invalid("PROXY TCP4 ::1 1.2.3.4 1 2\r\n"), "not an IPv4 address"));
  CHECK(contains(check_invalid("PROXY TCP6 1.2.3.4 ::1 1 2\r\n"), "not an IPv6 address"));
  CHECK(contains(check_invalid("PROXY TCP4 1.2.3.4 1.2.3.256 1 2\r\n"), "destination address"));
  CHECK(contains(check_invalid("PROXY TCP4 1.2.3.4 1.2.3.4 65536 2\r\n"), "source port '65536'"));
  CHECK(contains(check_invalid("PROXY TCP4 1.2.3.4 1.2.3.4 01 2\r\n"), "source port '01'"));
  CHECK(contains(check_invalid("PROXY TCP4 1.2.3.4 1.2.3.4 1 -2\r\n"), "destination port '-2'"));
  CHECK(contains(check_invalid("PROXY TCP4 1.2.3.4 1.2.3.4 1 \r\n"), "destination port ''"));
  CHECK(contains(check_invalid("PROXY TCP4 1.2.3.4 1.2.3.4 1 2\rX"), "CR not followed by LF"));
  CHECK(contains(check_invalid("PROXY TCP4 1.2.3.4 1.2.3.4 1 2\n"), "not printable"));
  CHECK(contains(check_invalid(std::string("PROXY TCP4 1.2.3.4\0 1.2.3.4 1 2\r\n", 33)), "not printable"));
  CHECK(contains(check_invalid("PROXY \r\n"), "unknown protocol ''"));
  CHECK(contains(check_invalid("proxy TCP4 1.2.3.4 1.2.3.4 1 2\r\n"), "not a PROXY protocol header"));
  CHECK(contains(check_invalid("PROXYTCP4 1.2.3.4 1.2.3.4 1 2\r\n"), "not a PROXY protocol header"));
}

TEST_CASE("proxy v1: oversized headers are refused at 107 bytes, without waiting for more") {
  const std::string longline = "PROXY UNKNOWN " + std::string(200, 'x') + "\r\n";
  CHECK(contains(check_invalid(longline), "longer than 107 bytes"));
  CHECK(parse(longline.substr(0, kProxyV1Max - 1)).status == Status::incomplete);
  CHECK(parse(longline.substr(0, kProxyV1Max)).status == Status::invalid);
  // The LF would be byte 108.
  const std::string a = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
  CHECK(contains(check_invalid("PROXY UNKNOWN " + a + " " + a + " 65535 655350\r\n"), "longer than 107 bytes"));
}

TEST_CASE("proxy v2: TCP4 PROXY header, every split point, TLS bytes after it untouched") {
  const ProxyHeader h = check_valid(v2_tcp4("127.0.1.5", "127.0.0.1", 50123, 6514));
  CHECK(h.version == 2);
  CHECK_FALSE(h.local);
  CHECK(h.length == 28);
  CHECK(h.src_ip == "127.0.1.5");
  CHECK(h.src_port == 50123);
  CHECK(h.dst_ip == "127.0.0.1");
  CHECK(h.dst_port == 6514);
}

TEST_CASE("proxy v2: TCP6 PROXY header, mapped IPv4 shown plainly") {
  ProxyHeader h = check_valid(v2_tcp6("2001:db8::42", "2001:db8::1", 1, 65535));
  CHECK(h.length == 52);
  CHECK(h.src_ip == "2001:db8::42");
  CHECK(h.src_port == 1);
  CHECK(h.dst_port == 65535);
  h = check_valid(v2_tcp6("::ffff:192.0.2.9", "::1", 7, 8));
  CHECK(h.src_ip == "192.0.2.9");
}

TEST_CASE("proxy v2: TLVs are skipped") {
  const std::string tlvs = tlv(0x04, "") + tlv(0x01, "syslog") + tlv(0x05, std::string(300, '\x01')) + tlv(0xEE, "x");
  ProxyHeader h = check_valid(v2_tcp4("10.1.2.3", "10.0.0.1", 1000, 2000, tlvs));
  CHECK(h.src_ip == "10.1.2.3");
  CHECK(h.length == 28 + tlvs.size());
  h = check_valid(v2_tcp6("2001:db8::5", "2001:db8::1", 3, 4, tlv(0x03, "abcd")));
  CHECK(h.src_ip == "2001:db8::5");
}

TEST_CASE("proxy v2: LOCAL (health check), with and without an address block") {
  ProxyHeader h = check_valid(v2(0x20, 0x00, ""));
  CHECK(h.local);
  CHECK(h.length == 16);
  h = check_valid(v2(0x20, 0x11, ip4("127.0.0.1") + ip4("127.0.0.1") + be16(1) + be16(2)));
  CHECK(h.local);
  CHECK(h.src_ip.empty());
  h = check_valid(v2(0x20, 0x31, std::string(216, '\0')));
  CHECK(h.local);
}

TEST_CASE("proxy v2: the largest header is accepted, one byte more is refused from its fixed part") {
  const std::string big = v2_tcp4("1.2.3.4", "5.6.7.8", 1, 2, tlv(0x20, std::string(kProxyV2Max - 28 - 3, 'z')));
  REQUIRE(big.size() == kProxyV2Max);
  CHECK(check_valid(big).src_ip == "1.2.3.4");
  const std::string over = v2(0x21, 0x11, std::string(kProxyV2Max - 16 + 1, '\0'));
  CHECK(contains(check_invalid(over), "at most 1040"));
  CHECK(parse(over.substr(0, 16)).status == Status::invalid);  // known from the length field
  CHECK(contains(check_invalid(kSig + "\x21\x11\xff\xff"), "65551 bytes"));
}

TEST_CASE("proxy v2: malformed headers") {
  CHECK(contains(check_invalid(kSig + "\x11\x11" + be16(12) + std::string(12, '\0')), "version 1"));
  CHECK(contains(check_invalid(kSig + "\x31\x11" + be16(12) + std::string(12, '\0')), "version 3"));
  CHECK(contains(check_invalid(kSig + "\x22\x11" + be16(12) + std::string(12, '\0')), "unknown command 2"));
  CHECK(contains(check_invalid(kSig + "\x2f\x11" + be16(12) + std::string(12, '\0')), "unknown command 15"));
  CHECK(contains(check_invalid(v2(0x21, 0x00, "")), "no client address"));
  CHECK(contains(check_invalid(v2(0x21, 0x10, std::string(12, '\0'))), "no client address"));
  CHECK(contains(check_invalid(v2(0x21, 0x31, std::string(216, '\0'))), "UNIX"));
  CHECK(contains(check_invalid(v2(0x21, 0x12, std::string(12, '\0'))), "UDP"));
  CHECK(contains(check_invalid(v2(0x21, 0x22, std::string(36, '\0'))), "UDP"));
  CHECK(contains(check_invalid(v2(0x21, 0x41, std::string(12, '\0'))), "unknown address family"));
  CHECK(contains(check_invalid(v2(0x21, 0x11, std::string(11, '\0'))), "needs 12"));
  CHECK(contains(check_invalid(v2(0x21, 0x21, std::string(35, '\0'))), "needs 36"));
  CHECK(contains(check_invalid(v2(0x21, 0x21, std::string(12, '\0'))), "needs 36"));
  // TLVs that do not fit the block.
  CHECK(contains(check_invalid(v2_tcp4("1.2.3.4", "5.6.7.8", 1, 2, "\x01")), "truncated TLV"));
  CHECK(contains(check_invalid(v2_tcp4("1.2.3.4", "5.6.7.8", 1, 2, std::string("\x01\x00", 2))), "truncated TLV"));
  CHECK(contains(check_invalid(v2_tcp4("1.2.3.4", "5.6.7.8", 1, 2, std::string("\x01\x00\x02z", 4))),
                 "runs past the header"));
  CHECK(contains(check_invalid(v2_tcp4("1.2.3.4", "5.6.7.8", 1, 2, tlv(0x01, "ok") + std::string("\x02\xff\xff", 3))),
                 "runs past the header"));
  // A damaged signature, at each of its bytes.
  for (size_t i = 0; i < kSig.size(); ++i) {
    std::string bad = v2_tcp4("1.2.3.4", "5.6.7.8", 1, 2);
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    INFO("signature byte " << i);
    CHECK(contains(check_invalid(bad), "not a PROXY protocol header"));
  }
}

TEST_CASE("proxy: a TLS ClientHello or other bytes instead of a header are refused at the first byte") {
  const ProxyHeader p = parse(kHello);
  CHECK(p.status == Status::invalid);
  CHECK(contains(p.error, "TLS handshake record"));
  CHECK(parse(kHello.substr(0, 1)).status == Status::invalid);
  CHECK(contains(parse("GET / HTTP/1.0\r\n").error, "'G'"));
  CHECK(parse(std::string(1, '\0')).status == Status::invalid);
  CHECK(parse("").status == Status::incomplete);
  CHECK(parse_proxy_header(nullptr, 0, kProxyV1 | kProxyV2).status == Status::incomplete);
}

TEST_CASE("proxy: the accepted versions") {
  const std::string one = "PROXY TCP4 192.0.2.7 198.51.100.1 40001 6514\r\n";
  const std::string two = v2_tcp4("192.0.2.7", "198.51.100.1", 40001, 6514);
  CHECK(check_valid(one, kProxyV1).src_ip == "192.0.2.7");
  CHECK(check_valid(two, kProxyV2).src_ip == "192.0.2.7");
  CHECK(contains(check_invalid(one, kProxyV2), "v1 header, but only v2 is accepted"));
  CHECK(contains(check_invalid(two, kProxyV1), "v2 header, but only v1 is accepted"));
  // Refused at its first byte, before any address was read.
  CHECK(parse(one.substr(0, 1), kProxyV2).status == Status::invalid);
  CHECK(parse(two.substr(0, 1), kProxyV1).status == Status::invalid);
  CHECK(contains(check_invalid(v2(0x20, 0x00, ""), kProxyV1), "only v1"));
  CHECK(contains(check_invalid("PROXY UNKNOWN\r\n", kProxyV2), "only v2"));
}

TEST_CASE("proxy: an incomplete prefix consumed in any pieces gives the same result as the whole") {
  // What a reader does: feed what arrived, keep it while incomplete.
  const std::string headers[] = {"PROXY TCP4 127.0.1.8 127.0.0.1 1 2\r\n", v2_tcp6("2001:db8::9", "::1", 9, 10),
                                 v2_tcp4("127.0.1.1", "127.0.0.1", 3, 4, tlv(0x01, "h2"))};
  for (const std::string& h : headers) {
    const std::string stream = h + kHello;
    for (size_t step = 1; step <= 7; ++step) {
      std::string have;
      ProxyHeader p;
      size_t off = 0;
      while (p.status == Status::incomplete && off < stream.size()) {
        have += stream.substr(off, step);
        off += step;
        p = parse(have);
      }
      REQUIRE(p.status == Status::done);
      CHECK(p.length == h.size());
      CHECK(stream.substr(p.length) == kHello);
    }
  }
}

TEST_CASE("address ranges: parsing") {
  AddressRange r;
  std::string err;
  CHECK(parse_address_range("127.0.0.1", &r, &err));
  CHECK(r.family == AF_INET);
  CHECK(r.prefix == 32);
  CHECK(parse_address_range("10.0.0.0/8", &r, &err));
  CHECK(r.prefix == 8);
  CHECK(parse_address_range("0.0.0.0/0", &r, &err));
  CHECK(parse_address_range("2001:db8::/32", &r, &err));
  CHECK(r.family == AF_INET6);
  CHECK(r.prefix == 32);
  CHECK(parse_address_range("::1", &r, &err));
  CHECK(r.prefix == 128);
  CHECK_FALSE(parse_address_range("10.0.0.0/33", &r, &err));
  CHECK(contains(err, "prefix length out of range (0-32)"));
  CHECK_FALSE(parse_address_range("::/129", &r, &err));
  CHECK(contains(err, "(0-128)"));
  for (const char* bad : {"", "/8", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1", "10.0.0.0/0008", "host.example",
                          "10.0.0", "10.0.0.0/8/9", " 10.0.0.1", "10.0.0.1 "}) {
    INFO(bad);
    CHECK_FALSE(parse_address_range(bad, &r, &err));
    CHECK_FALSE(err.empty());
  }
}

TEST_CASE("address ranges: matching") {
  auto peer = [](const char* ip) {
    SockAddr a;
    REQUIRE(parse_ip_literal(ip, 1, &a));
    return a;
  };
  auto in = [&](const char* range, const char* ip) {
    AddressRange r;
    std::string err;
    REQUIRE(parse_address_range(range, &r, &err));
    return range_contains(r, peer(ip));
  };
  CHECK(in("127.0.0.1", "127.0.0.1"));
  CHECK_FALSE(in("127.0.0.1", "127.0.0.2"));
  CHECK(in("127.0.0.0/8", "127.255.1.2"));
  CHECK_FALSE(in("127.0.0.0/8", "128.0.0.1"));
  CHECK(in("10.1.2.0/23", "10.1.3.255"));
  CHECK_FALSE(in("10.1.2.0/23", "10.1.4.0"));
  CHECK(in("10.1.2.3/0", "192.0.2.1"));
  CHECK(in("127.0.0.1", "::ffff:127.0.0.1"));  // mapped IPv4 peer
  CHECK_FALSE(in("::ffff:0:0/96", "::1"));
  CHECK(in("2001:db8::/32", "2001:db8:ffff::1"));
  CHECK_FALSE(in("2001:db8::/32", "2001:db9::1"));
  CHECK(in("2001:db8::/33", "2001:db8:7fff::1"));
  CHECK_FALSE(in("2001:db8::/33", "2001:db8:8000::1"));
  CHECK_FALSE(in("::1", "127.0.0.1"));
  CHECK_FALSE(in("127.0.0.1", "::1"));
}
