// omtls_config_test.cpp - unit tests of omtls's action settings validation and per-target TLS policy.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "omtls_config.hpp"
#include "test_certs.hpp"

using omtls::ActionConfig;
using omtls::ActionSettings;
using omtls::TlsDefaults;

namespace {

struct Built {
  std::unique_ptr<ActionConfig> cfg;
  std::string err;
  std::vector<std::string> warnings;
};

Built build(const ActionSettings& s, const TlsDefaults& md = TlsDefaults()) {
  Built b;
  b.cfg = ActionConfig::build(s, md, b.err, b.warnings);
  return b;
}

ActionSettings withCa(const std::string& ca, std::vector<std::string> targets = {"logs.example.net"}) {
  ActionSettings s;
  s.targets = std::move(targets);
  s.tlsSettings.caFile = ca;
  return s;
}

}  // namespace

TEST_CASE("parameter errors name the parameter and the reason") {
  testcerts::TempDir dir;
  testcerts::Ca ca(dir);
  const std::string caFile = ca.cert_file();

  SUBCASE("missing target") {
    auto b = build(ActionSettings());
    CHECK_FALSE(b.cfg);
    CHECK(b.err.find("'target'") != std::string::npos);
  }
  SUBCASE("port out of range") {
    auto s = withCa(caFile);
    s.port = 70000;
    auto b = build(s);
    CHECK_FALSE(b.cfg);
    CHECK(b.err.find("'port'") != std::string::npos);
    s.port = 0;
    CHECK_FALSE(build(s).cfg);
  }
  SUBCASE("unknown framing") {
    auto s = withCa(caFile);
    s.framing = "auto";  // a receiver mode, not a sender one
    auto b = build(s);
    CHECK_FALSE(b.cfg);
    CHECK(b.err.find("'framing'") != std::string::npos);
  }
  SUBCASE("unknown authMode") {
    auto s = withCa(caFile);
    s.tlsSettings.authMode = "x509/whatever";
    auto b = build(s);
    CHECK(b.err.find("'tls.authMode'") != std::string::npos);
  }
  SUBCASE("unreadable caFile") {
    auto b = build(withCa(dir.file("missing.pem")));
    CHECK_FALSE(b.cfg);
    CHECK(b.err.find("parameter 'tls.caFile': cannot read '" + dir.file("missing.pem") + "': ") == 0);
  }
  SUBCASE("x509 needs a CA") {
    ActionSettings s;
    s.targets = {"logs.example.net"};
    auto b = build(s);
    CHECK(b.err.find("parameter 'tls.caFile': ") == 0);
    CHECK(b.err.find("required") != std::string::npos);
  }
  SUBCASE("certFile without keyFile") {
    auto leaf = ca.issue({"client.example.net"});
    auto s = withCa(caFile);
    s.tlsSettings.certFile = leaf.cert;
    auto b = build(s);
    CHECK_FALSE(b.cfg);
    CHECK((b.err.find("parameter 'tls.keyFile': ") == 0 || b.err.find("parameter 'tls.certFile': ") == 0));
  }
  SUBCASE("tls off toward a remote host") {
    ActionSettings s;
    s.targets = {"127.0.0.1", "logs.example.net"};
    s.tls = false;
    auto b = build(s);
    CHECK_FALSE(b.cfg);
    CHECK(b.err.find("'tls'") != std::string::npos);
    CHECK(b.err.find("logs.example.net") != std::string::npos);
  }
  SUBCASE("fingerprint mode needs a pin") {
    auto s = withCa(caFile);
    s.tlsSettings.authMode = "x509/fingerprint";
    auto b = build(s);
    CHECK(b.err.find("parameter 'tls.permittedPeer': ") == 0);
  }
  SUBCASE("invalid internationalised target, server name or permitted peer") {
    auto s = withCa(caFile, {"logs.example.net", "-b\xc3\xbc" "cher.example"});
    auto b = build(s);
    CHECK_FALSE(b.cfg);
    CHECK_MESSAGE(b.err.find("parameter 'target': '-b\xc3\xbc" "cher.example': not a valid internationalised "
                             "domain name") == 0, b.err);
    s = withCa(caFile);
    s.tlsSettings.serverName = "-b\xc3\xbc" "cher.example";
    b = build(s);
    CHECK_FALSE(b.cfg);
    CHECK_MESSAGE(b.err.find("parameter 'tls.serverName': '-b\xc3\xbc" "cher.example': not a valid") == 0, b.err);
    s = withCa(caFile);
    s.tlsSettings.permittedPeers = std::vector<std::string>{"-b\xc3\xbc" "cher.example"};
    b = build(s);
    CHECK_FALSE(b.cfg);
    CHECK_MESSAGE(b.err.find("parameter 'tls.permittedPeer': permitted peer '-b\xc3\xbc" "cher.example': not a "
                             "valid") == 0, b.err);
    // valid ones are accepted and kept as given (the runtime converts them)
    s = withCa(caFile, {"b\xc3\xbc" "cher.example"});
    s.tlsSettings.serverName = "stra\xc3\x9f" "e.example";
    b = build(s);
    REQUIRE_MESSAGE(b.cfg, b.err);
    CHECK(b.cfg->targets()[0].host == "b\xc3\xbc" "cher.example");
  }
  SUBCASE("handshake timeout 0") {
    auto s = withCa(caFile);
    s.tlsSettings.handshakeTimeout = 0;
    auto b = build(s);
    CHECK_FALSE(b.cfg);
    CHECK(b.err.find("parameter 'tls.handshakeTimeout': out of range (was 0") == 0);
  }
}

TEST_CASE("tls.serverName is the SNI and the default permitted peer") {
  testcerts::TempDir dir;
  testcerts::Ca ca(dir);
  SUBCASE("set: every target is checked against it") {
    auto s = withCa(ca.cert_file(), {"127.0.0.1", "::1"});
    s.tlsSettings.serverName = "logs.example.com";
    auto b = build(s);
    REQUIRE(b.cfg);
    REQUIRE(b.cfg->targets().size() == 2);
    CHECK(b.cfg->targets()[0].host == "127.0.0.1");
    CHECK(b.cfg->targets()[0].serverName == "logs.example.com");
    CHECK(b.cfg->targets()[1].serverName == "logs.example.com");
  }
  SUBCASE("unset: each target is its own server name") {
    auto b = build(withCa(ca.cert_file(), {"a.example.net", "127.0.0.1"}));
    REQUIRE(b.cfg);
    CHECK(b.cfg->targets()[0].serverName == "a.example.net");
    CHECK(b.cfg->targets()[1].serverName == "127.0.0.1");
  }
  SUBCASE("an empty value means unset") {
    auto s = withCa(ca.cert_file(), {"a.example.net"});
    s.tlsSettings.serverName = "";
    auto b = build(s);
    REQUIRE(b.cfg);
    CHECK(b.cfg->targets()[0].serverName == "a.example.net");
  }
}

TEST_CASE("valid settings: defaults, module defaults, warnings") {
  testcerts::TempDir dir;
  testcerts::Ca ca(dir);

  SUBCASE("contract defaults") {
    auto b = build(withCa(ca.cert_file(), {"a.example.net", "192.0.2.7"}));
    REQUIRE(b.cfg);
    CHECK(b.cfg->port() == 6514);
    CHECK(b.cfg->framing() == SYSLOGTLS_FRAMING_OCTET_COUNTED);
    CHECK(b.cfg->connectTimeoutMs() == 10000);
    CHECK(b.cfg->failbackIntervalMs() == 60000);
    CHECK(b.cfg->templateName() == "RSYSLOG_SyslogProtocol23Format");
    CHECK(b.cfg->statsName() == "omtls(a.example.net)");
    REQUIRE(b.cfg->targets().size() == 2);
    CHECK(b.cfg->targets()[1].serverName == "192.0.2.7");  // IP: matched by IP SAN, no SNI
    CHECK(b.warnings.empty());
  }
  SUBCASE("module defaults apply; an empty action value clears them") {
    TlsDefaults md;
    md.caFile = ca.cert_file();
    md.certFile = dir.file("nonexistent-cert.pem");
    md.keyFile = dir.file("nonexistent-key.pem");
    ActionSettings s;
    s.targets = {"logs.example.net"};
    CHECK_FALSE(build(s, md).cfg);  // module's unreadable cert is used
    s.tlsSettings.certFile = "";
    s.tlsSettings.keyFile = "";
    auto b = build(s, md);
    CHECK(b.cfg);
    CHECK_FALSE(b.cfg->targets()[0].hasClientCert);
  }
  SUBCASE("anon and tls off warn") {
    ActionSettings s;
    s.targets = {"logs.example.net"};
    s.tlsSettings.authMode = "anon";
    auto b = build(s);
    REQUIRE(b.cfg);
    REQUIRE(b.warnings.size() == 1);
    CHECK(b.warnings[0].find("anon") != std::string::npos);
    ActionSettings p;
    p.targets = {"localhost"};
    p.tls = false;
    auto c = build(p);
    REQUIRE(c.cfg);
    CHECK_FALSE(c.cfg->tls());
    CHECK(c.warnings.size() == 1);
  }
  SUBCASE("a bracketed IPv6 literal") {
    auto b = build(withCa(ca.cert_file(), {"[::1]"}));
    REQUIRE(b.cfg);
    CHECK(b.cfg->targets()[0].host == "::1");
  }
  SUBCASE("action name names the statistics") {
    auto s = withCa(ca.cert_file());
    s.actionName = "fwd";
    CHECK(build(s).cfg->statsName() == "omtls(fwd)");
  }
}
