// peer_verify_test.cpp - unit tests of the pure peer-policy helpers.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>

#include "peer_verify.hpp"

using namespace syslogtls::peer;

TEST_CASE("wildcard in the permitted list: RFC 5425 5.2") {
  CHECK(dns_name_matches("a.example.com", "*.example.com"));
  CHECK(dns_name_matches("xyz-1.example.com", "*.example.com"));
  CHECK_FALSE(dns_name_matches("example.com", "*.example.com"));
  CHECK_FALSE(dns_name_matches("a.b.example.com", "*.example.com"));
  CHECK_FALSE(dns_name_matches(".example.com", "*.example.com"));
  CHECK_FALSE(dns_name_matches("a.example.org", "*.example.com"));
  CHECK_FALSE(dns_name_matches("a.example.com.evil", "*.example.com"));
  CHECK_FALSE(dns_name_matches("aexample.com", "*.example.com"));
  // '*' not as a whole left-most label never matches
  CHECK_FALSE(dns_name_matches("foo.example.com", "f*o.example.com"));
  CHECK_FALSE(dns_name_matches("f*o.example.com", "f*o.example.com"));
  CHECK_FALSE(dns_name_matches("a.b.example.com", "a.*.example.com"));
  CHECK_FALSE(dns_name_matches("foo.example.com", "*oo.example.com"));
  CHECK_FALSE(dns_name_matches("a.example.com", "*"));
  CHECK_FALSE(dns_name_matches("a.example.com", "**.example.com"));
  // no wildcard match for IP literals
  CHECK_FALSE(dns_name_matches("10.0.0.1", "*.0.0.1"));
}

TEST_CASE("wildcard in the certificate name") {
  CHECK(dns_name_matches("*.example.com", "a.example.com"));
  CHECK_FALSE(dns_name_matches("*.example.com", "example.com"));
  CHECK_FALSE(dns_name_matches("*.example.com", "a.b.example.com"));
  CHECK_FALSE(dns_name_matches("f*o.example.com", "foo.example.com"));
  CHECK_FALSE(dns_name_matches("a.*.example.com", "a.b.example.com"));
  // a certificate wildcard needs two labels after it
  CHECK_FALSE(dns_name_matches("*.com", "example.com"));
  // identical wildcards match, different ones do not
  CHECK(dns_name_matches("*.example.com", "*.EXAMPLE.com"));
  CHECK_FALSE(dns_name_matches("*.example.com", "*.example.org"));
  // the operator's own list may use a one-label domain
  CHECK(dns_name_matches("host.lan", "*.lan"));
}

TEST_CASE("names compare case-insensitively and ignore one trailing dot") {
  CHECK(dns_name_matches("Server.Example.NET", "server.example.net"));
  CHECK(dns_name_matches("server.example.net.", "server.example.net"));
  CHECK(dns_name_matches("server.example.net", "SERVER.example.net."));
  CHECK(dns_name_matches("A.Example.Com", "*.EXAMPLE.com"));
  CHECK_FALSE(dns_name_matches("server.example.net", "server.example.ne"));
  CHECK_FALSE(dns_name_matches("server.example.net..", "server.example.net"));
  CHECK_FALSE(dns_name_matches("", ""));
}

TEST_CASE("permitted names are validated") {
  std::string why;
  CHECK(check_permitted_name("*.example.com", &why));
  CHECK(check_permitted_name("host.example.com.", &why));
  CHECK_FALSE(check_permitted_name("f*o.example.com", &why));
  CHECK(why.find("left-most label") != std::string::npos);
  CHECK_FALSE(check_permitted_name("a.*.example.com", &why));
  CHECK_FALSE(check_permitted_name("*", &why));
  CHECK_FALSE(check_permitted_name("*.", &why));
  CHECK_FALSE(check_permitted_name("", &why));
  CHECK_FALSE(check_permitted_name("a.example.com, b.example.com", &why));
  CHECK_FALSE(check_permitted_name("a..example.com", &why));
}

TEST_CASE("IP literals parse as addresses") {
  std::vector<uint8_t> a, b;
  REQUIRE(parse_ip("127.0.0.1", &a));
  CHECK(a == std::vector<uint8_t>{127, 0, 0, 1});
  REQUIRE(parse_ip("::ffff:127.0.0.1", &b));
  CHECK(a == b);  // v4-mapped compares as v4
  REQUIRE(parse_ip("2001:DB8::1", &a));
  REQUIRE(parse_ip("[2001:db8:0:0::1]", &b));
  CHECK(a == b);
  CHECK(a.size() == 16);
  CHECK(format_ip(a) == "2001:db8::1");
  CHECK_FALSE(is_ip_literal("example.com"));
  CHECK_FALSE(is_ip_literal("127.0.0.256"));
  CHECK_FALSE(is_ip_literal("SHA1:AA"));
}

TEST_CASE("names_match: SAN dNSName, SAN IP, then CN only without dNSName") {
  CertNames n;
  n.dns = {"a.example.net"};
  n.ips = {{127, 0, 0, 1}, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
  n.cns = {"cn.example.net"};
  CHECK(names_match(n, {"a.example.net"}));
  CHECK(names_match(n, {"b.example.net", "*.example.net"}));
  CHECK(names_match(n, {"127.0.0.1"}));
  CHECK(names_match(n, {"::ffff:127.0.0.1"}));
  CHECK(names_match(n, {"2001:db8::1"}));
  CHECK(names_match(n, {"2001:0db8:0::0001"}));
  CHECK_FALSE(names_match(n, {"127.0.0.2"}));
  CHECK_FALSE(names_match(n, {"::1"}));
  // CN ignored because a dNSName SAN exists
  CHECK_FALSE(names_match(n, {"cn.example.net"}));
  CHECK_FALSE(names_match(n, {}));
  // an IP literal is not matched against dNSName text
  CertNames textual;
  textual.dns = {"127.0.0.1"};
  CHECK_FALSE(names_match(textual, {"127.0.0.1"}));

  CertNames cn_only;
  cn_only.ips = {{10, 0, 0, 1}};
  cn_only.cns = {"CN.Example.Net"};
  CHECK(names_match(cn_only, {"cn.example.net"}));
  CHECK(names_match(cn_only, {"*.example.net"}));
  CHECK(names_match(cn_only, {"10.0.0.1"}));
  CertNames cn_ip;
  cn_ip.cns = {"192.0.2.7"};
  CHECK(names_match(cn_ip, {"192.0.2.7"}));
  // fingerprint entries are not names
  CHECK_FALSE(names_match(cn_only, {"SHA1:00"}));
}

TEST_CASE("describe_names and describe_list") {
  CertNames n;
  n.dns = {"a.example.net"};
  n.ips = {{127, 0, 0, 1}};
  n.cns = {"ignored"};
  CHECK(describe_names(n) == "[DNS:a.example.net, IP:127.0.0.1]");
  CertNames c;
  c.cns = {"rogue"};
  CHECK(describe_names(c) == "[CN:rogue]");
  CHECK(describe_names(CertNames{}) == "[]");
  CHECK(describe_list({"b.example.net", "*.x.org"}) == "[b.example.net, *.x.org]");
}

static const char* kSha256 =
    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
static const char* kSha1 = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33";

TEST_CASE("fingerprints: every spelling parses to the same value") {
  Fingerprint a, b, c, d;
  std::string why;
  REQUIRE(parse_fingerprint(std::string("SHA256:") + kSha256, &a, &why));
  CHECK(a.alg == FpAlg::sha256);
  CHECK(a.digest.size() == 32);
  REQUIRE(parse_fingerprint(std::string("sha-256:") + kSha256, &b, &why));
  std::string lower = kSha256;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  REQUIRE(parse_fingerprint("Sha256:" + lower, &c, &why));
  std::string bare = kSha256;
  bare.erase(std::remove(bare.begin(), bare.end(), ':'), bare.end());
  REQUIRE(parse_fingerprint("SHA256:" + bare, &d, &why));
  CHECK(a == b);
  CHECK(a == c);
  CHECK(a == d);
  CHECK(format_fingerprint(c) == std::string("SHA256:") + kSha256);

  Fingerprint s1, s2;
  REQUIRE(parse_fingerprint(std::string("SHA1:") + kSha1, &s1, &why));
  REQUIRE(parse_fingerprint(std::string("sha-1:") + kSha1, &s2, &why));
  CHECK(s1.alg == FpAlg::sha1);
  CHECK(s1 == s2);
  CHECK(format_fingerprint(s1) == std::string("SHA1:") + kSha1);
  CHECK_FALSE(s1 == a);
}

TEST_CASE("fingerprints: malformed ones are refused with the reason") {
  Fingerprint fp;
  std::string why;
  CHECK_FALSE(parse_fingerprint("MD5:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF", &fp, &why));
  CHECK(why.find("unknown fingerprint algorithm 'MD5'") != std::string::npos);
  CHECK_FALSE(parse_fingerprint(std::string("SHA512:") + kSha256, &fp, &why));
  CHECK(why.find("unknown") != std::string::npos);
  // bad length
  CHECK_FALSE(parse_fingerprint(std::string("SHA256:") + kSha1, &fp, &why));
  CHECK(why.find("32 bytes") != std::string::npos);
  CHECK(why.find("20") != std::string::npos);
  CHECK_FALSE(parse_fingerprint(std::string("SHA1:") + kSha256, &fp, &why));
  CHECK(why.find("20 bytes") != std::string::npos);
  CHECK_FALSE(parse_fingerprint("SHA1:", &fp, &why));
  // bad hex
  std::string bad = std::string("SHA1:") + kSha1;
  bad[5] = 'G';
  CHECK_FALSE(parse_fingerprint(bad, &fp, &why));
  CHECK(why.find("'G0' is not a hexadecimal byte") != std::string::npos);
  CHECK_FALSE(parse_fingerprint("SHA1:0:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33", &fp, &why));
  CHECK(why.find("hexadecimal") != std::string::npos);
  CHECK_FALSE(parse_fingerprint(std::string("SHA1:") + kSha1 + ":", &fp, &why));
  CHECK_FALSE(parse_fingerprint("SHA1:001", &fp, &why));
  CHECK_FALSE(parse_fingerprint("nocolon", &fp, &why));
}

// Found by tests/fuzz/fingerprint_fuzz (corpus file alg-dot): the algorithm
// name went through the DNS-name normalisation, which drops one trailing dot.
TEST_CASE("fingerprints: an algorithm name with a trailing dot is unknown") {
  Fingerprint fp;
  std::string why;
  CHECK_FALSE(parse_fingerprint(std::string("SHA256.:") + kSha256, &fp, &why));
  CHECK(why.find("unknown fingerprint algorithm 'SHA256.'") != std::string::npos);
  CHECK_FALSE(parse_fingerprint(std::string("sha-1.:") + kSha1, &fp, &why));
  CHECK(why.find("unknown") != std::string::npos);
}

TEST_CASE("looks_like_fingerprint tells pins from names and IPs") {
  CHECK(looks_like_fingerprint("SHA1:AA"));
  CHECK(looks_like_fingerprint("md5:AA"));
  CHECK_FALSE(looks_like_fingerprint("::1"));
  CHECK_FALSE(looks_like_fingerprint("2001:db8::1"));
  CHECK_FALSE(looks_like_fingerprint("host.example.com"));
}

TEST_CASE("peer_label wording") {
  CHECK(peer_label("127.0.0.1", 40000, "CN=rogue") == "peer 127.0.0.1:40000 (subject 'CN=rogue')");
  CHECK(peer_label("::1", 6514, "") == "peer [::1]:6514");
}

TEST_CASE("match_names: says when only a wildcard certificate name matched") {
  CertNames n;
  n.dns = {"host.example.net", "*.wild.example.net"};
  n.ips = {{192, 0, 2, 1}};
  NameMatch m = match_names(n, {"host.example.net"});
  CHECK(m.matched);
  CHECK_FALSE(m.wildcard_only);
  m = match_names(n, {"a.wild.example.net"});
  CHECK(m.matched);
  CHECK(m.wildcard_only);
  CHECK(m.wildcard == "*.wild.example.net");
  // an exact name anywhere in the list wins over the wildcard
  m = match_names(n, {"a.wild.example.net", "192.0.2.1"});
  CHECK(m.matched);
  CHECK_FALSE(m.wildcard_only);
  CHECK(m.wildcard.empty());
  m = match_names(n, {"a.wild.example.net", "HOST.example.net."});
  CHECK_FALSE(m.wildcard_only);
  // a wildcard in the permitted list is the operator's, not the certificate's
  m = match_names(n, {"*.example.net"});
  CHECK(m.matched);
  CHECK_FALSE(m.wildcard_only);
  // identical wildcards: the certificate's name is a wildcard
  m = match_names(n, {"*.WILD.example.net"});
  CHECK(m.matched);
  CHECK(m.wildcard_only);
  m = match_names(n, {"other.example.net"});
  CHECK_FALSE(m.matched);
  CHECK_FALSE(m.wildcard_only);
  // CN-only certificate with a wildcard CN
  CertNames cn;
  cn.cns = {"*.Example.Org"};
  m = match_names(cn, {"a.example.org"});
  CHECK(m.matched);
  CHECK(m.wildcard_only);
  CHECK(m.wildcard == "*.Example.Org");
  CHECK(is_wildcard_name("*.example.org."));
  CHECK_FALSE(is_wildcard_name("a.example.org"));
  CHECK_FALSE(is_wildcard_name("f*.example.org"));
}

TEST_CASE("claimed_name_matches: a claimed host name against the certificate") {
  CertNames n;
  n.dns = {"host.example.net", "*.wild.example.net"};
  n.ips = {{192, 0, 2, 1}};
  n.cns = {"cn.example.net"};
  CHECK(claimed_name_matches(n, "host.example.net", true));
  CHECK(claimed_name_matches(n, "Host.Example.Net.", false));
  CHECK(claimed_name_matches(n, "192.0.2.1", false));
  CHECK(claimed_name_matches(n, "::ffff:192.0.2.1", false));
  CHECK_FALSE(claimed_name_matches(n, "192.0.2.2", true));
  CHECK(claimed_name_matches(n, "a.wild.example.net", true));
  CHECK_FALSE(claimed_name_matches(n, "a.wild.example.net", false));
  CHECK_FALSE(claimed_name_matches(n, "cn.example.net", true));
  CHECK_FALSE(claimed_name_matches(n, "*.wild.example.net", true));
  CHECK_FALSE(claimed_name_matches(n, "*.example.net", true));
  CHECK_FALSE(claimed_name_matches(n, "", true));
  CHECK_FALSE(claimed_name_matches(n, "SHA256:AA:BB", true));
  CertNames cn;
  cn.cns = {"legacy.example.net"};
  CHECK(claimed_name_matches(cn, "LEGACY.example.net", true));
  CHECK_FALSE(claimed_name_matches(cn, "other.example.net", true));
  CHECK_FALSE(claimed_name_matches(CertNames{}, "host.example.net", true));
}
