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
  s.certFile = "/c.pem";
  s.keyFile = "/k.pem";
  return s;
}

}  // namespace

TEST_CASE("imtls: loopback addresses") {
  CHECK(imtls::isLoopbackAddress("127.0.0.1"));
  CHECK(imtls::isLoopbackAddress("127.1.2.3"));
  CHECK(imtls::isLoopbackAddress("::1"));
  CHECK(imtls::isLoopbackAddress("::ffff:127.0.0.1"));
  CHECK(imtls::isLoopbackAddress("LOCALHOST"));
  CHECK_FALSE(imtls::isLoopbackAddress("0.0.0.0"));
  CHECK_FALSE(imtls::isLoopbackAddress("::"));
  CHECK_FALSE(imtls::isLoopbackAddress("10.0.0.1"));
  CHECK_FALSE(imtls::isLoopbackAddress(""));
}

TEST_CASE("imtls: defaults validate; auth mode follows permitted peers") {
  imtls::ListenerConfig cfg;
  imtls::Settings s = tlsSettings();
  CHECK(imtls::validate(s, cfg));
  CHECK(cfg.port == 6514);
  CHECK(cfg.authMode == SYSLOGTLS_AUTH_X509_CERTVALID);
  CHECK(cfg.framing == SYSLOGTLS_FRAMING_AUTO);
  CHECK(cfg.oversize == SYSLOGTLS_OVERSIZE_TRUNCATE);
  s.permittedPeers = {"*.example.net"};
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
      {[](imtls::Settings& s) { s.authMode = "x509/foo"; }, "parameter 'tls.authMode': unknown value"},
      {[](imtls::Settings& s) { s.keyFile.clear(); }, "parameter 'tls.keyFile': required"},
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
  plain.certFile.clear();
  CHECK(imtls::validate(plain, cfg));
}
