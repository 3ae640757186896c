// peer_identity_test.cpp - the connection identity accessors
// (syslogtls_conn_peer_*) and syslogtls_conn_peer_name_matches, over a real
// Server and Client on loopback.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cert_list.hpp"
#include "client.hpp"
#include "error.hpp"
#include "server.hpp"
#include "test_certs.hpp"
#include "test_pki.hpp"
#include "tls_config.hpp"

using namespace syslogtls;

namespace {

// What on_open saw of one session: every accessor, and name_matches for
// the names asked.
struct Seen {
  std::string subject, cn, issuer, san, fingerprint, hostname, version, cipher;
  int64_t not_after = -1;  // syslogtls_conn_peer_not_after
  std::map<std::string, int> matches;
  // the client's view of the server certificate (syslogtls_client_peer_*)
  std::string server_fingerprint;
  int64_t server_not_after = -1;
};

struct Probe {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> names;  // asked of name_matches in on_open
  std::vector<Seen> seen;
  std::vector<std::string> logs;

  static int on_open(syslogtls_conn* c, void* u) {
    auto* p = static_cast<Probe*>(u);
    Seen s;
    s.subject = syslogtls_conn_peer_subject(c);
    s.cn = syslogtls_conn_peer_cn(c);
    s.issuer = syslogtls_conn_peer_issuer(c);
    s.san = syslogtls_conn_peer_san(c);
    s.fingerprint = syslogtls_conn_peer_fingerprint(c);
    s.hostname = syslogtls_conn_peer_hostname(c);
    s.not_after = syslogtls_conn_peer_not_after(c);
    s.version = syslogtls_conn_tls_version(c);
    s.cipher = syslogtls_conn_cipher(c);
    std::lock_guard<std::mutex> l(p->mu);
    for (const auto& n : p->names) s.matches[n] = syslogtls_conn_peer_name_matches(c, n.c_str());
    // The same pointer every time: computed once, stored on the session.
    CHECK(syslogtls_conn_peer_san(c) == syslogtls_conn_peer_san(c));
    p->seen.push_back(std::move(s));
    p->cv.notify_all();
    return 0;
  }
  static int on_frames(syslogtls_conn*, const syslogtls_frame*, size_t, void*) { return SYSLOGTLS_FRAMES_CONTINUE; }
  static void on_log(const syslogtls_event* ev, void* u) {
    auto* p = static_cast<Probe*>(u);
    std::lock_guard<std::mutex> l(p->mu);
    p->logs.emplace_back(ev->text);
    p->cv.notify_all();
  }
  Seen wait_one() {
    std::unique_lock<std::mutex> l(mu);
    REQUIRE(cv.wait_for(l, std::chrono::seconds(20), [&] { return !seen.empty(); }));
    return seen.front();
  }
};

struct Fixture : testpki::Pki {
  Probe probe;
  std::unique_ptr<Server> srv;

  // A server with auth mode `mode`, wildcards accepted or not.
  void start(int mode, bool wildcards = true, std::vector<std::string> permitted = {}) {
    auto c = std::make_shared<TlsConfig>(SYSLOGTLS_ROLE_SERVER);
    c->set_ca_file(ca.cert_file());
    c->set_cert_file(server.cert);
    c->set_key_file(server.key);
    c->set_auth_mode(mode);
    c->set_accept_wildcard_certificates(wildcards);
    for (const auto& p : permitted) c->add_permitted_peer(p);
    c->load();
    srv = std::make_unique<Server>(c);
    ServerSettings& s = srv->settings();
    s.address = "127.0.0.1";
    s.threads = 1;
    s.cb.on_open = Probe::on_open;
    s.cb.on_frames = Probe::on_frames;
    s.cb.log = Probe::on_log;
    s.user = &probe;
    srv->listen();
    srv->start();
  }
  // Connects with cert (nullptr: no client certificate) and waits for on_open.
  Seen connect(const testcerts::CertFiles* cert) {
    auto c = std::make_shared<TlsConfig>(SYSLOGTLS_ROLE_CLIENT);
    c->set_ca_file(ca.cert_file());
    if (cert != nullptr) {
      c->set_cert_file(cert->cert);
      c->set_key_file(cert->key);
    }
    c->set_auth_mode(SYSLOGTLS_AUTH_X509_NAME);
    c->load();
    Client cl(c);
    cl.connect("127.0.0.1", srv->port(), "localhost", 5000);
    Seen s = probe.wait_one();
    s.server_fingerprint = cl.peer_identity().fingerprint;
    s.server_not_after = cl.peer_identity().not_after;
    cl.close(2000);
    return s;
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "conn identity: CN, subject, issuer, SANs in certificate order, fingerprint") {
  auto full = ca.issue({"a.example", {"b.example", "a.example", "*.w.example"}, {"127.0.0.1", "2001:db8::1"}});
  start(SYSLOGTLS_AUTH_X509_CERTVALID);
  Seen s = connect(&full);
  CHECK(s.subject == "CN=a.example");
  CHECK(s.cn == "a.example");
  CHECK(s.issuer == ca.files().subject);
  CHECK(s.san == "b.example,a.example,*.w.example,127.0.0.1,2001:db8::1");
  CHECK(s.fingerprint == full.sha256);
  CHECK(s.not_after == CertList(full.cert).certs().at(0).not_after);
  CHECK(s.not_after > 0);
  CHECK(s.hostname == "b.example");
  CHECK(s.server_fingerprint == server.sha256);
  CHECK(s.server_not_after == CertList(server.cert).certs().at(0).not_after);
  CHECK(s.version == "TLS1.3");
  CHECK_FALSE(s.cipher.empty());
}

TEST_CASE_FIXTURE(Fixture, "conn identity: SANs keep the certificate's order when IPs come first") {
  testcerts::CertOptions o{"ip-first.example", {"z.example", "a.example"}, {"::1", "192.0.2.9"}};
  o.ips_first = true;
  auto cert = ca.issue(o);
  start(SYSLOGTLS_AUTH_X509_CERTVALID);
  Seen s = connect(&cert);
  CHECK(s.san == "::1,192.0.2.9,z.example,a.example");
  CHECK(s.hostname == "z.example");  // the first dNSName, wherever it is
}

TEST_CASE_FIXTURE(Fixture, "conn identity: CN-only certificate") {
  auto cn_only = ca.issue({"legacy.example"});
  start(SYSLOGTLS_AUTH_X509_CERTVALID);
  probe.names = {"legacy.example", "LEGACY.example.", "other.example"};
  Seen s = connect(&cn_only);
  CHECK(s.cn == "legacy.example");
  CHECK(s.san == "");
  CHECK(s.hostname == "legacy.example");
  CHECK(s.fingerprint == cn_only.sha256);
  CHECK(s.matches["legacy.example"] == 1);
  CHECK(s.matches["LEGACY.example."] == 1);
  CHECK(s.matches["other.example"] == 0);
}

TEST_CASE_FIXTURE(Fixture, "conn identity: anon without client certificate has only version and cipher") {
  start(SYSLOGTLS_AUTH_ANON);
  probe.names = {"localhost", "127.0.0.1"};
  Seen s = connect(nullptr);
  CHECK(s.subject == "");
  CHECK(s.cn == "");
  CHECK(s.issuer == "");
  CHECK(s.san == "");
  CHECK(s.fingerprint == "");
  CHECK(s.not_after == 0);
  CHECK(s.hostname == "");
  CHECK(s.server_fingerprint == server.sha256);  // the client still checked the server
  CHECK(s.version == "TLS1.3");
  CHECK_FALSE(s.cipher.empty());
  CHECK(s.matches["localhost"] == 0);
  CHECK(s.matches["127.0.0.1"] == 0);
}

TEST_CASE_FIXTURE(Fixture, "conn identity: anon asks for no client certificate, so none is reported") {
  start(SYSLOGTLS_AUTH_ANON);
  Seen s = connect(&client);
  // anon does not ask for a certificate: nothing is known
  CHECK(s.subject == "");
  CHECK(s.fingerprint == "");
}

TEST_CASE_FIXTURE(Fixture, "conn name_matches: DNS, case, trailing dot, IP, wildcard, patterns, IDN") {
  auto cert = ca.issue({"cn.example", {"host.example", "*.wild.example", "xn--bcher-kva.example"},
                        {"192.0.2.7", "2001:db8::7"}});
  start(SYSLOGTLS_AUTH_X509_CERTVALID);
  probe.names = {"host.example", "HOST.Example", "host.example.", "cn.example", "a.wild.example",
                 "a.b.wild.example", "wild.example", "*.wild.example", "192.0.2.7", "2001:db8::7",
                 "2001:DB8:0::7", "[2001:db8::7]", "192.0.2.8", "bücher.example", "BÜCHER.example",
                 "-bücher.example", "", "other.example", "SHA256:AA"};
  Seen s = connect(&cert);
  CHECK(s.matches["host.example"] == 1);
  CHECK(s.matches["HOST.Example"] == 1);
  CHECK(s.matches["host.example."] == 1);
  CHECK(s.matches["cn.example"] == 0);  // the CN counts only without dNSName SANs
  CHECK(s.matches["a.wild.example"] == 1);
  CHECK(s.matches["a.b.wild.example"] == 0);
  CHECK(s.matches["wild.example"] == 0);
  CHECK(s.matches["*.wild.example"] == 0);  // a claimed name is never a pattern
  CHECK(s.matches["192.0.2.7"] == 1);
  CHECK(s.matches["2001:db8::7"] == 1);
  CHECK(s.matches["2001:DB8:0::7"] == 1);
  CHECK(s.matches["[2001:db8::7]"] == 1);
  CHECK(s.matches["192.0.2.8"] == 0);
  CHECK(s.matches["bücher.example"] == 1);
  CHECK(s.matches["BÜCHER.example"] == 1);
  CHECK(s.matches["-bücher.example"] == 0);  // invalid IDN
  CHECK(s.matches[""] == 0);
  CHECK(s.matches["other.example"] == 0);
  CHECK(s.matches["SHA256:AA"] == 0);
}

TEST_CASE_FIXTURE(Fixture, "conn name_matches: wildcard certificate names do not count when refused") {
  auto cert = ca.issue({"cn.example", {"host.example", "*.wild.example"}, {}});
  start(SYSLOGTLS_AUTH_X509_CERTVALID, false);
  probe.names = {"host.example", "a.wild.example"};
  Seen s = connect(&cert);
  CHECK(s.matches["host.example"] == 1);
  CHECK(s.matches["a.wild.example"] == 0);
}

TEST_CASE("conn accessors: NULL conn") {
  CHECK(std::string(syslogtls_conn_peer_cn(nullptr)) == "");
  CHECK(std::string(syslogtls_conn_peer_issuer(nullptr)) == "");
  CHECK(std::string(syslogtls_conn_peer_san(nullptr)) == "");
  CHECK(std::string(syslogtls_conn_peer_fingerprint(nullptr)) == "");
  CHECK(std::string(syslogtls_conn_peer_hostname(nullptr)) == "");
  CHECK(syslogtls_conn_peer_name_matches(nullptr, "x") == 0);
  CHECK(syslogtls_conn_peer_not_after(nullptr) == 0);
  CHECK(std::string(syslogtls_client_peer_fingerprint(nullptr)) == "");
  CHECK(syslogtls_client_peer_not_after(nullptr) == 0);
}

TEST_CASE("client peer facts: none before a connect and for plaintext") {
  syslogtls_client* cl = nullptr;
  REQUIRE(syslogtls_client_new(&cl, nullptr) == SYSLOGTLS_OK);
  CHECK(std::string(syslogtls_client_peer_fingerprint(cl)) == "");
  CHECK(syslogtls_client_peer_not_after(cl) == 0);
  syslogtls_client_free(cl);
}
