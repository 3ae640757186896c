// tls_params_test.cpp - unit tests of the tls.* table, its inheritance rule and the loopback test
// (part of plugins/host/host_test).
//
// Concurrency & Locking: single-threaded tests.
#include <doctest/doctest.h>

#include <string>

#include "address.hpp"
#include "tls_params.hpp"

namespace {

struct Holder {
  host::TlsValues tls;
};

bool hasRow(const std::vector<host::ParamEntry<Holder>>& rows, const std::string& name) {
  for (const auto& r : rows)
    if (name == r.name) return true;
  return false;
}

}  // namespace

TEST_CASE("host: loopback and IP literals") {
  for (const char* h : {"localhost", "LOCALHOST", "localhost.", "ip6-localhost", "a.localhost", "127.0.0.1",
                        "127.1.2.3", "::1", "::ffff:127.0.0.1"})
    CHECK_MESSAGE(host::isLoopback(h), h);
  for (const char* h : {"", "0.0.0.0", "::", "logs.example.net", "128.0.0.1", "10.0.0.1", "::2",
                        "localhost.example.net", "::ffff:10.0.0.1"})
    CHECK_FALSE_MESSAGE(host::isLoopback(h), h);
  CHECK(host::isIpLiteral("192.0.2.1"));
  CHECK(host::isIpLiteral("2001:db8::1"));
  CHECK_FALSE(host::isIpLiteral("logs.example.net"));
}

TEST_CASE("host: the tls.* rows a table gets depend on the scope") {
  const auto input = host::withTlsParams<&Holder::tls, Holder>({}, host::kTlsInput);
  const auto action = host::withTlsParams<&Holder::tls, Holder>({}, host::kTlsAction);
  const auto module = host::withTlsParams<&Holder::tls, Holder>({}, host::kTlsAction | host::kTlsModule);
  CHECK(hasRow(input, "tls.caFile"));
  CHECK(hasRow(input, "tls.handshakeTimeout"));
  CHECK_FALSE(hasRow(input, "tls.serverName"));
  CHECK(hasRow(input, "tls.acceptWildcardCertificates"));
  CHECK(hasRow(action, "tls.acceptWildcardCertificates"));
  CHECK(hasRow(module, "tls.acceptWildcardCertificates"));
  CHECK(hasRow(action, "tls.serverName"));
  CHECK(hasRow(action, "tls.permittedPeer"));
  CHECK_FALSE(hasRow(module, "tls.serverName"));
  CHECK(module.size() + 1 == action.size());
}

TEST_CASE("host: every runtime setting maps to one parameter name") {
  CHECK(std::string(host::tlsParamName(SYSLOGTLS_SETTING_CA_FILE)) == "tls.caFile");
  CHECK(std::string(host::tlsParamName(SYSLOGTLS_SETTING_CERT_FILE)) == "tls.certFile");
  CHECK(std::string(host::tlsParamName(SYSLOGTLS_SETTING_KEY_FILE)) == "tls.keyFile");
  CHECK(std::string(host::tlsParamName(SYSLOGTLS_SETTING_PRIORITY)) == "tls.priorityString");
  CHECK(std::string(host::tlsParamName(SYSLOGTLS_SETTING_AUTH_MODE)) == "tls.authMode");
  CHECK(std::string(host::tlsParamName(SYSLOGTLS_SETTING_PERMITTED_PEER)) == "tls.permittedPeer");
  CHECK(std::string(host::tlsParamName(SYSLOGTLS_SETTING_HANDSHAKE_TIMEOUT)) == "tls.handshakeTimeout");
  CHECK(std::string(host::tlsParamName(SYSLOGTLS_SETTING_ACCEPT_WILDCARD)) == "tls.acceptWildcardCertificates");
  CHECK(host::tlsParamName(SYSLOGTLS_SETTING_NONE) == nullptr);
  CHECK(host::tlsParamName(999) == nullptr);
}

TEST_CASE("host: instance values win, unset inherits, empty clears") {
  host::TlsValues m;
  m.caFile = "/m-ca.pem";
  m.certFile = "/m-cert.pem";
  m.permittedPeers = std::vector<std::string>{"a.example.net"};
  m.handshakeTimeout = 5;
  host::TlsValues a;
  a.caFile = "/a-ca.pem";
  a.certFile = "";
  a.permittedPeers = std::vector<std::string>{};
  const host::TlsValues r = host::inheritTls(a, m);
  CHECK(r.caFile == std::optional<std::string>("/a-ca.pem"));
  CHECK_FALSE(r.certFile.has_value());
  CHECK_FALSE(r.permittedPeers.has_value());
  CHECK(r.handshakeTimeout == std::optional<long long>(5));
  CHECK_FALSE(r.authMode.has_value());
}

TEST_CASE("host: tls.authMode parses, falls back, names itself when unknown") {
  host::TlsValues v;
  int mode = -1;
  std::string err;
  CHECK(host::tlsAuthMode(v, "x509/certvalid", mode, err));
  CHECK(mode == SYSLOGTLS_AUTH_X509_CERTVALID);
  v.authMode = "bogus";
  CHECK_FALSE(host::tlsAuthMode(v, "x509/name", mode, err));
  CHECK(err.find("parameter 'tls.authMode': unknown value 'bogus'") == 0);
}

TEST_CASE("host: handshake timeout outside the role's range names the parameter") {
  host::TlsValues v;
  v.handshakeTimeout = 0;
  std::string err;
  CHECK_FALSE(host::buildTlsConfig(host::TlsRole{SYSLOGTLS_ROLE_CLIENT, 1, 60}, v, SYSLOGTLS_AUTH_ANON, err));
  CHECK(err.find("parameter 'tls.handshakeTimeout': out of range (was 0, allowed 1-60 s)") == 0);
}

TEST_CASE("host: tls.acceptWildcardCertificates inherits and reaches the runtime") {
  host::TlsValues m;
  m.acceptWildcardCertificates = false;
  host::TlsValues a;
  CHECK(host::inheritTls(a, m).acceptWildcardCertificates == std::optional<bool>(false));
  a.acceptWildcardCertificates = true;
  CHECK(host::inheritTls(a, m).acceptWildcardCertificates == std::optional<bool>(true));
  host::TlsValues v;
  v.acceptWildcardCertificates = false;
  std::string err;
  CHECK_MESSAGE(host::buildTlsConfig(host::TlsRole{SYSLOGTLS_ROLE_CLIENT, 1, 60}, v, SYSLOGTLS_AUTH_ANON, err), err);
}

TEST_CASE("host: an invalid internationalised permitted peer names tls.permittedPeer") {
  host::TlsValues v;
  v.permittedPeers = std::vector<std::string>{"ok.example", "-b\xc3\xbc" "cher.example"};
  std::string err;
  CHECK_FALSE(host::buildTlsConfig(host::TlsRole{SYSLOGTLS_ROLE_CLIENT, 1, 60}, v, SYSLOGTLS_AUTH_ANON, err));
  CHECK_MESSAGE(err.find("parameter 'tls.permittedPeer': permitted peer '-b\xc3\xbc" "cher.example': not a valid "
                         "internationalised domain name") == 0, err);
}

TEST_CASE("host: certificate lifecycle rows, for both modules and module()") {
  const auto input = host::withTlsParams<&Holder::tls, Holder>({}, host::kTlsInput);
  const auto action = host::withTlsParams<&Holder::tls, Holder>({}, host::kTlsAction);
  const auto module = host::withTlsParams<&Holder::tls, Holder>({}, host::kTlsAction | host::kTlsModule);
  for (const char* n : {"tls.crlFile", "tls.reloadCheckInterval", "tls.expiryWarningDays"}) {
    CHECK_MESSAGE(hasRow(input, n), n);
    CHECK_MESSAGE(hasRow(action, n), n);
    CHECK_MESSAGE(hasRow(module, n), n);
  }
  const auto contractDefault = [](const std::string& name) -> std::string {
    for (const auto& r : host::kTlsParams)
      if (name == r.name) return r.contractDefault;
    return "(no row)";
  };
  CHECK(contractDefault("tls.reloadCheckInterval") == "0");
  CHECK(contractDefault("tls.expiryWarningDays") == "30");
  CHECK(contractDefault("tls.crlFile") == "none");
  CHECK(std::string(host::tlsParamName(SYSLOGTLS_SETTING_CRL_FILE)) == "tls.crlFile");
  host::TlsValues mod, inst;
  mod.reloadCheckInterval = 5;
  mod.expiryWarningDays = 14;
  inst.expiryWarningDays = 0;
  const host::TlsValues r = host::inheritTls(inst, mod);
  CHECK(r.reloadCheckInterval.value_or(-1) == 5);
  CHECK(r.expiryWarningDays.value_or(-1) == 0);
}
