// tls_config_test.cpp - loading TLS settings: files, PEM, priority, policy, C API.
#include <doctest/doctest.h>

#include <string>

#include "capi_tls.hpp"
#include "error.hpp"
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
  CHECK(text == "tls.caFile '" + dir.file("nope-ca.pem") + "': cannot read: No such file or directory");
  CHECK_FALSE(a.loaded());

  TlsConfig b(SYSLOGTLS_ROLE_SERVER);
  b.set_ca_file(ca.cert_file());
  b.set_cert_file(leaf.cert);
  b.set_key_file("/nonexistent/key.pem");
  CHECK(code_of([&] { b.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(text == "tls.keyFile '/nonexistent/key.pem': cannot read: No such file or directory");

  TlsConfig c(SYSLOGTLS_ROLE_SERVER);
  c.set_ca_file(ca.cert_file());
  c.set_cert_file(dir.path());  // a directory
  c.set_key_file(leaf.key);
  CHECK(code_of([&] { c.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(has(text, "tls.certFile '" + dir.path() + "': cannot read: Is a directory"));
}

TEST_CASE_FIXTURE(Fixture, "bad PEM is refused per file") {
  std::string junk = dir.write("junk.pem", "this is not PEM\n");
  std::string text;
  TlsConfig a(SYSLOGTLS_ROLE_CLIENT);
  a.set_ca_file(junk);
  CHECK(code_of([&] { a.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(has(text, "tls.caFile '" + junk + "': not a PEM certificate"));

  TlsConfig b(SYSLOGTLS_ROLE_SERVER);
  b.set_ca_file(ca.cert_file());
  b.set_cert_file(junk);
  b.set_key_file(leaf.key);
  CHECK(code_of([&] { b.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(text == "tls.certFile '" + junk + "': not a PEM certificate");

  // a key where the certificate should be, and the other way round
  TlsConfig c(SYSLOGTLS_ROLE_SERVER);
  c.set_ca_file(ca.cert_file());
  c.set_cert_file(leaf.key);
  c.set_key_file(leaf.cert);
  CHECK(code_of([&] { c.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(has(text, "tls.certFile '" + leaf.key + "': not a PEM certificate"));

  TlsConfig d(SYSLOGTLS_ROLE_SERVER);
  d.set_ca_file(ca.cert_file());
  d.set_cert_file(leaf.cert);
  d.set_key_file(junk);
  CHECK(code_of([&] { d.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(has(text, "tls.keyFile '" + junk + "': not a PEM private key"));
}

TEST_CASE_FIXTURE(Fixture, "a key that does not belong to the certificate is refused") {
  auto other = ca.issue({"other"});
  TlsConfig cfg(SYSLOGTLS_ROLE_SERVER);
  cfg.set_ca_file(ca.cert_file());
  cfg.set_cert_file(leaf.cert);
  cfg.set_key_file(other.key);
  std::string text;
  CHECK(code_of([&] { cfg.load(); }, &text) == SYSLOGTLS_E_FILE);
  CHECK(has(text, "private key does not match tls.certFile"));
}

TEST_CASE_FIXTURE(Fixture, "bad priority strings name the position") {
  TlsConfig cfg(SYSLOGTLS_ROLE_CLIENT);
  cfg.set_ca_file(ca.cert_file());
  cfg.set_priority("NORMAL:+VERS-TLS1.2:+BOGUS-THING");
  std::string text;
  CHECK(code_of([&] { cfg.load(); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "tls.priorityString 'NORMAL:+VERS-TLS1.2:+BOGUS-THING': invalid at position 20"));
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
  CHECK(has(text, "tls.keyFile is not set"));

  TlsConfig b(SYSLOGTLS_ROLE_CLIENT);
  b.set_ca_file(ca.cert_file());
  b.set_key_file(leaf.key);
  CHECK(code_of([&] { b.load(); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "tls.certFile is not set"));

  TlsConfig c(SYSLOGTLS_ROLE_SERVER);
  c.set_ca_file(ca.cert_file());
  CHECK(code_of([&] { c.load(); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "tls.certFile and tls.keyFile are required"));

  TlsConfig d(SYSLOGTLS_ROLE_CLIENT);
  d.set_auth_mode(SYSLOGTLS_AUTH_X509_NAME);
  CHECK(code_of([&] { d.load(); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "tls.caFile is required for tls.authMode \"x509/name\""));

  TlsConfig e(SYSLOGTLS_ROLE_CLIENT);
  e.set_auth_mode(SYSLOGTLS_AUTH_X509_FINGERPRINT);
  CHECK(code_of([&] { e.load(); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "needs at least one fingerprint"));

  TlsConfig f(SYSLOGTLS_ROLE_SERVER);
  f.set_ca_file(ca.cert_file());
  f.set_cert_file(leaf.cert);
  f.set_key_file(leaf.key);
  f.set_auth_mode(SYSLOGTLS_AUTH_X509_NAME);
  CHECK(code_of([&] { f.load(); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "permitted peer name"));
  f.add_permitted_peer("*.example.net");
  CHECK_NOTHROW(f.load());

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
  CHECK(has(text, "tls.permittedPeer 'SHA256:00:11': a SHA256 fingerprint has 32 bytes"));
  CHECK(code_of([&] { cfg.add_permitted_peer("f*o.example.net"); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(has(text, "tls.permittedPeer 'f*o.example.net': wildcard"));
  CHECK(code_of([&] { cfg.set_auth_mode(7); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(code_of([&] { TlsConfig bad(5); }, &text) == SYSLOGTLS_E_INVAL);
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
  CHECK(has(syslogtls_errmsg(), "tls.permittedPeer 'SHA1:zz'"));
  CHECK(syslogtls_tls_config_load(cfg) == SYSLOGTLS_E_FILE);
  CHECK(std::string(syslogtls_errmsg()) == "tls.keyFile '/nonexistent/k.pem': cannot read: No such file or directory");
  CHECK_THROWS_AS(syslogtls::loaded_config(cfg), Error);
  CHECK(syslogtls_tls_config_set_key_file(cfg, leaf.key.c_str()) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_set_handshake_timeout(cfg, 2500) == SYSLOGTLS_OK);
  CHECK(syslogtls_tls_config_load(cfg) == SYSLOGTLS_OK);
  CHECK(std::string(syslogtls_errmsg()).empty());
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
  CHECK(has(syslogtls_errmsg(), "tls.authMode \"x509\": unknown"));
  CHECK(syslogtls_auth_mode_parse(nullptr, &mode) == SYSLOGTLS_E_INVAL);
}
