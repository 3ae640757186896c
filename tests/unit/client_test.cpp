// client_test.cpp - Client over loopback: connect errors in words, handshake
// timeout, abort flag, peer rejection both ways, server close detection.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client.hpp"
#include "error.hpp"
#include "server.hpp"
#include "test_certs.hpp"
#include "test_pki.hpp"
#include "tls_config.hpp"

using namespace syslogtls;

namespace {

constexpr auto kWait = std::chrono::seconds(20);

// One server event, copied out of the callback.
struct Seen {
  int kind, level, code, reason;
  std::string ip;
  unsigned port;
  std::string subject, text;
};

struct Events {
  std::mutex mu;
  std::condition_variable cv;
  std::string logs;
  std::vector<Seen> seen;
  int frames = 0;

  static int on_frames(syslogtls_conn*, const syslogtls_frame*, size_t n, void* u) {
    auto* e = static_cast<Events*>(u);
    std::lock_guard<std::mutex> l(e->mu);
    e->frames += static_cast<int>(n);
    e->cv.notify_all();
    return SYSLOGTLS_FRAMES_CONTINUE;
  }
  static void on_log(const syslogtls_event* ev, void* u) {
    auto* e = static_cast<Events*>(u);
    std::lock_guard<std::mutex> l(e->mu);
    e->logs += ev->text;
    e->logs += "\n";
    e->seen.push_back(Seen{ev->kind, ev->level, ev->code, ev->reason, ev->peer_ip, ev->peer_port, ev->subject,
                           ev->text});
    e->cv.notify_all();
  }
  bool wait_log(const std::string& part) {
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, kWait, [&] { return logs.find(part) != std::string::npos; });
  }
  // The first event of a kind (waits for it).
  bool wait_kind(int kind, Seen* out) {
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, kWait, [&] {
      for (const auto& s : seen) {
        if (s.kind == kind) {
          *out = s;
          return true;
        }
      }
      return false;
    });
  }
};

// The shared PKI plus a config builder for either role.
struct Pki : testpki::Pki {
  std::shared_ptr<TlsConfig> config(int role, const std::string& ca_file, const testcerts::CertFiles& cert,
                                    unsigned hs_ms = 10000) {
    auto c = std::make_shared<TlsConfig>(role);
    c->set_ca_file(ca_file);
    c->set_cert_file(cert.cert);
    c->set_key_file(cert.key);
    c->set_auth_mode(role == SYSLOGTLS_ROLE_SERVER ? SYSLOGTLS_AUTH_X509_CERTVALID : SYSLOGTLS_AUTH_X509_NAME);
    c->set_handshake_timeout_ms(hs_ms);
    c->load();
    return c;
  }
};

std::unique_ptr<Server> start_server(std::shared_ptr<const TlsConfig> tls, Events& ev) {
  auto srv = std::make_unique<Server>(std::move(tls));
  auto& s = srv->settings();
  s.address = "127.0.0.1";
  s.threads = 1;
  s.cb.on_frames = Events::on_frames;
  s.cb.log = Events::on_log;
  s.user = &ev;
  srv->listen();
  srv->start();
  return srv;
}

// A listening socket that never accepts or answers (the kernel completes
// the TCP handshake; TLS never starts).
Fd silent_listener(unsigned* port) {
  return listen_tcp("127.0.0.1", 0, 8, port);
}

// A TCP socket bound to an ephemeral loopback port that never listens: while
// it stays open, nothing else can listen there and a connect is refused.
// *v6 is also bound to [::1] on the same port when IPv6 is available.
Fd closed_port(unsigned* port, Fd* v6) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(fd);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len) == 0);
  *port = ntohs(a.sin_port);
  Fd six(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (six) {
    sockaddr_in6 a6{};
    a6.sin6_family = AF_INET6;
    a6.sin6_addr = in6addr_loopback;
    a6.sin6_port = a.sin_port;
    if (::bind(six.get(), reinterpret_cast<sockaddr*>(&a6), sizeof a6) == 0) *v6 = std::move(six);
  }
  return fd;
}

int code_of(const std::function<void()>& fn, std::string* text) {
  try {
    fn();
  } catch (const Error& e) {
    *text = e.what();
    return e.code();
  }
  return SYSLOGTLS_OK;
}

// Connect, then (TLS 1.3: the server's verdict on our certificate arrives
// after our handshake finished) poll check() until the session fails.
int connect_and_probe(Client& cl, unsigned port, std::string* text) {
  int rc = code_of([&] { cl.connect("127.0.0.1", port, "localhost", 5000); }, text);
  if (rc != SYSLOGTLS_OK) return rc;
  const auto until = std::chrono::steady_clock::now() + kWait;
  while (std::chrono::steady_clock::now() < until) {
    rc = cl.check();
    if (rc != SYSLOGTLS_OK) {
      *text = syslogtls_errmsg();
      return rc;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition, bounded above
  }
  return SYSLOGTLS_OK;
}

}  // namespace

TEST_CASE("client: connection refused names the target and the reason") {
  unsigned port = 0;
  Fd v6;
  Fd held = closed_port(&port, &v6);
  Client cl(nullptr);
  std::string text;
  CHECK(code_of([&] { cl.connect("127.0.0.1", port, "", 2000); }, &text) == SYSLOGTLS_E_CONNECT);
  CHECK(text == "connect to 127.0.0.1:" + std::to_string(port) + " failed: Connection refused");
  CHECK_FALSE(cl.connected());
  CHECK(cl.last_reason() == SYSLOGTLS_REASON_CONNECT);
}

TEST_CASE("client: a name is shown with the address it resolved to") {
  unsigned port = 0;
  Fd v6;
  Fd held = closed_port(&port, &v6);
  Client cl(nullptr);
  std::string text;
  const int rc = code_of([&] { cl.connect("localhost", port, "", 2000); }, &text);
  CHECK(rc == SYSLOGTLS_E_CONNECT);
  CHECK(text.find("connect to localhost (") != std::string::npos);
  CHECK(text.find("failed: Connection refused") != std::string::npos);
}

TEST_CASE("client: the TLS handshake times out against a silent server") {
  Pki pki;
  unsigned port = 0;
  Fd silent = silent_listener(&port);
  Client cl(pki.config(SYSLOGTLS_ROLE_CLIENT, pki.ca.cert_file(), pki.client, 300));
  std::string text;
  CHECK(code_of([&] { cl.connect("127.0.0.1", port, "localhost", 2000); }, &text) == SYSLOGTLS_E_TIMEOUT);
  CHECK(text == "TLS handshake with 127.0.0.1:" + std::to_string(port) + " timed out after 300 ms");
  CHECK(cl.last_reason() == SYSLOGTLS_REASON_HANDSHAKE_TIMEOUT);
}

TEST_CASE("client: the abort flag ends a wait") {
  Pki pki;
  unsigned port = 0;
  Fd silent = silent_listener(&port);
  Client cl(pki.config(SYSLOGTLS_ROLE_CLIENT, pki.ca.cert_file(), pki.client, 0));
  volatile int flag = 0;
  cl.set_abort_flag(&flag);
  std::thread setter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the wait must be running, or not: both abort
    __atomic_store_n(&flag, 1, __ATOMIC_RELAXED);
  });
  std::string text;
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = code_of([&] { cl.connect("127.0.0.1", port, "localhost", 2000); }, &text);
  setter.join();
  CHECK(rc == SYSLOGTLS_E_ABORTED);
  CHECK(cl.last_reason() == SYSLOGTLS_REASON_ABORTED);
  CHECK(std::chrono::steady_clock::now() - t0 < kWait);
}

TEST_CASE("client: a server with a certificate from another CA is rejected") {
  Pki pki;
  Events ev;
  auto rogue = testcerts::self_signed(pki.dir, {"localhost", {"localhost"}, {"127.0.0.1"}});
  auto srv = start_server(pki.config(SYSLOGTLS_ROLE_SERVER, pki.ca.cert_file(), rogue), ev);
  Client cl(pki.config(SYSLOGTLS_ROLE_CLIENT, pki.ca.cert_file(), pki.client));
  std::string text;
  CHECK(code_of([&] { cl.connect("127.0.0.1", srv->port(), "localhost", 5000); }, &text) ==
        SYSLOGTLS_E_PEER_REJECTED);
  CHECK(text.find("TLS handshake with 127.0.0.1:" + std::to_string(srv->port()) + " failed: ") == 0);
  CHECK_FALSE(cl.connected());
  CHECK(cl.last_reason() == SYSLOGTLS_REASON_UNTRUSTED);
  INFO(ev.logs);
  CHECK(ev.wait_log("rejected us"));
  Seen e{};
  REQUIRE(ev.wait_kind(SYSLOGTLS_EVENT_PEER_REFUSED, &e));
  CHECK(e.level == SYSLOGTLS_LOG_ERR);
  CHECK(e.code == SYSLOGTLS_E_REJECTED_BY_PEER);
  CHECK(e.reason == SYSLOGTLS_REASON_REJECTED_BY_PEER);
  CHECK(e.ip == "127.0.0.1");
  CHECK(e.port != 0);
  srv->stop(500);
  CHECK(*srv->counter(SYSLOGTLS_CTR_HANDSHAKE_FAILED) == 1);
}

TEST_CASE("client: a client certificate from another CA is refused by the server") {
  Pki pki;
  Events ev;
  auto srv = start_server(pki.config(SYSLOGTLS_ROLE_SERVER, pki.ca.cert_file(), pki.server), ev);
  auto rogue = testcerts::self_signed(pki.dir, {"client.example.net", {"client.example.net"}, {}});
  Client cl(pki.config(SYSLOGTLS_ROLE_CLIENT, pki.ca.cert_file(), rogue));
  std::string text;
  CHECK(connect_and_probe(cl, srv->port(), &text) == SYSLOGTLS_E_REJECTED_BY_PEER);
  INFO(text);
  INFO(ev.logs);
  CHECK(text.find("rejected us") != std::string::npos);
  CHECK(cl.last_reason() == SYSLOGTLS_REASON_REJECTED_BY_PEER);
  CHECK(ev.wait_log("refused"));
  CHECK(ev.logs.find("peer 127.0.0.1:") != std::string::npos);
  Seen e{};
  REQUIRE(ev.wait_kind(SYSLOGTLS_EVENT_PEER_REFUSED, &e));
  CHECK(e.level == SYSLOGTLS_LOG_ERR);
  CHECK(e.code == SYSLOGTLS_E_PEER_REJECTED);
  CHECK(e.reason == SYSLOGTLS_REASON_UNTRUSTED);
  CHECK(e.ip == "127.0.0.1");
  CHECK(e.port != 0);
  CHECK(e.port != srv->port());
  CHECK(e.subject == "CN=client.example.net");
  CHECK(e.text.find("peer 127.0.0.1:" + std::to_string(e.port) + " (subject 'CN=client.example.net') refused") == 0);
  srv->stop(500);
  CHECK(*srv->counter(SYSLOGTLS_CTR_SESSIONS_REFUSED) == 1);
  CHECK(*srv->counter(SYSLOGTLS_CTR_SESSIONS_OPENED) == 0);
}

TEST_CASE("client: a TLS 1.3 server's refusal of our certificate fails connect itself") {
  // TLS 1.3: the server checks our certificate after our Finished, so its
  // refusal arrives after the handshake. connect() must wait for that
  // verdict: a sender that wrote its first batch into that session would
  // lose it.
  Pki pki;
  Events ev;
  auto srv = start_server(pki.config(SYSLOGTLS_ROLE_SERVER, pki.ca.cert_file(), pki.server), ev);
  auto rogue = testcerts::self_signed(pki.dir, {"client.example.net", {"client.example.net"}, {}});
  Client cl(pki.config(SYSLOGTLS_ROLE_CLIENT, pki.ca.cert_file(), rogue));
  std::string text;
  CHECK(code_of([&] { cl.connect("127.0.0.1", srv->port(), "localhost", 5000); }, &text) ==
        SYSLOGTLS_E_REJECTED_BY_PEER);
  INFO(text);
  CHECK(text.find("TLS handshake with 127.0.0.1:" + std::to_string(srv->port()) + " failed: ") == 0);
  CHECK(text.find("rejected us") != std::string::npos);
  CHECK_FALSE(cl.connected());
  srv->stop(500);
}

TEST_CASE("client: an accepted client certificate costs connect no verdict error") {
  Pki pki;
  Events ev;
  auto srv = start_server(pki.config(SYSLOGTLS_ROLE_SERVER, pki.ca.cert_file(), pki.server), ev);
  Client cl(pki.config(SYSLOGTLS_ROLE_CLIENT, pki.ca.cert_file(), pki.client));
  cl.connect("127.0.0.1", srv->port(), "localhost", 5000);
  CHECK(cl.connected());
  CHECK(cl.last_reason() == SYSLOGTLS_REASON_NONE);
  CHECK(cl.tls_version() == "TLS1.3");
  CHECK(cl.check() == SYSLOGTLS_OK);
  srv->stop(500);
}

TEST_CASE("client: check() reports a server that closed the session") {
  Pki pki;
  Events ev;
  auto srv = start_server(pki.config(SYSLOGTLS_ROLE_SERVER, pki.ca.cert_file(), pki.server), ev);
  Client cl(pki.config(SYSLOGTLS_ROLE_CLIENT, pki.ca.cert_file(), pki.client));
  cl.connect("127.0.0.1", srv->port(), "localhost", 5000);
  CHECK(cl.check() == SYSLOGTLS_OK);
  cl.send("11 check works", 14, 5000);
  {
    std::unique_lock<std::mutex> l(ev.mu);
    REQUIRE(ev.cv.wait_for(l, kWait, [&] { return ev.frames == 1; }));
  }
  srv->stop(0);
  std::string text;
  const auto until = std::chrono::steady_clock::now() + kWait;
  int rc = SYSLOGTLS_OK;
  while (rc == SYSLOGTLS_OK && std::chrono::steady_clock::now() < until) {
    rc = cl.check();
    if (rc == SYSLOGTLS_OK) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(rc == SYSLOGTLS_E_CLOSED);
  CHECK(cl.last_reason() == SYSLOGTLS_REASON_CLOSED);
  CHECK_FALSE(cl.connected());
  CHECK(code_of([&] { cl.send("x", 1, 100); }, &text) == SYSLOGTLS_E_STATE);
}

TEST_CASE("client: an internationalised server name is matched and sent as its A-label") {
  Pki pki;
  auto idn = pki.ca.issue({"xn--bcher-kva.example", {"xn--bcher-kva.example"}, {}});
  Events ev;
  auto srv = start_server(pki.config(SYSLOGTLS_ROLE_SERVER, pki.ca.cert_file(), idn), ev);
  Client cl(pki.config(SYSLOGTLS_ROLE_CLIENT, pki.ca.cert_file(), pki.client));
  std::string text;
  CHECK_MESSAGE(code_of([&] { cl.connect("127.0.0.1", srv->port(), "bücher.example", 5000); }, &text) == 0, text);
  CHECK(cl.connected());
  cl.close(2000);
  CHECK(code_of([&] { cl.connect("127.0.0.1", srv->port(), "buecher.example", 5000); }, &text) ==
        SYSLOGTLS_E_PEER_REJECTED);
  CHECK(cl.last_reason() == SYSLOGTLS_REASON_NAME_MISMATCH);
  srv->stop(1000);
}

TEST_CASE("client: an invalid internationalised target or server name is refused before connecting") {
  Client cl(nullptr);
  std::string text;
  CHECK(code_of([&] { cl.connect("127.0.0.1", 6514, "-bücher.example", 2000); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(text.find("server name '-bücher.example': not a valid internationalised domain name") == 0);
  CHECK(cl.last_reason() == SYSLOGTLS_REASON_RESOLVE);
  CHECK(code_of([&] { cl.connect("-bücher.example", 6514, "", 2000); }, &text) == SYSLOGTLS_E_INVAL);
  CHECK(text.find("target '-bücher.example': not a valid internationalised domain name") == 0);
  CHECK(cl.last_reason() == SYSLOGTLS_REASON_RESOLVE);
  CHECK_FALSE(cl.connected());
}

TEST_CASE("client: an internationalised target is resolved as its A-label") {
  Client cl(nullptr);
  std::string text;
  CHECK(code_of([&] { cl.connect("bücher.invalid", 6514, "", 2000); }, &text) == SYSLOGTLS_E_ADDR);
  CHECK_MESSAGE(text.find("xn--bcher-kva.invalid") != std::string::npos, text);
  CHECK(cl.last_reason() == SYSLOGTLS_REASON_RESOLVE);
}
