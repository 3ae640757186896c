// hostname_test.cpp - unit tests of the HOSTNAME locator (syslog_header) and
// of the tls.hostnameCheck verdicts (hostname_policy). Pure code: no daemon,
// no runtime.
//
// Concurrency & Locking: single-threaded tests.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "hostname_policy.hpp"
#include "syslog_header.hpp"

using imtls::HostnameCheck;
using imtls::HostnameDecision;
using imtls::SyslogFormat;

namespace {

// The claimed HOSTNAME, or "<none>".
std::string host(const std::string& msg) {
  const imtls::HostnameField f = imtls::findHostname(msg.data(), msg.size());
  if (!f.present) return "<none>";
  REQUIRE(f.offset + f.length <= msg.size());
  return msg.substr(f.offset, f.length);
}

SyslogFormat format(const std::string& msg) { return imtls::findHostname(msg.data(), msg.size()).format; }

// A certificate with the given names (exact, case-insensitive stand-in for
// the runtime's rules) that counts how often it was asked.
struct FakeCert {
  std::set<std::string> names;
  int asked = 0;
};
int fakeMatch(const void* ctx, const char* name) {
  auto* c = const_cast<FakeCert*>(static_cast<const FakeCert*>(ctx));
  ++c->asked;
  std::string n(name);
  for (auto& ch : n) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
  return c->names.count(n) ? 1 : 0;
}

HostnameDecision decide(imtls::HostnamePolicy& p, const std::string& msg) { return p.decide(msg.data(), msg.size()); }

}  // namespace

TEST_CASE("RFC 5424: HOSTNAME is the field after VERSION and TIMESTAMP") {
  CHECK(host("<13>1 2026-01-01T00:00:00Z web1.example app 42 ID - msg") == "web1.example");
  CHECK(format("<13>1 2026-01-01T00:00:00Z web1.example app 42 ID - msg") == SyslogFormat::kRfc5424);
  CHECK(host("<13>1 2026-01-01T00:00:00.123456+02:00 h app - - - m") == "h");
  CHECK(host("<13>1 2026-01-01T00:00:00-05:30 h app - - - m") == "h");
  CHECK(host("<13>1 - h app - - - m") == "h");                    // NILVALUE timestamp
  CHECK(host("<13>1 - h") == "h");                                // field ends the message
  CHECK(host("<165>1 - ::1 app - - - m") == "::1");               // any printable bytes
  CHECK(host("<13>1 - - app - - - m") == "<none>");               // NILVALUE HOSTNAME
  CHECK(host("<13>1 -  app - - - m") == "<none>");                // empty field
  CHECK(host("<13>1 2026-13-01T00:00:00Z h app - - - m") == "<none>");  // bad month: not parsed further
  CHECK(host("<13>1 2026-01-01T00:00:00 h app") == "<none>");     // zone missing
  CHECK(host("<13>1 2026-01-01T24:00:00Z h app") == "<none>");
  CHECK(host("<13>1 2026-01-01T00:00:00Zh app") == "<none>");     // no SP after the timestamp
  CHECK(host("<13>1 -") == "<none>");
  CHECK(host("1 - h app - - - m") == "h");  // no PRI: default PRI, still RFC 5424
}

TEST_CASE("RFC 3164: the token after the timestamp, when rsyslog's legacy parser takes it as HOSTNAME") {
  CHECK(host("<13>Jan  1 00:00:00 web1 su: msg") == "web1");
  CHECK(format("<13>Jan  1 00:00:00 web1 su: msg") == SyslogFormat::kRfc3164);
  CHECK(host("<13>Dec 31 23:59:60 web-1.example.net tag: msg") == "web-1.example.net");
  CHECK(host("<13>jAN 11 10:00:00 h_1 t") == "h_1");               // month in any case
  CHECK(host("<13>Jan  1 00:00:00.250 h t") == "h");                // fraction
  CHECK(host("<13>Jan  1 00:00:00: h t") == "h");                   // trailing colon
  CHECK(host("<13>Jan  1 2026 00:00:00 h t") == "h");               // year in place of the hour
  CHECK(host("<13>2026 Jan  1 00:00:00 h t") == "h");               // leading year
  CHECK(host("<13>2026-01-01T00:00:00Z h t: m") == "h");            // RFC 3339 timestamp
  CHECK(host("<13> Jan  1 00:00:00 h t") == "h");                   // one stray SP first
  CHECK(host("<13>Jan  1 00:00:00 127.0.0.1 t: m") == "127.0.0.1");
  CHECK(host("<13>Jan  1 00:00:00 h") == "h");                      // HOSTNAME ends the message
  CHECK(host("<13>Jan  1 00:00:00 h-") == "h-");                    // ... whatever its last byte
  CHECK(host("<13>h t: m") == "h");                                 // no timestamp at all
  CHECK(host("Jan  1 00:00:00 h t") == "h");                        // no PRI: default PRI
  CHECK(host("<>Jan  1 00:00:00 h t") == "h");                      // "<>" is PRI 0
}

TEST_CASE("RFC 3164: what rsyslog's legacy parser does not take as HOSTNAME") {
  CHECK(host("<13>Jan  1 00:00:00 su: msg") == "<none>");           // a TAG ends with ':'
  CHECK(host("<13>Jan  1 00:00:00 su[12]: msg") == "<none>");       // or '['
  CHECK(host("<13>Jan  1 00:00:00 h- t") == "<none>");              // not ending with a letter or digit
  CHECK(host("<13>Jan  1 00:00:00 ::1 t") == "<none>");             // ':' is no HOSTNAME byte
  CHECK(host("<13>Jan  1 00:00:00 h\tt") == "<none>");              // TAB is no separator
  CHECK(host("<13>Jan  1 00:00:00 ") == "<none>");
  CHECK(host("<13>Jan  1 00:00:00") == "<none>");
  CHECK(host("<13>2026 Jan  1 00:00:00 h") == "<none>");            // rsyslog's leading-year count
  CHECK(host("<13> {\"json\":1}") == "<none>");                     // headerless
  CHECK(host("<13>\t[x] y") == "<none>");
  CHECK(host("<192>Jan  1 00:00:00 h t") == "<none>");              // PRI above 191
  CHECK(host("<13 Jan  1 00:00:00 h t") == "<none>");               // PRI not closed
  CHECK(host("<1x>h t") == "<none>");
  CHECK(host("<13>") == "<none>");
  CHECK(host("") == "<none>");
  CHECK(host(std::string(1, '\0')) == "<none>");
}

TEST_CASE("RFC 3164: HOSTNAME length limit is rsyslog's 511 bytes") {
  const std::string h511(511, 'a'), h512(512, 'a');
  CHECK(host("<13>Jan  1 00:00:00 " + h511 + " t") == h511);
  CHECK(host("<13>Jan  1 00:00:00 " + h512 + " t") == "<none>");
}

TEST_CASE("every prefix and every first byte: no read out of bounds, the field inside the message") {
  const std::vector<std::string> samples = {
      "<13>1 2026-01-01T00:00:00.5+02:00 host app - - - m", "<13>2026 Jan  1 2026 00:00:00: host t: m",
      "<13> Jan  1 00:00:00 h t", "<191>2026-01-01T00:00:00Z h t"};
  for (const auto& s : samples) {
    for (std::size_t n = 0; n <= s.size(); ++n) {
      const std::string cut = s.substr(0, n);  // an exact-size copy: ASan sees any overread
      const auto f = imtls::findHostname(cut.data(), cut.size());
      if (f.present) CHECK(f.offset + f.length <= cut.size());
    }
  }
  for (int b = 0; b < 256; ++b) {
    std::string m = "<13>Jan  1 00:00:00 h t";
    for (std::size_t pos = 0; pos < m.size(); ++pos) {
      std::string x = m;
      x[pos] = static_cast<char>(b);
      const auto f = imtls::findHostname(x.data(), x.size());
      if (f.present) CHECK(f.offset + f.length <= x.size());
    }
  }
}

TEST_CASE("a replacement name must read back as the whole HOSTNAME") {
  CHECK(imtls::fitsHostnameField(SyslogFormat::kRfc5424, "a.example"));
  CHECK(imtls::fitsHostnameField(SyslogFormat::kRfc5424, "*.example"));
  CHECK_FALSE(imtls::fitsHostnameField(SyslogFormat::kRfc5424, "a b"));
  CHECK_FALSE(imtls::fitsHostnameField(SyslogFormat::kRfc5424, ""));
  CHECK_FALSE(imtls::fitsHostnameField(SyslogFormat::kRfc5424, std::string(256, 'a')));
  CHECK(imtls::fitsHostnameField(SyslogFormat::kRfc3164, "a-1.example"));
  CHECK_FALSE(imtls::fitsHostnameField(SyslogFormat::kRfc3164, "*.example"));
  CHECK_FALSE(imtls::fitsHostnameField(SyslogFormat::kRfc3164, "a.example-"));
  CHECK_FALSE(imtls::fitsHostnameField(SyslogFormat::kRfc3164, "::1"));
}

TEST_CASE("withHostname puts the name in the field and keeps everything else") {
  for (const std::string m : {"<13>1 - evil app - - - m", "<13>Jan  1 00:00:00 evil t: m", "<13>Jan  1 00:00:00 evil"}) {
    const auto f = imtls::findHostname(m.data(), m.size());
    REQUIRE(f.present);
    std::string out = "old content";
    imtls::withHostname(m.data(), m.size(), f, "a.example", out);
    CHECK(host(out) == "a.example");
    std::string back;
    const auto g = imtls::findHostname(out.data(), out.size());
    imtls::withHostname(out.data(), out.size(), g, "evil", back);
    CHECK(back == m);
  }
}

TEST_CASE("tls.hostnameCheck values") {
  HostnameCheck m = HostnameCheck::kOff;
  CHECK(imtls::parseHostnameCheck("EnForce", m));
  CHECK(m == HostnameCheck::kEnforce);
  CHECK(imtls::parseHostnameCheck("replace", m));
  CHECK(m == HostnameCheck::kReplace);
  CHECK(imtls::parseHostnameCheck("OFF", m));
  CHECK(m == HostnameCheck::kOff);
  CHECK_FALSE(imtls::parseHostnameCheck("x", m));
  CHECK_FALSE(imtls::parseHostnameCheck("warnx", m));
  CHECK_FALSE(imtls::parseHostnameCheck("war", m));
  CHECK_FALSE(imtls::parseHostnameCheck("", m));
  CHECK(std::string(imtls::hostnameCheckName(HostnameCheck::kTag)) == "tag");
}

TEST_CASE("policy: matching HOSTNAMEs pass; the last result is cached") {
  FakeCert cert{{"a.example", "127.0.0.1"}};
  imtls::HostnamePolicy p(HostnameCheck::kEnforce, &fakeMatch, &cert, "a.example");
  for (int i = 0; i < 100; ++i) CHECK(decide(p, "<13>1 - A.example app - - - m").action == HostnameDecision::kPass);
  CHECK(cert.asked == 1);
  CHECK(p.comparisons() == 1);
  CHECK(decide(p, "<13>Jan  1 00:00:00 127.0.0.1 t: m").action == HostnameDecision::kPass);
  CHECK(decide(p, "<13>1 - A.example app - - - m").action == HostnameDecision::kPass);
  CHECK(cert.asked == 3);  // the cache holds one name
}

TEST_CASE("policy: a HOSTNAME with a NUL byte matches nothing") {
  FakeCert cert{{"a.example"}};
  imtls::HostnamePolicy p(HostnameCheck::kWarn, &fakeMatch, &cert, "a.example");
  const std::string m("<13>1 - a.example\0x app - - - m", 30);
  const auto d = decide(p, m);
  CHECK(d.claimed.size() == 11);
  CHECK(d.mismatch);
  CHECK(cert.asked == 0);
}

TEST_CASE("policy: off decides nothing and asks nothing") {
  FakeCert cert{{"a.example"}};
  imtls::HostnamePolicy p(HostnameCheck::kOff, &fakeMatch, &cert, "a.example");
  const auto d = decide(p, "<13>1 - evil app - - - m");
  CHECK(d.action == HostnameDecision::kPass);
  CHECK_FALSE(d.mismatch);
  CHECK(cert.asked == 0);
}

TEST_CASE("policy: warn counts mismatches and reports the first only") {
  FakeCert cert{{"a.example"}};
  imtls::HostnamePolicy p(HostnameCheck::kWarn, &fakeMatch, &cert, "a.example");
  auto d = decide(p, "<13>1 - a.example app - - - m");
  CHECK_FALSE(d.mismatch);
  const std::string spoofed = "<13>1 - evil app - - - m";  // the views point into it
  d = decide(p, spoofed);
  CHECK(d.mismatch);
  CHECK(d.firstReport);
  CHECK(d.claimed == "evil");
  CHECK(d.action == HostnameDecision::kPass);
  d = decide(p, "<13>Jan  1 00:00:00 other t: m");
  CHECK(d.mismatch);
  CHECK_FALSE(d.firstReport);
  d = decide(p, "<13>1 - - app - - - m");  // no HOSTNAME: not a mismatch outside enforce
  CHECK_FALSE(d.mismatch);
  CHECK(d.action == HostnameDecision::kPass);
}

TEST_CASE("policy: tag marks mismatches") {
  FakeCert cert{{"a.example"}};
  imtls::HostnamePolicy p(HostnameCheck::kTag, &fakeMatch, &cert, "a.example");
  CHECK(decide(p, "<13>1 - evil app - - - m").action == HostnameDecision::kTag);
  CHECK(decide(p, "<13>1 - a.example app - - - m").action == HostnameDecision::kPass);
  CHECK(decide(p, "<13>su: no hostname").action == HostnameDecision::kPass);
}

TEST_CASE("policy: enforce drops mismatches and messages without HOSTNAME") {
  FakeCert cert{{"a.example"}};
  imtls::HostnamePolicy p(HostnameCheck::kEnforce, &fakeMatch, &cert, "a.example");
  auto d = decide(p, "<13>1 - - app - - - m");
  CHECK(d.action == HostnameDecision::kDrop);
  CHECK(d.mismatch);
  CHECK(d.firstReport);
  CHECK(d.claimed.empty());
  d = decide(p, "<13>1 - evil app - - - m");
  CHECK(d.action == HostnameDecision::kDrop);
  CHECK_FALSE(d.firstReport);
  CHECK(decide(p, "<13>1 - a.example app - - - m").action == HostnameDecision::kPass);
}

TEST_CASE("policy: replace writes the certificate's name where it fits") {
  FakeCert cert{{"a.example"}};
  imtls::HostnamePolicy p(HostnameCheck::kReplace, &fakeMatch, &cert, "a.example");
  const std::string spoofed = "<13>Jan  1 00:00:00 evil t: m";
  auto d = decide(p, spoofed);
  CHECK(d.action == HostnameDecision::kReplaced);
  CHECK(d.claimed == "evil");
  CHECK(p.rewritten() == "<13>Jan  1 00:00:00 a.example t: m");
  d = decide(p, "<13>1 - evil2 app - - - m");
  CHECK(d.action == HostnameDecision::kReplaced);
  CHECK(p.rewritten() == "<13>1 - a.example app - - - m");
  CHECK(decide(p, "<13>1 - a.example app - - - m").action == HostnameDecision::kPass);
  CHECK(decide(p, "<13>1 - - app - - - m").action == HostnameDecision::kPass);  // nothing claimed

  FakeCert wild{{"*.example"}};
  imtls::HostnamePolicy w(HostnameCheck::kReplace, &fakeMatch, &wild, "*.example");
  d = decide(w, "<13>Jan  1 00:00:00 evil t: m");
  CHECK(d.action == HostnameDecision::kPass);
  CHECK(d.unfit);
  CHECK(d.mismatch);
  CHECK(decide(w, "<13>1 - evil app - - - m").action == HostnameDecision::kReplaced);
}
