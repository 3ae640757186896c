// settings_test.cpp - unit tests of imtls parameter validation (part of
// plugins/host/host_test, which provides the rsyslogd stand-ins).
//
// Concurrency & Locking: single-threaded tests.
#include <doctest/doctest.h>

#include "host_test_stubs.hpp"
#include "settings.hpp"
#include "syslogtls.h"

namespace {

bool loggedContains(const std::string& needle) {
  for (const auto& l : stubs::logged)
    if (l.find(needle) != std::string::npos) return true;
  return false;
}

imtls::Settings tlsSettings() {
  imtls::Settings s;
  s.name = "t";
  s.tlsValues.certFile = "/c.pem";
  s.tlsValues.keyFile = "/k.pem";
  return s;
}

}  // namespace

TEST_CASE("imtls: input() tls.* values inherit module() ones; an empty value clears") {
  imtls::Settings module = tlsSettings();
  module.tlsValues.caFile = "/ca.pem";
  module.tlsValues.handshakeTimeout = 30;
  imtls::Settings input;
  input.tlsValues.keyFile = "/other-k.pem";
  input.tlsValues.caFile = "";
  imtls::inheritModuleTls(input, module);
  CHECK(input.tlsValues.certFile == std::optional<std::string>("/c.pem"));
  CHECK(input.tlsValues.keyFile == std::optional<std::string>("/other-k.pem"));
  CHECK_FALSE(input.tlsValues.caFile.has_value());
  CHECK(input.tlsValues.handshakeTimeout == std::optional<long long>(30));
}

TEST_CASE("imtls: defaults validate; auth mode follows permitted peers") {
  imtls::ListenerConfig cfg;
  imtls::Settings s = tlsSettings();
  CHECK(imtls::validate(s, cfg));
  CHECK(cfg.port == 6514);
  CHECK(cfg.authMode == SYSLOGTLS_AUTH_X509_CERTVALID);
  CHECK(cfg.framing == SYSLOGTLS_FRAMING_AUTO);
  CHECK(cfg.oversize == SYSLOGTLS_OVERSIZE_TRUNCATE);
  s.tlsValues.permittedPeers = std::vector<std::string>{"*.example.net"};
  CHECK(imtls::validate(s, cfg));
  CHECK(cfg.authMode == SYSLOGTLS_AUTH_X509_NAME);
}

TEST_CASE("imtls: bad values name the parameter and the reason") {
  imtls::ListenerConfig cfg;
  struct Case {
    void (*mutate)(imtls::Settings&);
    const char* expect;
  } cases[] = {
      {[](imtls::Settings& s) { s.port = 70000; }, "parameter 'port': out of range"},
      {[](imtls::Settings& s) { s.port = 0; }, "parameter 'listenPortFileName': required"},
      {[](imtls::Settings& s) { s.tls = false; }, "parameter 'tls': plaintext"},
      {[](imtls::Settings& s) {
         s.tls = false;
         s.address = "192.0.2.1";
       },
       "address is '192.0.2.1'"},
      {[](imtls::Settings& s) { s.framing = "xml"; }, "parameter 'framing': unknown value 'xml'"},
      {[](imtls::Settings& s) { s.oversizeMode = "drop"; }, "parameter 'oversizeMode': unknown value"},
      {[](imtls::Settings& s) { s.tlsValues.authMode = "x509/foo"; }, "parameter 'tls.authMode': unknown value"},
      {[](imtls::Settings& s) { s.proxyProtocol = "v3"; },
       "parameter 'proxyProtocol': unknown value 'v3' (expected off, v1, v2 or any)"},
      {[](imtls::Settings& s) { s.proxyProtocol = "v2"; }, "parameter 'proxyProtocol.trustedSources': required with "
                                                           "proxyProtocol=\"v2\""},
      {[](imtls::Settings& s) {
         s.proxyProtocol = "any";
         s.proxyTrustedSources = {"127.0.0.1", "10.0.0.0/33"};
       },
       "parameter 'proxyProtocol.trustedSources': '10.0.0.0/33': prefix length out of range (0-32)"},
      {[](imtls::Settings& s) {
         s.proxyProtocol = "v1";
         s.proxyTrustedSources = {"lb.example.net"};
       },
       "parameter 'proxyProtocol.trustedSources': 'lb.example.net': not an IP address or CIDR range"},
  };
  for (const auto& c : cases) {
    stubs::logged.clear();
    imtls::Settings s = tlsSettings();
    c.mutate(s);
    CHECK_FALSE(imtls::validate(s, cfg));
    CHECK_MESSAGE(loggedContains(c.expect), c.expect);
    CHECK(loggedContains("imtls: input 't': "));
  }
  imtls::Settings plain = tlsSettings();
  plain.tls = false;
  plain.address = "::1";
  plain.tlsValues.certFile.reset();
  CHECK(imtls::validate(plain, cfg));
}

TEST_CASE("imtls: tls.hostnameCheck and tls.addPeerMetadata") {
  imtls::ListenerConfig cfg;
  imtls::Settings s = tlsSettings();
  CHECK(imtls::validate(s, cfg));
  CHECK(cfg.hostnameCheck == imtls::HostnameCheck::kOff);
  CHECK_FALSE(cfg.addPeerMetadata);

  s.tlsValues.hostnameCheck = "Replace";
  s.tlsValues.addPeerMetadata = true;
  CHECK(imtls::validate(s, cfg));
  CHECK(cfg.hostnameCheck == imtls::HostnameCheck::kReplace);
  CHECK(cfg.addPeerMetadata);

  stubs::logged.clear();
  s.tlsValues.hostnameCheck = "x";
  CHECK_FALSE(imtls::validate(s, cfg));
  CHECK(loggedContains("imtls: input 't': parameter 'tls.hostnameCheck': unknown value 'x' (expected off, warn, "
                       "tag, enforce or replace)"));

  // module() value inherited, the input's own value wins
  imtls::Settings module = tlsSettings();
  module.tlsValues.hostnameCheck = "enforce";
  module.tlsValues.addPeerMetadata = true;
  imtls::Settings input = tlsSettings();
  input.tlsValues.hostnameCheck.reset();
  input.tlsValues.addPeerMetadata = false;
  imtls::inheritModuleTls(input, module);
  CHECK(imtls::validate(input, cfg));
  CHECK(cfg.hostnameCheck == imtls::HostnameCheck::kEnforce);
  CHECK_FALSE(cfg.addPeerMetadata);

  stubs::logged.clear();
  s.tlsValues.hostnameCheck = "warn";
  s.tlsValues.authMode = "anon";
  CHECK(imtls::validate(s, cfg));
  CHECK(loggedContains("parameter 'tls.hostnameCheck': has no effect with tls.authMode=\"anon\""));
}

TEST_CASE("imtls: proxyProtocol defaults to off; v1, v2 and any with trusted sources") {
  imtls::ListenerConfig cfg;
  imtls::Settings s = tlsSettings();
  CHECK(s.proxyProtocol == "off");
  CHECK(imtls::validate(s, cfg));
  CHECK(cfg.proxyProtocol == SYSLOGTLS_PROXY_OFF);
  s.proxyTrustedSources = {"127.0.0.1", "10.0.0.0/8", "2001:db8::/32"};
  const struct {
    const char* text;
    int mode;
  } modes[] = {{"v1", SYSLOGTLS_PROXY_V1}, {"V2", SYSLOGTLS_PROXY_V2}, {"any", SYSLOGTLS_PROXY_ANY}};
  for (const auto& m : modes) {
    s.proxyProtocol = m.text;
    CHECK(imtls::validate(s, cfg));
    CHECK(cfg.proxyProtocol == m.mode);
  }
}
