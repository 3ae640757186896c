// tls_config_test.cpp - loading TLS settings: files, PEM, priority, policy, C API.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "capi_tls.hpp"
#include "error.hpp"
#include "idna.hpp"
#include "test_certs.hpp"
#include "tls_config.hpp"

using syslogtls::Error;
using syslogtls::TlsConfig;

namespace {

// Runs fn; returns the Error code it threw (0 if none) and its text.
template <typename Fn>
int code_of(Fn&& fn, std::string* text) {
  try {
    fn();
  } catch (const Error& e) {
    *text = e.what();
    return e.code();
  }
  text->clear();
  return 0;
}

bool has(const std::string& text, const std::string& words) { return text.find(words) != std::string::npos; }

struct Fixture {
  testcerts::TempDir dir;
  testcerts::Ca ca{dir};
  testcerts::CertFiles leaf = ca.issue({"server.example.net", {"server.example.net"}, {"127.0.0.1"}});
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "a complete server config with the default priority loads") {
  TlsConfig cfg(SYSLOGTLS_ROLE_SERVER);
  cfg.set_ca_file(ca.cert_file());
  cfg.set_cert_file(leaf.cert);
  cfg.set_key_file(leaf.key);
  CHECK_FALSE(cfg.loaded());
  CHECK(cfg.gnutls_credentials() == nullptr);
  cfg.load();
  CHECK(cfg.loaded());
  CHECK(cfg.gnutls_credentials() != nullptr);
  CHECK(cfg.gnutls_priority() != nullptr);
  CHECK(cfg.auth_mode() == SYSLOGTLS_AUTH_X509_CERTVALID);
  CHECK(cfg.handshake_timeout_ms() == 10000);
  std::string text;
  CHECK(code_of([&] { cfg.set_ca_file("/x"); }, &text) == SYSLOGTLS_E_STATE);
  CHECK(code_of([&] { cfg.load(); }, &text) == SYSLOGTLS_E_STATE);
}

TEST_CASE_FIXTURE(Fixture, "missing files are named with their setting") {
  std::string text;
  TlsConfig a(SYSLOGTLS_ROLE_CLIENT);
  a.set_ca_file(dir.file("nope-ca.pem"));
  CHECK(code_of([&] { a.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(text == "cannot read '" + dir.file("nope-ca.pem") + "': No such file or directory");
  CHECK(a.failed_setting() == SYSLOGTLS_SETTING_CA_FILE);
  CHECK_FALSE(a.loaded());

  TlsConfig b(SYSLOGTLS_ROLE_SERVER);
  b.set_ca_file(ca.cert_file());
  b.set_cert_file(leaf.cert);
  b.set_key_file("/nonexistent/key.pem");
  CHECK(code_of([&] { b.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(text == "cannot read '/nonexistent/key.pem': No such file or directory");
  CHECK(b.failed_setting() == SYSLOGTLS_SETTING_KEY_FILE);

  TlsConfig c(SYSLOGTLS_ROLE_SERVER);
  c.set_ca_file(ca.cert_file());
  c.set_cert_file(dir.path());  // a directory
  c.set_key_file(leaf.key);
  CHECK(code_of([&] { c.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(has(text, "cannot read '" + dir.path() + "': Is a directory"));
  CHECK(c.failed_setting() == SYSLOGTLS_SETTING_CERT_FILE);
}

TEST_CASE_FIXTURE(Fixture, "bad PEM is refused per file") {
  std::string junk = dir.write("junk.pem", "this is not PEM\n");
  std::string text;
  TlsConfig a(SYSLOGTLS_ROLE_CLIENT);
  a.set_ca_file(junk);
  CHECK(code_of([&] { a.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(has(text, "CA file '" + junk + "': not a PEM certificate"));
  CHECK(a.failed_setting() == SYSLOGTLS_SETTING_CA_FILE);

  TlsConfig b(SYSLOGTLS_ROLE_SERVER);
  b.set_ca_file(ca.cert_file());
  b.set_cert_file(junk);
  b.set_key_file(leaf.key);
  CHECK(code_of([&] { b.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(text == "certificate file '" + junk + "': not a PEM certificate");
  CHECK(b.failed_setting() == SYSLOGTLS_SETTING_CERT_FILE);

  // a key where the certificate should be, and the other way round
  TlsConfig c(SYSLOGTLS_ROLE_SERVER);
  c.set_ca_file(ca.cert_file());
  c.set_cert_file(leaf.key);
  c.set_key_file(leaf.cert);
  CHECK(code_of([&] { c.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(has(text, "certificate file '" + leaf.key + "': not a PEM certificate"));

  TlsConfig d(SYSLOGTLS_ROLE_SERVER);
  d.set_ca_file(ca.cert_file());
  d.set_cert_file(leaf.cert);
  d.set_key_file(junk);
  CHECK(code_of([&] { d.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(has(text, "private key file '" + junk + "': not a PEM private key"));
  CHECK(d.failed_setting() == SYSLOGTLS_SETTING_KEY_FILE);
}

TEST_CASE_FIXTURE(Fixture, "a key that does not belong to the certificate is refused") {
  auto other = ca.issue({"other"});
  TlsConfig cfg(SYSLOGTLS_ROLE_SERVER);
  cfg.set_ca_file(ca.cert_file());
  cfg.set_cert_file(leaf.cert);
  cfg.set_key_file(other.key);
  std::string text;
  CHECK(code_of([&] { cfg.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(text == "private key file '" + other.key + "' does not match certificate file '" + leaf.cert + "'");
  CHECK(cfg.failed_setting() == SYSLOGTLS_SETTING_KEY_FILE);
}

TEST_CASE_FIXTURE(Fixture, "bad priority strings name the position") {
  TlsConfig cfg(SYSLOGTLS_ROLE_CLIENT);
  cfg.set_ca_file(ca.cert_file());
  cfg.set_priority("NORMAL:+VERS-TLS1.2:+BOGUS-THING");
  std::string text;
  CHECK(code_of([&] { cfg.load(); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "priority string 'NORMAL:+VERS-TLS1.2:+BOGUS-THING': invalid at position 20"));
  CHECK(cfg.failed_setting() == SYSLOGTLS_SETTING_PRIORITY);
  CHECK(has(text, "BOGUS-THING"));
  CHECK_FALSE(cfg.loaded());
  TlsConfig ok(SYSLOGTLS_ROLE_CLIENT);
  ok.set_ca_file(ca.cert_file());
  ok.set_priority("NORMAL");
  CHECK_NOTHROW(ok.load());
}

TEST_CASE_FIXTURE(Fixture, "policy: certificate and key go together, servers need both, x509 needs a CA") {
  std::string text;
  TlsConfig a(SYSLOGTLS_ROLE_CLIENT);
  a.set_ca_file(ca.cert_file());
  a.set_cert_file(leaf.cert);
  CHECK(code_of([&] { a.load(); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(text == "required: certificate file '" + leaf.cert + "' needs its private key");
  CHECK(a.failed_setting() == SYSLOGTLS_SETTING_KEY_FILE);

  TlsConfig b(SYSLOGTLS_ROLE_CLIENT);
  b.set_ca_file(ca.cert_file());
  b.set_key_file(leaf.key);
  CHECK(code_of([&] { b.load(); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(text == "required: private key file '" + leaf.key + "' needs its certificate");
  CHECK(b.failed_setting() == SYSLOGTLS_SETTING_CERT_FILE);

  TlsConfig c(SYSLOGTLS_ROLE_SERVER);
  c.set_ca_file(ca.cert_file());
  CHECK(code_of([&] { c.load(); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "required for a TLS server"));
  CHECK(c.failed_setting() == SYSLOGTLS_SETTING_CERT_FILE);

  TlsConfig d(SYSLOGTLS_ROLE_CLIENT);
  d.set_auth_mode(SYSLOGTLS_AUTH_X509_NAME);
  CHECK(code_of([&] { d.load(); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(text == "required for authentication mode \"x509/name\" (or use \"x509/fingerprint\" or \"anon\")");
  CHECK(d.failed_setting() == SYSLOGTLS_SETTING_CA_FILE);

  TlsConfig e(SYSLOGTLS_ROLE_CLIENT);
  e.set_auth_mode(SYSLOGTLS_AUTH_X509_FINGERPRINT);
  CHECK(code_of([&] { e.load(); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "needs at least one permitted fingerprint"));
  CHECK(e.failed_setting() == SYSLOGTLS_SETTING_PERMITTED_PEER);

  TlsConfig f(SYSLOGTLS_ROLE_SERVER);
  f.set_ca_file(ca.cert_file());
  f.set_cert_file(leaf.cert);
  f.set_key_file(leaf.key);
  f.set_auth_mode(SYSLOGTLS_AUTH_X509_NAME);
  CHECK(code_of([&] { f.load(); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "permitted peer name"));
  CHECK(f.failed_setting() == SYSLOGTLS_SETTING_PERMITTED_PEER);
  f.add_permitted_peer("*.example.net");
  CHECK(f.failed_setting() == SYSLOGTLS_SETTING_NONE);  // a successful setter clears it
  CHECK_NOTHROW(f.load());
  CHECK(f.failed_setting() == SYSLOGTLS_SETTING_NONE);

  TlsConfig anon(SYSLOGTLS_ROLE_CLIENT);  // anon client: nothing needed
  anon.set_auth_mode(SYSLOGTLS_AUTH_ANON);
  CHECK_NOTHROW(anon.load());
}

TEST_CASE("permitted peers: names, IPs and fingerprints are sorted; bad ones refused") {
  TlsConfig cfg(SYSLOGTLS_ROLE_SERVER);
  std::string text;
  cfg.add_permitted_peer("a.example.net");
  cfg.add_permitted_peer("*.example.org");
  cfg.add_permitted_peer("::1");
  cfg.add_permitted_peer("sha-1:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33");
  CHECK(cfg.permitted_names() == std::vector<std::string>{"a.example.net", "*.example.org", "::1"});
  CHECK(cfg.permitted_fingerprints().size() == 1);
  CHECK(code_of([&] { cfg.add_permitted_peer("SHA256:00:11"); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "permitted peer 'SHA256:00:11': a SHA256 fingerprint has 32 bytes"));
  CHECK(code_of([&] { cfg.add_permitted_peer("f*o.example.net"); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "permitted peer 'f*o.example.net': wildcard"));
  CHECK(code_of([&] { cfg.set_auth_mode(7); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(code_of([&] { TlsConfig bad(5); }, &text) == SYSLOGTLS_E_INVAL);
}

TEST_CASE("permitted peers: internationalised names become A-labels; invalid ones are refused") {
  TlsConfig cfg(SYSLOGTLS_ROLE_SERVER);
  std::string text;
  cfg.add_permitted_peer("bücher.example");
  cfg.add_permitted_peer("*.Bücher.example");
  cfg.add_permitted_peer("straße.example.");
  cfg.add_permitted_peer("xn--bcher-kva.example");
  cfg.add_permitted_peer("plain.example");
  CHECK(cfg.permitted_names() == std::vector<std::string>{"xn--bcher-kva.example", "*.xn--bcher-kva.example",
                                                          "xn--strae-oqa.example.", "xn--bcher-kva.example",
                                                          "plain.example"});
  CHECK(code_of([&] { cfg.add_permitted_peer("-bücher.example"); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "permitted peer '-bücher.example': not a valid internationalised domain name"));
  CHECK(cfg.failed_setting() == SYSLOGTLS_SETTING_PERMITTED_PEER);
  CHECK(code_of([&] { cfg.add_permitted_peer("b\xfc.example"); }, &text) == SYSLOGTLS_E_INVAL);  // Latin-1, not UTF-8
  CHECK(has(text, "not a valid internationalised domain name"));
  CHECK(code_of([&] { cfg.add_permitted_peer("bü cher.example"); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "blanks"));
  CHECK(code_of([&] { cfg.add_permitted_peer("f*ü.example"); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "wildcard"));
  CHECK(cfg.permitted_names().size() == 5);
}

TEST_CASE("to_alabel: U-labels to A-labels through GnuTLS") {
  std::string out, why;
  CHECK(syslogtls::to_alabel("bücher.example", &out, &why));
  CHECK(out == "xn--bcher-kva.example");
  CHECK(syslogtls::to_alabel("BÜCHER.Example", &out, &why));
  CHECK(out == "xn--bcher-kva.example");
  CHECK(syslogtls::to_alabel("*.bücher.example", &out, &why));
  CHECK(out == "*.xn--bcher-kva.example");
  CHECK(syslogtls::to_alabel("Plain.Example", &out, &why));
  CHECK(out == "Plain.Example");  // ASCII: unchanged
  CHECK_FALSE(syslogtls::to_alabel("-bücher.example", &out, &why));
  CHECK(has(why, "not a valid internationalised domain name (IDNA2008)"));
  CHECK_FALSE(syslogtls::to_alabel("\xff\xfe.example", &out, &why));
  CHECK(syslogtls::is_ascii("a.example"));
  CHECK_FALSE(syslogtls::is_ascii("ü"));
}

TEST_CASE("accept wildcard certificates: default on, settable before load, named as a setting") {
  TlsConfig cfg(SYSLOGTLS_ROLE_CLIENT);
  CHECK(cfg.accept_wildcard_certificates());
  cfg.set_accept_wildcard_certificates(false);
  CHECK_FALSE(cfg.accept_wildcard_certificates());
  syslogtls_tls_config* c = nullptr;
  REQUIRE(syslogtls_tls_config_new(&c, SYSLOGTLS_ROLE_CLIENT) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_set_accept_wildcard_certificates(c, 0) == SYSLOGTLS_OK);
  CHECK_FALSE(c->rep->accept_wildcard_certificates());
  CHECK(syslogtls_tls_config_set_accept_wildcard_certificates(c, 7) == SYSLOGTLS_OK);
  CHECK(c->rep->accept_wildcard_certificates());
  CHECK(syslogtls_tls_config_set_auth_mode(c, SYSLOGTLS_AUTH_ANON) == SYSLOGTLS_OK);
  REQUIRE(syslogtls_tls_config_load(c) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_set_accept_wildcard_certificates(c, 0) == SYSLOGTLS_E_STATE);
  CHECK(syslogtls_tls_config_set_accept_wildcard_certificates(nullptr, 0) == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_tls_config_add_permitted_peer(c, "x.example") == SYSLOGTLS_E_STATE);
  syslogtls_tls_config_free(c);
  syslogtls_tls_config* d = nullptr;
  REQUIRE(syslogtls_tls_config_new(&d, SYSLOGTLS_ROLE_SERVER) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_add_permitted_peer(d, "-bücher.example") == SYSLOGTLS_E_INVAL);
  CHECK(has(syslogtls_errmsg(), "permitted peer '-bücher.example': not a valid internationalised domain name"));
  CHECK(syslogtls_tls_config_failed_setting(d) == SYSLOGTLS_SETTING_PERMITTED_PEER);
  syslogtls_tls_config_free(d);
}

TEST_CASE_FIXTURE(Fixture, "C API: config lifecycle, auth mode names, errors through syslogtls_errmsg") {
  syslogtls_tls_config* cfg = nullptr;
  REQUIRE(syslogtls_tls_config_new(&cfg, SYSLOGTLS_ROLE_SERVER) == SYSLOGTLS_OK);
  REQUIRE(cfg != nullptr);
  CHECK(syslogtls_tls_config_set_ca_file(cfg, ca.cert_file().c_str()) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_set_cert_file(cfg, leaf.cert.c_str()) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_set_key_file(cfg, "/nonexistent/k.pem") == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_set_priority(cfg, nullptr) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_add_permitted_peer(cfg, "SHA1:zz") == SYSLOGTLS_E_INVAL);
  CHECK(has(syslogtls_errmsg(), "permitted peer 'SHA1:zz'"));
  CHECK(syslogtls_tls_config_failed_setting(cfg) == SYSLOGTLS_SETTING_PERMITTED_PEER);
  CHECK(syslogtls_tls_config_load(cfg) == SYSLOGTLS_E_FILE);
  CHECK(std::string(syslogtls_errmsg()) == "cannot read '/nonexistent/k.pem': No such file or directory");
  CHECK(syslogtls_tls_config_failed_setting(cfg) == SYSLOGTLS_SETTING_KEY_FILE);
  CHECK_THROWS_AS(syslogtls::loaded_config(cfg), Error);
  CHECK(syslogtls_tls_config_set_key_file(cfg, leaf.key.c_str()) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_set_handshake_timeout(cfg, 2500) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_load(cfg) == SYSLOGTLS_OK);
  CHECK(std::string(syslogtls_errmsg()).empty());
  CHECK(syslogtls_tls_config_failed_setting(cfg) == SYSLOGTLS_SETTING_NONE);
  auto shared = syslogtls::loaded_config(cfg);
  CHECK(shared->handshake_timeout_ms() == 2500);
  CHECK(syslogtls_tls_config_set_auth_mode(cfg, SYSLOGTLS_AUTH_ANON) == SYSLOGTLS_E_STATE);
  syslogtls_tls_config_free(cfg);
  CHECK(shared->loaded());  // the reference outlives the handle
  syslogtls_tls_config_free(nullptr);

  CHECK(syslogtls_tls_config_new(nullptr, SYSLOGTLS_ROLE_CLIENT) == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_tls_config_new(&cfg, 9) == SYSLOGTLS_E_INVAL);
  CHECK(cfg == nullptr);
  CHECK(syslogtls_tls_config_load(nullptr) == SYSLOGTLS_E_INVAL);

  int mode = -1;
  CHECK(syslogtls_auth_mode_parse("anon", &mode) == SYSLOGTLS_OK);
  CHECK(mode == SYSLOGTLS_AUTH_ANON);
  CHECK(syslogtls_auth_mode_parse("X509/CertValid", &mode) == SYSLOGTLS_OK);
  CHECK(mode == SYSLOGTLS_AUTH_X509_CERTVALID);
  CHECK(syslogtls_auth_mode_parse("x509/name", &mode) == SYSLOGTLS_OK);
  CHECK(mode == SYSLOGTLS_AUTH_X509_NAME);
  CHECK(syslogtls_auth_mode_parse("x509/fingerprint", &mode) == SYSLOGTLS_OK);
  CHECK(mode == SYSLOGTLS_AUTH_X509_FINGERPRINT);
  CHECK(syslogtls_auth_mode_parse("x509", &mode) == SYSLOGTLS_E_INVAL);
  CHECK(has(syslogtls_errmsg(), "authentication mode \"x509\": unknown"));
  CHECK(syslogtls_auth_mode_parse(nullptr, &mode) == SYSLOGTLS_E_INVAL);
}

TEST_CASE_FIXTURE(Fixture, "C API: failed_setting names the setting of each failure; texts use the runtime's words") {
  std::string junk = dir.write("junk2.pem", "not PEM\n");
  struct Case {
    const char* what;
    int setting;
    void (*setup)(syslogtls_tls_config*, const Fixture&, const std::string&);
  };
  const Case cases[] = {
      {"CA not PEM", SYSLOGTLS_SETTING_CA_FILE,
       [](syslogtls_tls_config* c, const Fixture&, const std::string& j) { syslogtls_tls_config_set_ca_file(c, j.c_str()); }},
      {"CA missing for x509", SYSLOGTLS_SETTING_CA_FILE,
       [](syslogtls_tls_config* c, const Fixture&, const std::string&) {
         syslogtls_tls_config_set_auth_mode(c, SYSLOGTLS_AUTH_X509_NAME);
       }},
      {"certificate unreadable", SYSLOGTLS_SETTING_CERT_FILE,
       [](syslogtls_tls_config* c, const Fixture& f, const std::string&) {
         syslogtls_tls_config_set_ca_file(c, f.ca.cert_file().c_str());
         syslogtls_tls_config_set_cert_file(c, "/nonexistent/c.pem");
         syslogtls_tls_config_set_key_file(c, f.leaf.key.c_str());
       }},
      {"key without certificate", SYSLOGTLS_SETTING_CERT_FILE,
       [](syslogtls_tls_config* c, const Fixture& f, const std::string&) {
         syslogtls_tls_config_set_ca_file(c, f.ca.cert_file().c_str());
         syslogtls_tls_config_set_key_file(c, f.leaf.key.c_str());
       }},
      {"key not PEM", SYSLOGTLS_SETTING_KEY_FILE,
       [](syslogtls_tls_config* c, const Fixture& f, const std::string& j) {
         syslogtls_tls_config_set_ca_file(c, f.ca.cert_file().c_str());
         syslogtls_tls_config_set_cert_file(c, f.leaf.cert.c_str());
         syslogtls_tls_config_set_key_file(c, j.c_str());
       }},
      {"bad priority", SYSLOGTLS_SETTING_PRIORITY,
       [](syslogtls_tls_config* c, const Fixture& f, const std::string&) {
         syslogtls_tls_config_set_ca_file(c, f.ca.cert_file().c_str());
         syslogtls_tls_config_set_priority(c, "NORMAL:+NOPE");
       }},
      {"fingerprint mode without pins", SYSLOGTLS_SETTING_PERMITTED_PEER,
       [](syslogtls_tls_config* c, const Fixture&, const std::string&) {
         syslogtls_tls_config_set_auth_mode(c, SYSLOGTLS_AUTH_X509_FINGERPRINT);
       }},
  };
  for (const Case& k : cases) {
    INFO(k.what);
    syslogtls_tls_config* cfg = nullptr;
    REQUIRE(syslogtls_tls_config_new(&cfg, SYSLOGTLS_ROLE_CLIENT) == SYSLOGTLS_OK);
    k.setup(cfg, *this, junk);
    CHECK(syslogtls_tls_config_load(cfg) != SYSLOGTLS_OK);
    const std::string msg = syslogtls_errmsg();
    INFO(msg);
    CHECK_FALSE(msg.empty());
    CHECK(syslogtls_tls_config_failed_setting(cfg) == k.setting);
    CHECK_FALSE(has(msg, "tls."));
    syslogtls_tls_config_free(cfg);
  }

  syslogtls_tls_config* cfg = nullptr;
  REQUIRE(syslogtls_tls_config_new(&cfg, SYSLOGTLS_ROLE_CLIENT) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_set_ca_file(cfg, "") == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_tls_config_failed_setting(cfg) == SYSLOGTLS_SETTING_CA_FILE);
  CHECK(syslogtls_tls_config_set_auth_mode(cfg, 42) == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_tls_config_failed_setting(cfg) == SYSLOGTLS_SETTING_AUTH_MODE);
  CHECK_FALSE(has(syslogtls_errmsg(), "tls."));
  CHECK(syslogtls_tls_config_add_permitted_peer(cfg, "a.*.example.net") == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_tls_config_failed_setting(cfg) == SYSLOGTLS_SETTING_PERMITTED_PEER);
  CHECK(syslogtls_tls_config_set_handshake_timeout(cfg, 100) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_failed_setting(cfg) == SYSLOGTLS_SETTING_NONE);
  syslogtls_tls_config_free(cfg);
  CHECK(syslogtls_tls_config_failed_setting(nullptr) == SYSLOGTLS_SETTING_NONE);
}

TEST_CASE("setting and reason names are the runtime's words") {
  CHECK(std::string(syslogtls_setting_name(SYSLOGTLS_SETTING_CA_FILE)) == "CA file");
  CHECK(std::string(syslogtls_setting_name(SYSLOGTLS_SETTING_CERT_FILE)) == "certificate file");
  CHECK(std::string(syslogtls_setting_name(SYSLOGTLS_SETTING_KEY_FILE)) == "private key file");
  CHECK(std::string(syslogtls_setting_name(SYSLOGTLS_SETTING_PRIORITY)) == "priority string");
  CHECK(std::string(syslogtls_setting_name(SYSLOGTLS_SETTING_AUTH_MODE)) == "authentication mode");
  CHECK(std::string(syslogtls_setting_name(SYSLOGTLS_SETTING_PERMITTED_PEER)) == "permitted peer");
  CHECK(std::string(syslogtls_setting_name(SYSLOGTLS_SETTING_HANDSHAKE_TIMEOUT)) == "handshake timeout");
  CHECK(std::string(syslogtls_setting_name(SYSLOGTLS_SETTING_ACCEPT_WILDCARD)) == "wildcard certificates");
  CHECK(std::string(syslogtls_setting_name(SYSLOGTLS_SETTING_CRL_FILE)) == "CRL file");
  CHECK(SYSLOGTLS_SETTING_CRL_FILE == 8);
  CHECK(std::string(syslogtls_setting_name(10)) == "unknown setting");
  CHECK(std::string(syslogtls_setting_name(99)) == "unknown setting");
  for (int r = SYSLOGTLS_REASON_NONE; r <= SYSLOGTLS_REASON_PROXY_UNTRUSTED; ++r) {
    INFO(r);
    const std::string name = syslogtls_reason_name(r);
    CHECK_FALSE(name.empty());
    CHECK(name != "unknown reason");
  }
  CHECK(std::string(syslogtls_reason_name(SYSLOGTLS_REASON_UNTRUSTED)) == "certificate not trusted");
  CHECK(std::string(syslogtls_reason_name(SYSLOGTLS_REASON_REVOKED)) == "certificate revoked");
  CHECK(std::string(syslogtls_reason_name(-1)) == "unknown reason");
  CHECK(std::string(syslogtls_reason_name(SYSLOGTLS_REASON_WILDCARD_REFUSED)) == "wildcard certificate refused");
  CHECK(std::string(syslogtls_reason_name(SYSLOGTLS_REASON_EVICTED)) == "pending handshake evicted");
  CHECK(std::string(syslogtls_reason_name(27)) == "unknown reason");
}

TEST_CASE("syslogtls_host_to_ascii: A-labels for a caller, size protocol, errors") {
  char buf[64];
  size_t len = 0;
  CHECK(syslogtls_host_to_ascii("bücher.example", buf, sizeof buf, &len) == SYSLOGTLS_OK);
  CHECK(std::string(buf) == "xn--bcher-kva.example");
  CHECK(len == std::string("xn--bcher-kva.example").size());
  CHECK(syslogtls_host_to_ascii("192.0.2.1", buf, sizeof buf, &len) == SYSLOGTLS_OK);
  CHECK(std::string(buf) == "192.0.2.1");
  CHECK(syslogtls_host_to_ascii("*.bücher.example", buf, sizeof buf, &len) == SYSLOGTLS_OK);
  CHECK(std::string(buf) == "*.xn--bcher-kva.example");
  std::memset(buf, 'x', sizeof buf);
  CHECK(syslogtls_host_to_ascii("bücher.example", buf, 21, &len) == SYSLOGTLS_E_SPACE);
  CHECK(len == 21);
  CHECK(buf[0] == 'x');
  CHECK(syslogtls_host_to_ascii("bücher.example", nullptr, 0, &len) == SYSLOGTLS_E_SPACE);
  CHECK(syslogtls_host_to_ascii("bücher.example", buf, 22, &len) == SYSLOGTLS_OK);
  CHECK(syslogtls_host_to_ascii("-bücher.example", buf, sizeof buf, &len) == SYSLOGTLS_E_INVAL);
  CHECK(has(syslogtls_errmsg(), "'-bücher.example': not a valid internationalised domain name"));
  CHECK(syslogtls_host_to_ascii(nullptr, buf, sizeof buf, &len) == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_host_to_ascii("a", buf, sizeof buf, nullptr) == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_host_to_ascii("a", nullptr, 5, &len) == SYSLOGTLS_E_INVAL);
}

TEST_CASE_FIXTURE(Fixture, "CRL file: read at load, several CRLs, errors name the CRL file") {
  std::string text;
  // a good CRL loads; the setting is locked afterwards
  const std::string crl = ca.crl({leaf.cert});
  TlsConfig ok(SYSLOGTLS_ROLE_SERVER);
  ok.set_ca_file(ca.cert_file());
  ok.set_cert_file(leaf.cert);
  ok.set_key_file(leaf.key);
  ok.set_crl_file(crl);
  CHECK(ok.crl_file() == crl);
  ok.load();
  CHECK(ok.loaded());
  CHECK(code_of([&] { ok.set_crl_file(crl); }, &text) == SYSLOGTLS_E_STATE);

  // two CRLs in one file (two CAs) load
  testcerts::Ca other(dir, "other CA");
  auto foreign = other.issue({"foreign"});
  std::string both_ca = dir.write("both-ca.pem", testcerts::read_text(ca.cert_file()) +
                                                     testcerts::read_text(other.cert_file()));
  std::string two = dir.write("two-crls.pem", testcerts::read_text(crl) +
                                                  testcerts::read_text(other.crl({foreign.cert})));
  TlsConfig pair(SYSLOGTLS_ROLE_CLIENT);
  pair.set_ca_file(both_ca);
  pair.set_crl_file(two);
  CHECK(code_of([&] { pair.load(); }, &text) == 0);
  CHECK(text.empty());

  // missing file
  TlsConfig a(SYSLOGTLS_ROLE_CLIENT);
  a.set_ca_file(ca.cert_file());
  a.set_crl_file(dir.file("nope-crl.pem"));
  CHECK(code_of([&] { a.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(text == "CRL file '" + dir.file("nope-crl.pem") + "': No such file or directory");
  CHECK(a.failed_setting() == SYSLOGTLS_SETTING_CRL_FILE);
  CHECK_FALSE(a.loaded());

  // a file without a CRL: a certificate, plain text, an empty file
  for (const std::string& bad : {ca.cert_file(), dir.write("junk-crl.pem", "not a CRL\n"), dir.write("empty.pem", "")}) {
    INFO(bad);
    TlsConfig b(SYSLOGTLS_ROLE_CLIENT);
    b.set_ca_file(ca.cert_file());
    b.set_crl_file(bad);
    CHECK(code_of([&] { b.load(); }, &text) == SYSLOGTLS_E_FILE);
    CHECK(text == "CRL file '" + bad + "': no CRL found (no \"BEGIN X509 CRL\" block)");
    CHECK(b.failed_setting() == SYSLOGTLS_SETTING_CRL_FILE);
  }

  // a damaged CRL block
  std::string damaged = dir.write("damaged-crl.pem", "-----BEGIN X509 CRL-----\nAAAA!!!!\n-----END X509 CRL-----\n");
  TlsConfig c(SYSLOGTLS_ROLE_CLIENT);
  c.set_ca_file(ca.cert_file());
  c.set_crl_file(damaged);
  CHECK(code_of([&] { c.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(has(text, "CRL file '" + damaged + "': not a PEM CRL ("));
  CHECK(c.failed_setting() == SYSLOGTLS_SETTING_CRL_FILE);

  // a CRL without a CA file, in every mode that would otherwise load
  for (int mode : {SYSLOGTLS_AUTH_ANON, SYSLOGTLS_AUTH_X509_FINGERPRINT, SYSLOGTLS_AUTH_X509_CERTVALID}) {
    INFO(mode);
    TlsConfig d(SYSLOGTLS_ROLE_CLIENT);
    d.set_auth_mode(mode);
    if (mode == SYSLOGTLS_AUTH_X509_FINGERPRINT) d.add_permitted_peer(leaf.sha256);
    d.set_crl_file(crl);
    CHECK(code_of([&] { d.load(); }, &text) == SYSLOGTLS_E_INVAL);
    CHECK(text == "required: CRL file '" + crl + "' needs a CA file (the CAs that issued its CRLs)");
    CHECK(d.failed_setting() == SYSLOGTLS_SETTING_CRL_FILE);
    CHECK_FALSE(d.loaded());
  }
}

TEST_CASE_FIXTURE(Fixture, "C API: syslogtls_tls_config_set_crl_file, NULL and \"\" mean none") {
  syslogtls_tls_config* cfg = nullptr;
  REQUIRE(syslogtls_tls_config_new(&cfg, SYSLOGTLS_ROLE_CLIENT) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_set_crl_file(nullptr, "/x") == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_tls_config_set_ca_file(cfg, ca.cert_file().c_str()) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_set_crl_file(cfg, dir.file("missing-crl.pem").c_str()) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_load(cfg) == SYSLOGTLS_E_FILE);
  CHECK(std::string(syslogtls_errmsg()) == "CRL file '" + dir.file("missing-crl.pem") + "': No such file or directory");
  CHECK(syslogtls_tls_config_failed_setting(cfg) == SYSLOGTLS_SETTING_CRL_FILE);
  // "" removes it again, and so does NULL
  CHECK(syslogtls_tls_config_set_crl_file(cfg, "") == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_set_crl_file(cfg, nullptr) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_load(cfg) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_set_crl_file(cfg, "/x") == SYSLOGTLS_E_STATE);
  syslogtls_tls_config_free(cfg);
}
