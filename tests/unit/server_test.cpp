// server_test.cpp - Server over loopback: TLS and plaintext delivery, limits,
// handshake timeout, frame errors, graceful drain, bind errors, IPv6, the
// PROXY protocol header.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client.hpp"
#include "error.hpp"
#include "framing.hpp"
#include "server.hpp"
#include "test_certs.hpp"
#include "test_pki.hpp"
#include "tls_config.hpp"

using namespace syslogtls;

namespace {

constexpr auto kWait = std::chrono::seconds(20);  // generous bound for a loaded machine

// One event, copied out of the log callback.
struct Seen {
  int kind, level, code, reason;
  std::string ip;
  unsigned port;
  std::string subject, text;
};

// Collects what the server reports; waits on conditions with a bound.
struct Receiver {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> frames;
  std::vector<std::string> logs;
  std::vector<Seen> events;
  std::vector<std::string> versions, subjects, ips;
  int opened = 0, closed = 0;

  static int on_open(syslogtls_conn* c, void* u) {
    auto* r = static_cast<Receiver*>(u);
    std::lock_guard<std::mutex> l(r->mu);
    r->opened++;
    r->versions.push_back(syslogtls_conn_tls_version(c));
    r->subjects.push_back(syslogtls_conn_peer_subject(c));
    r->ips.push_back(syslogtls_conn_peer_ip(c));
    r->cv.notify_all();
    return 0;
  }
  static int on_frames(syslogtls_conn*, const syslogtls_frame* f, size_t n, void* u) {
    auto* r = static_cast<Receiver*>(u);
    std::lock_guard<std::mutex> l(r->mu);
    for (size_t i = 0; i < n; ++i) r->frames.emplace_back(f[i].data, f[i].len);
    r->cv.notify_all();
    return SYSLOGTLS_FRAMES_CONTINUE;
  }
  static void on_close(syslogtls_conn*, void* u) {
    auto* r = static_cast<Receiver*>(u);
    std::lock_guard<std::mutex> l(r->mu);
    r->closed++;
    r->cv.notify_all();
  }
  static void on_log(const syslogtls_event* ev, void* u) {
    auto* r = static_cast<Receiver*>(u);
    std::lock_guard<std::mutex> l(r->mu);
    r->logs.emplace_back(ev->text);
    r->events.push_back(Seen{ev->kind, ev->level, ev->code, ev->reason, ev->peer_ip, ev->peer_port, ev->subject,
                             ev->text});
    r->cv.notify_all();
  }
  // The first event of a kind (waits for it).
  bool wait_kind(int kind, Seen* out) {
    return wait([&] {
      for (const auto& e : events) {
        if (e.kind == kind) {
          *out = e;
          return true;
        }
      }
      return false;
    });
  }

  bool wait(const std::function<bool()>& pred) {
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, kWait, pred);
  }
  bool wait_frames(size_t n) {
    return wait([&] { return frames.size() >= n; });
  }
  bool wait_log(const std::string& part) {
    return wait([&] {
      for (auto& s : logs)
        if (s.find(part) != std::string::npos) return true;
      return false;
    });
  }
  std::string all_logs() {
    std::lock_guard<std::mutex> l(mu);
    std::string out;
    for (auto& s : logs) out += s + "\n";
    return out;
  }
};

// The shared PKI plus config builders for the two roles.
struct Pki : testpki::Pki {
  std::shared_ptr<TlsConfig> server_config(unsigned hs_ms = 10000) {
    auto c = std::make_shared<TlsConfig>(SYSLOGTLS_ROLE_SERVER);
    c->set_ca_file(ca.cert_file());
    c->set_cert_file(server.cert);
    c->set_key_file(server.key);
    c->set_auth_mode(SYSLOGTLS_AUTH_X509_CERTVALID);
    c->set_handshake_timeout_ms(hs_ms);
    c->load();
    return c;
  }
  std::shared_ptr<TlsConfig> client_config(const testcerts::CertFiles& cert) {
    auto c = std::make_shared<TlsConfig>(SYSLOGTLS_ROLE_CLIENT);
    c->set_ca_file(ca.cert_file());
    c->set_cert_file(cert.cert);
    c->set_key_file(cert.key);
    c->set_auth_mode(SYSLOGTLS_AUTH_X509_NAME);
    c->load();
    return c;
  }
};

std::unique_ptr<Server> make_server(std::shared_ptr<const TlsConfig> tls, Receiver& r,
                                    const std::string& address = "127.0.0.1") {
  auto srv = std::make_unique<Server>(std::move(tls));
  ServerSettings& s = srv->settings();
  s.address = address;
  s.port = 0;
  s.threads = 2;
  s.cb.on_open = Receiver::on_open;
  s.cb.on_frames = Receiver::on_frames;
  s.cb.on_close = Receiver::on_close;
  s.cb.log = Receiver::on_log;
  s.user = &r;
  return srv;
}

std::string octets(const std::vector<std::string>& msgs) {
  std::string out;
  for (auto& m : msgs) encode_frame(SYSLOGTLS_FRAMING_OCTET_COUNTED, m.data(), m.size(), out);
  return out;
}

std::vector<std::string> numbered(int n, const std::string& stem) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.push_back("<13>1 - host app - - - " + stem + " " + std::to_string(i));
  return v;
}

// A raw TCP socket connected to 127.0.0.1:port.
Fd raw_connect(unsigned port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

// True if the server closed the raw socket (EOF or reset) within the bound.
bool closed_by_server(int fd) {
  const auto until = std::chrono::steady_clock::now() + kWait;
  char buf[256];
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
  }
  return false;
}

uint64_t ctr(const Server& s, int id) { return __atomic_load_n(s.counter(id), __ATOMIC_RELAXED); }

}  // namespace

TEST_CASE("server: TLS frames arrive exactly once, in order, with the session identity") {
  Pki pki;
  Receiver r;
  auto srv = make_server(pki.server_config(), r);
  srv->listen();
  REQUIRE(srv->port() != 0);
  srv->start();

  Client cl(pki.client_config(pki.client));
  cl.connect("127.0.0.1", srv->port(), "localhost", 5000);
  CHECK(cl.tls_version() == "TLS1.3");
  CHECK(cl.peer_subject().find("CN=localhost") != std::string::npos);
  const auto msgs = numbered(500, "tls");
  const std::string a = octets({msgs.begin(), msgs.begin() + 250});
  const std::string b = octets({msgs.begin() + 250, msgs.end()});
  cl.send(a.data(), a.size(), 5000);
  cl.send(b.data(), b.size(), 5000);
  REQUIRE(r.wait_frames(msgs.size()));
  {
    std::lock_guard<std::mutex> l(r.mu);
    CHECK(r.frames == msgs);
    REQUIRE(r.opened == 1);
    CHECK(r.versions[0] == "TLS1.3");
    CHECK(r.subjects[0] == pki.client.subject);
    CHECK(r.ips[0] == "127.0.0.1");
  }
  CHECK(r.wait_log("session opened: peer 127.0.0.1:"));
  CHECK(r.all_logs().find("subject '" + pki.client.subject + "', TLS1.3, ") != std::string::npos);
  Seen e{};
  REQUIRE(r.wait_kind(SYSLOGTLS_EVENT_SESSION_OPENED, &e));
  CHECK(e.level == SYSLOGTLS_LOG_INFO);
  CHECK(e.code == 0);
  CHECK(e.reason == SYSLOGTLS_REASON_NONE);
  CHECK(e.ip == "127.0.0.1");
  CHECK(e.subject == pki.client.subject);
  CHECK(srv->sessions() == 1);
  cl.close(2000);
  REQUIRE(r.wait([&] { return r.closed == 1; }));
  srv->stop(1000);
  CHECK(ctr(*srv, SYSLOGTLS_CTR_FRAMES_RECEIVED) == msgs.size());
  CHECK(ctr(*srv, SYSLOGTLS_CTR_BYTES_RECEIVED) == a.size() + b.size());
  CHECK(ctr(*srv, SYSLOGTLS_CTR_SESSIONS_OPENED) == 1);
  CHECK(ctr(*srv, SYSLOGTLS_CTR_SESSIONS_CLOSED) == 1);
  CHECK(ctr(*srv, SYSLOGTLS_CTR_DRAIN_TIMEOUT) == 0);
  CHECK(srv->sessions() == 0);
}

TEST_CASE("server: plaintext TCP with LF framing") {
  Receiver r;
  auto srv = make_server(nullptr, r);
  srv->settings().framing = SYSLOGTLS_FRAMING_LF;
  srv->listen();
  srv->start();
  Client cl(nullptr);
  cl.connect("127.0.0.1", srv->port(), "", 5000);
  const std::string data = "first\nsecond\nthird\n";
  cl.send(data.data(), 7, 5000);  // split inside a frame
  cl.send(data.data() + 7, data.size() - 7, 5000);
  REQUIRE(r.wait_frames(3));
  {
    std::lock_guard<std::mutex> l(r.mu);
    CHECK(r.frames == std::vector<std::string>{"first", "second", "third"});
    CHECK(r.versions[0].empty());
  }
  CHECK(r.wait_log("plaintext session opened: peer 127.0.0.1:"));
  srv->stop(1000);
}

TEST_CASE("server: connections beyond max_sessions are refused and logged") {
  Receiver r;
  auto srv = make_server(nullptr, r);
  srv->settings().max_sessions = 1;
  srv->listen();
  srv->start();
  Client first(nullptr);
  first.connect("127.0.0.1", srv->port(), "", 5000);
  REQUIRE(r.wait([&] { return r.opened == 1; }));
  Fd second = raw_connect(srv->port());
  CHECK(closed_by_server(second.get()));
  CHECK(r.wait_log("refused: session limit reached (at most 1 session)"));
  CHECK(r.all_logs().find("connection from 127.0.0.1:") != std::string::npos);
  Seen e{};
  REQUIRE(r.wait_kind(SYSLOGTLS_EVENT_PEER_REFUSED, &e));
  CHECK(e.level == SYSLOGTLS_LOG_ERR);
  CHECK(e.code == SYSLOGTLS_E_LIMIT);
  CHECK(e.reason == SYSLOGTLS_REASON_LIMIT);
  CHECK(e.ip == "127.0.0.1");
  CHECK(e.port != 0);
  CHECK(e.text.find("connection from 127.0.0.1:" + std::to_string(e.port) + " refused") == 0);
  CHECK(e.subject.empty());
  CHECK(ctr(*srv, SYSLOGTLS_CTR_SESSIONS_REFUSED) == 1);
  // The first session still works.
  first.send("ok\n", 3, 5000);
  REQUIRE(r.wait_frames(1));
  srv->stop(1000);
}

TEST_CASE("server: a silent peer is refused when the handshake deadline passes") {
  Pki pki;
  Receiver r;
  auto srv = make_server(pki.server_config(300), r);
  srv->listen();
  srv->start();
  Fd raw = raw_connect(srv->port());
  CHECK(r.wait_log("refused: TLS handshake not completed within 300 ms"));
  CHECK(r.all_logs().find("peer 127.0.0.1:") != std::string::npos);
  Seen e{};
  REQUIRE(r.wait_kind(SYSLOGTLS_EVENT_PEER_REFUSED, &e));
  CHECK(e.level == SYSLOGTLS_LOG_ERR);
  CHECK(e.code == SYSLOGTLS_E_TIMEOUT);
  CHECK(e.reason == SYSLOGTLS_REASON_HANDSHAKE_TIMEOUT);
  CHECK(e.ip == "127.0.0.1");
  CHECK(e.port != 0);
  CHECK(e.subject.empty());
  CHECK(closed_by_server(raw.get()));
  CHECK(ctr(*srv, SYSLOGTLS_CTR_HANDSHAKE_FAILED) == 1);
  CHECK(ctr(*srv, SYSLOGTLS_CTR_SESSIONS_OPENED) == 0);
  srv->stop(1000);
}

TEST_CASE("server: an invalid frame closes the session with the decoder's reason") {
  Receiver r;
  auto srv = make_server(nullptr, r);
  srv->settings().framing = SYSLOGTLS_FRAMING_OCTET_COUNTED;
  srv->listen();
  srv->start();
  Client cl(nullptr);
  cl.connect("127.0.0.1", srv->port(), "", 5000);
  const std::string data = "5 hello" "not-a-count\n";
  cl.send(data.data(), data.size(), 5000);
  REQUIRE(r.wait([&] { return r.closed == 1; }));
  {
    std::lock_guard<std::mutex> l(r.mu);
    CHECK(r.frames == std::vector<std::string>{"hello"});
  }
  CHECK(r.wait_log("closed: "));
  CHECK(ctr(*srv, SYSLOGTLS_CTR_FRAMES_INVALID) == 1);
  srv->stop(1000);
}

TEST_CASE("server: graceful stop delivers what was written before stop") {
  Pki pki;
  Receiver r;
  auto srv = make_server(pki.server_config(), r);
  srv->listen();
  srv->start();
  const auto msgs = numbered(2000, "drain");
  const std::string data = octets(msgs);
  Client cl(pki.client_config(pki.client));
  cl.connect("127.0.0.1", srv->port(), "localhost", 5000);
  REQUIRE(r.wait([&] { return r.opened == 1; }));
  cl.send(data.data(), data.size(), 5000);
  // The sender closes when it sees the server's close_notify, like omtls.
  int check_rc = 0;
  std::thread sender([&] {
    const auto until = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < until) {
      check_rc = cl.check();
      if (check_rc != SYSLOGTLS_OK) break;
      pollfd none{-1, 0, 0};
      ::poll(&none, 0, 10);
    }
  });
  srv->stop(10000);
  sender.join();
  CHECK(check_rc == SYSLOGTLS_E_CLOSED);
  CHECK_FALSE(cl.connected());
  std::lock_guard<std::mutex> l(r.mu);
  CHECK(r.frames.size() == msgs.size());
  CHECK(r.frames == msgs);
  CHECK(r.closed == 1);
  CHECK(ctr(*srv, SYSLOGTLS_CTR_DRAIN_TIMEOUT) == 0);
}

TEST_CASE("server: stop cuts a peer that does not close within the drain bound") {
  Pki pki;
  Receiver r;
  auto srv = make_server(pki.server_config(), r);
  srv->listen();
  srv->start();
  Client cl(pki.client_config(pki.client));
  cl.connect("127.0.0.1", srv->port(), "localhost", 5000);
  REQUIRE(r.wait([&] { return r.opened == 1; }));
  srv->stop(200);  // the client never reads, so never answers close_notify
  CHECK(ctr(*srv, SYSLOGTLS_CTR_DRAIN_TIMEOUT) == 1);
  CHECK(r.wait_log("cut at shutdown"));
  Seen e{};
  REQUIRE(r.wait_kind(SYSLOGTLS_EVENT_SESSION_FAILED, &e));
  CHECK(e.level == SYSLOGTLS_LOG_ERR);
  CHECK(e.reason == SYSLOGTLS_REASON_DRAIN_TIMEOUT);
  CHECK(e.subject == pki.client.subject);
  CHECK(r.closed == 1);
  srv->stop(200);  // idempotent
}

TEST_CASE("server: binding a port in use fails with the address and the reason") {
  Receiver r;
  auto first = make_server(nullptr, r);
  first->listen();
  auto second = make_server(nullptr, r);
  second->settings().port = first->port();
  try {
    second->listen();
    FAIL("listen on a busy port succeeded");
  } catch (const Error& e) {
    CHECK(e.code() == SYSLOGTLS_E_ADDR);
    CHECK(std::string(e.what()) ==
          "cannot bind 127.0.0.1:" + std::to_string(first->port()) + ": Address already in use");
  }
}

TEST_CASE("server: IPv6 loopback (skipped without ::1)") {
  Receiver r;
  auto srv = make_server(nullptr, r, "::1");
  try {
    srv->listen();
  } catch (const Error& e) {
    MESSAGE("IPv6 loopback not available: " << e.what());
    return;
  }
  srv->start();
  Client cl(nullptr);
  cl.connect("::1", srv->port(), "", 5000);
  CHECK(cl.peer_ip() == "::1");
  cl.send("v6\n", 3, 5000);
  REQUIRE(r.wait_frames(1));
  std::lock_guard<std::mutex> l(r.mu);
  CHECK(r.frames[0] == "v6");
  CHECK(r.ips[0] == "::1");
}

TEST_CASE("server: the wildcard address accepts IPv4 peers shown as plain IPv4") {
  Receiver r;
  auto srv = make_server(nullptr, r, "");
  srv->listen();
  srv->start();
  Client cl(nullptr);
  cl.connect("127.0.0.1", srv->port(), "", 5000);
  cl.send("any\n", 4, 5000);
  REQUIRE(r.wait_frames(1));
  std::lock_guard<std::mutex> l(r.mu);
  CHECK(r.ips[0] == "127.0.0.1");
}

TEST_CASE("server: oversize frames are truncated, counted and logged") {
  Receiver r;
  auto srv = make_server(nullptr, r);
  srv->settings().framing = SYSLOGTLS_FRAMING_OCTET_COUNTED;
  srv->settings().max_frame = 10;
  srv->settings().oversize = SYSLOGTLS_OVERSIZE_TRUNCATE;
  srv->listen();
  srv->start();
  Client cl(nullptr);
  cl.connect("127.0.0.1", srv->port(), "", 5000);
  const std::string data = "5 hello20 abcdefghijklmnopqrst3 end";
  cl.send(data.data(), data.size(), 5000);
  REQUIRE(r.wait_frames(3));
  {
    std::lock_guard<std::mutex> l(r.mu);
    CHECK(r.frames == std::vector<std::string>{"hello", "abcdefghij", "end"});
  }
  CHECK(r.wait_log("sent a frame larger than 10 bytes: truncated"));
  Seen e{};
  REQUIRE(r.wait_kind(SYSLOGTLS_EVENT_FRAME_ALTERED, &e));
  CHECK(e.level == SYSLOGTLS_LOG_WARNING);
  CHECK(e.code == SYSLOGTLS_E_FRAME);
  CHECK(e.reason == SYSLOGTLS_REASON_OVERSIZE);
  CHECK(ctr(*srv, SYSLOGTLS_CTR_FRAMES_OVERSIZE) == 1);
  CHECK(ctr(*srv, SYSLOGTLS_CTR_FRAMES_RECEIVED) == 3);
  srv->stop(1000);
}

TEST_CASE("server: an idle session is closed after the idle timeout") {
  Receiver r;
  auto srv = make_server(nullptr, r);
  srv->settings().idle_timeout_s = 1;
  srv->listen();
  srv->start();
  Client cl(nullptr);
  cl.connect("127.0.0.1", srv->port(), "", 5000);
  REQUIRE(r.wait([&] { return r.opened == 1; }));
  CHECK(r.wait_log("closed: idle for 1 s"));
  REQUIRE(r.wait([&] { return r.closed == 1; }));
  Seen e{};
  REQUIRE(r.wait_kind(SYSLOGTLS_EVENT_SESSION_FAILED, &e));
  CHECK(e.level == SYSLOGTLS_LOG_ERR);
  CHECK(e.reason == SYSLOGTLS_REASON_IDLE_TIMEOUT);
  int rc = SYSLOGTLS_OK;
  const auto until = std::chrono::steady_clock::now() + kWait;
  while (rc == SYSLOGTLS_OK && std::chrono::steady_clock::now() < until) {
    rc = cl.check();
    if (rc == SYSLOGTLS_OK) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(rc == SYSLOGTLS_E_CLOSED);
  srv->stop(1000);
}

TEST_CASE("server: frame progress, not bytes, keeps a session out of the idle timeout") {
  Receiver r;
  auto srv = make_server(nullptr, r);
  srv->settings().framing = SYSLOGTLS_FRAMING_OCTET_COUNTED;
  srv->settings().idle_timeout_s = 1;
  srv->listen();
  srv->start();
  // one frame every 400 ms: progress, the session stays for 2.4 s
  Fd good = raw_connect(srv->port());
  REQUIRE(r.wait([&] { return r.opened == 1; }));
  for (int i = 0; i < 6; ++i) {
    REQUIRE(::send(good.get(), "2 ok", 4, MSG_NOSIGNAL) == 4);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
  REQUIRE(r.wait_frames(6));
  {
    std::lock_guard<std::mutex> l(r.mu);
    CHECK(r.closed == 0);
  }
  // one byte every 300 ms of a 30-byte frame: closed although bytes keep coming
  Fd slow = raw_connect(srv->port());
  REQUIRE(r.wait([&] { return r.opened == 2; }));
  const char* frame = "30 abcdefghijklmnopqrstuvwxyz0123";
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (int i = 0; i < 20 && !closed; ++i) {
    if (::send(slow.get(), frame + i, 1, MSG_NOSIGNAL) != 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::lock_guard<std::mutex> l(r.mu);
    closed = r.closed >= 1;
  }
  REQUIRE(r.wait([&] { return r.closed == 1; }));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
  CHECK(r.wait_log("closed: frame not completed within 1 s"));
  srv->stop(1000);
}

TEST_CASE("server: on_open may refuse a session") {
  Receiver r;
  auto srv = make_server(nullptr, r);
  srv->settings().cb.on_open = [](syslogtls_conn*, void*) { return 1; };
  srv->listen();
  srv->start();
  Fd raw = raw_connect(srv->port());
  CHECK(closed_by_server(raw.get()));
  CHECK(r.wait_log("refused by the application"));
  CHECK(ctr(*srv, SYSLOGTLS_CTR_SESSIONS_REFUSED) == 1);
  CHECK(ctr(*srv, SYSLOGTLS_CTR_SESSIONS_OPENED) == 0);
  srv->stop(1000);
  CHECK(r.closed == 0);
}

TEST_CASE("server: a session ending inside a frame is logged and counted") {
  Receiver r;
  auto srv = make_server(nullptr, r);
  srv->listen();
  srv->start();
  Client cl(nullptr);
  cl.connect("127.0.0.1", srv->port(), "", 5000);
  const std::string data = "5 hello40 only part";
  cl.send(data.data(), data.size(), 5000);
  cl.close(2000);
  REQUIRE(r.wait([&] { return r.closed == 1; }));
  CHECK(r.wait_log("ended inside a frame"));
  Seen e{};
  REQUIRE(r.wait_kind(SYSLOGTLS_EVENT_FRAME_ALTERED, &e));
  CHECK(e.level == SYSLOGTLS_LOG_WARNING);
  CHECK(e.reason == SYSLOGTLS_REASON_BAD_FRAME);
  {
    std::lock_guard<std::mutex> l(r.mu);
    CHECK(r.frames == std::vector<std::string>{"hello"});
  }
  CHECK(ctr(*srv, SYSLOGTLS_CTR_FRAMES_INVALID) == 1);
  srv->stop(1000);
}

namespace {
// Per-connection ordering check for the multi-session test.
struct PerConn {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, std::vector<std::string>> by_sender;  // first word of each message
  size_t total = 0;
  int bad_userdata = 0;

  static int on_open(syslogtls_conn* c, void*) {
    syslogtls_conn_set_userdata(c, c);
    return 0;
  }
  static int on_frames(syslogtls_conn* c, const syslogtls_frame* f, size_t n, void* u) {
    auto* p = static_cast<PerConn*>(u);
    std::lock_guard<std::mutex> l(p->mu);
    if (syslogtls_conn_userdata(c) != c) p->bad_userdata++;
    for (size_t i = 0; i < n; ++i) {
      std::string m(f[i].data, f[i].len);
      p->by_sender[m.substr(0, m.find(' '))].push_back(m);
    }
    p->total += n;
    p->cv.notify_all();
    return SYSLOGTLS_FRAMES_CONTINUE;
  }
};
}  // namespace

TEST_CASE("server: many concurrent TLS sessions over two loops keep per-session order") {
  Pki pki;
  PerConn pc;
  auto srv = std::make_unique<Server>(pki.server_config());
  auto& s = srv->settings();
  s.address = "127.0.0.1";
  s.threads = 2;
  s.session_log = false;
  s.cb.on_open = PerConn::on_open;
  s.cb.on_frames = PerConn::on_frames;
  s.user = &pc;
  srv->listen();
  srv->start();
  constexpr int kClients = 8, kMsgs = 300;
  auto ccfg = pki.client_config(pki.client);
  std::vector<std::thread> threads;
  std::vector<std::string> errors(kClients);
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      try {
        Client cl(ccfg);
        cl.connect("127.0.0.1", srv->port(), "localhost", 10000);
        std::vector<std::string> msgs;
        for (int i = 0; i < kMsgs; ++i) msgs.push_back("c" + std::to_string(c) + " " + std::to_string(i));
        for (int i = 0; i < kMsgs; i += 50) {
          const std::string chunk = octets({msgs.begin() + i, msgs.begin() + i + 50});
          cl.send(chunk.data(), chunk.size(), 10000);
        }
        cl.close(5000);
      } catch (const std::exception& e) {
        errors[c] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors) CHECK(e == "");
  {
    std::unique_lock<std::mutex> l(pc.mu);
    REQUIRE(pc.cv.wait_for(l, kWait, [&] { return pc.total >= size_t(kClients) * kMsgs; }));
    CHECK(pc.by_sender.size() == size_t(kClients));
    CHECK(pc.bad_userdata == 0);
    for (auto& kv : pc.by_sender) {
      REQUIRE(kv.second.size() == size_t(kMsgs));
      for (int i = 0; i < kMsgs; ++i) CHECK(kv.second[i] == kv.first + " " + std::to_string(i));
    }
  }
  srv->stop(2000);
  CHECK(ctr(*srv, SYSLOGTLS_CTR_SESSIONS_OPENED) == size_t(kClients));
  CHECK(ctr(*srv, SYSLOGTLS_CTR_SESSIONS_CLOSED) == size_t(kClients));
}

// A raw connection that sends the first bytes of a TLS record and then
// nothing: it takes a pending slot (a silent one waits outside the budget).
Fd partial_hello(unsigned port) {
  Fd fd = raw_connect(port);
  const char head[] = "\x16\x03\x01";
  REQUIRE(::send(fd.get(), head, 3, MSG_NOSIGNAL) == 3);
  return fd;
}

TEST_CASE("server: a full pending budget evicts the longest-silent connection for a newcomer") {
  Pki pki;
  Receiver r;
  auto srv = make_server(pki.server_config(), r);
  srv->settings().max_pending = 2;
  srv->settings().max_sessions = 10;
  srv->listen();
  srv->start();
  Fd first = partial_hello(srv->port());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Fd second = partial_hello(srv->port());
  // Both silent past the ClientHello grace (0.5 s): the next connection evicts the older one.
  std::this_thread::sleep_for(PendingBoard::kHelloGrace + std::chrono::milliseconds(200));
  Client good(pki.client_config(pki.client));
  good.connect("127.0.0.1", srv->port(), "localhost", 10000);
  good.send("<13>1 - h a - - - in\n", 21, 5000);
  REQUIRE(r.wait_frames(1));
  CHECK(closed_by_server(first.get()));
  CHECK(r.wait_log("evicted: it sent no complete TLS ClientHello in"));
  INFO(r.all_logs());
  CHECK(ctr(*srv, SYSLOGTLS_CTR_HANDSHAKE_EVICTED) == 1);
  Seen e{};
  REQUIRE(r.wait_kind(SYSLOGTLS_EVENT_PEER_REFUSED, &e));
  CHECK(e.reason == SYSLOGTLS_REASON_EVICTED);
  CHECK(e.code == SYSLOGTLS_E_LIMIT);
  CHECK(e.text.find("the budget of 2 pending handshakes is full") != std::string::npos);
  // The second one kept its slot: the newcomer's handshake freed one.
  pollfd p{second.get(), POLLIN, 0};
  CHECK(::poll(&p, 1, 200) == 0);
  srv->stop(1000);
}

TEST_CASE("server: silent connections wait outside the pending budget; a full waiting room evicts the oldest") {
  Pki pki;
  Receiver r;
  auto srv = make_server(pki.server_config(), r);
  srv->settings().max_pending = 1;
  srv->settings().max_sessions = 2;
  srv->settings().backlog = 2;  // waiting room: max(2, 2)
  srv->listen();
  srv->start();
  Fd a = raw_connect(srv->port());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Fd b = raw_connect(srv->port());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // Two silent ones fill the room; the budget (1) is untouched, so a client gets in.
  Client good(pki.client_config(pki.client));
  good.connect("127.0.0.1", srv->port(), "localhost", 10000);
  good.send("<13>1 - h a - - - in\n", 21, 5000);
  REQUIRE(r.wait_frames(1));
  CHECK(closed_by_server(a.get()));  // the oldest silent one made room for the client
  CHECK(r.wait_log("evicted: it sent nothing in"));
  CHECK(r.all_logs().find("the waiting room of 2 connections is full") != std::string::npos);
  INFO(r.all_logs());
  CHECK(ctr(*srv, SYSLOGTLS_CTR_HANDSHAKE_EVICTED) == 1);
  pollfd p{b.get(), POLLIN, 0};
  CHECK(::poll(&p, 1, 200) == 0);
  srv->stop(1000);
}

TEST_CASE("server: a handshake in progress is not evicted; the newcomer waits for its slot") {
  Pki pki;
  Receiver r;
  auto srv = make_server(pki.server_config(), r);
  srv->settings().max_pending = 1;
  srv->listen();
  srv->start();
  // A connection that has just sent its first bytes is within its grace: a
  // second client waits until the first is gone, then gets in.
  Fd early = partial_hello(srv->port());
  Client good(pki.client_config(pki.client));
  std::thread later([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    early.reset();  // leaves: the slot is free
  });
  good.connect("127.0.0.1", srv->port(), "localhost", 10000);
  later.join();
  good.send("<13>1 - h a - - - in\n", 21, 5000);
  REQUIRE(r.wait_frames(1));
  CHECK(ctr(*srv, SYSLOGTLS_CTR_HANDSHAKE_EVICTED) == 0);
  srv->stop(1000);
}

TEST_CASE("server: a silent connection in the waiting room is refused after the handshake timeout") {
  Pki pki;
  Receiver r;
  auto srv = make_server(pki.server_config(300), r);
  srv->listen();
  srv->start();
  Fd raw = raw_connect(srv->port());
  CHECK(r.wait_log("refused: TLS handshake not completed within 300 ms: the peer sent nothing for that long"));
  CHECK(closed_by_server(raw.get()));
  CHECK(ctr(*srv, SYSLOGTLS_CTR_HANDSHAKE_FAILED) == 1);
  srv->stop(1000);
}

TEST_CASE("server: max_per_peer refuses a second session from one address after the handshake") {
  Pki pki;
  Receiver r;
  auto srv = make_server(pki.server_config(), r);
  srv->settings().max_per_peer = 1;
  srv->listen();
  srv->start();
  Client first(pki.client_config(pki.client));
  first.connect("127.0.0.1", srv->port(), "localhost", 10000);
  REQUIRE(r.wait([&] { return r.opened == 1; }));
  try {
    Client second(pki.client_config(pki.client));
    second.connect("127.0.0.1", srv->port(), "localhost", 10000);
    second.send("<13>1 - h a - - - refused\n", 26, 2000);
  } catch (const Error&) {
    // TLS 1.2 sees the alert in the handshake, TLS 1.3 on a later read or write
  }
  CHECK(r.wait_log("refused after the TLS handshake: session limit per peer address reached (at most 1 session "
                   "from 127.0.0.1)"));
  CHECK(ctr(*srv, SYSLOGTLS_CTR_SESSIONS_REFUSED) == 1);
  CHECK(ctr(*srv, SYSLOGTLS_CTR_SESSIONS_OPENED) == 1);
  first.send("<13>1 - h a - - - ok\n", 21, 5000);
  REQUIRE(r.wait_frames(1));
  CHECK(r.frames[0].find("ok") != std::string::npos);
  srv->stop(1000);
}

// ---- PROXY protocol (plaintext server: the header handling is the same
// before a TLS handshake; tests/integration/imtls-haproxy-*.sh covers TLS).

namespace {

// Turns the PROXY protocol on for versions, trusting one address range.
void trust_proxy(Server& srv, unsigned versions, const char* trusted) {
  ServerSettings& s = srv.settings();
  s.proxy_versions = versions;
  AddressRange range;
  std::string err;
  REQUIRE(parse_address_range(trusted, &range, &err));
  s.proxy_trusted.push_back(range);
}

std::unique_ptr<Server> proxy_server(Receiver& r, unsigned versions, const char* trusted = "127.0.0.0/8") {
  auto srv = make_server(nullptr, r);
  srv->settings().framing = SYSLOGTLS_FRAMING_LF;
  trust_proxy(*srv, versions, trusted);
  srv->listen();
  srv->start();
  return srv;
}

std::string v2_header(const char* src, unsigned sport, unsigned char cmd = 0x21) {
  std::string h("\x0D\x0A\x0D\x0A\x00\x0D\x0A\x51\x55\x49\x54\x0A", 12);
  h += static_cast<char>(cmd);
  h += '\x11';
  h += std::string("\x00\x0c", 2);
  unsigned char a[4];
  REQUIRE(inet_pton(AF_INET, src, a) == 1);
  h.append(reinterpret_cast<char*>(a), 4);
  h += std::string("\x7f\x00\x00\x01", 4);
  h += static_cast<char>(sport >> 8);
  h += static_cast<char>(sport & 0xff);
  h += std::string("\x19\x6c", 2);
  return h;
}

void send_all(int fd, const std::string& data) {
  REQUIRE(::send(fd, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size()));
}

}  // namespace

TEST_CASE("server proxy: a v2 header gives the client address; the bytes after it are the session's") {
  Receiver r;
  auto srv = proxy_server(r, kProxyV2);
  Fd fd = raw_connect(srv->port());
  send_all(fd.get(), v2_header("192.0.2.7", 4444) + "first\nsecond\n");  // one write: header and data
  REQUIRE(r.wait_frames(2));
  {
    std::lock_guard<std::mutex> l(r.mu);
    CHECK(r.frames == std::vector<std::string>{"first", "second"});
    CHECK(r.ips[0] == "192.0.2.7");
  }
  CHECK(r.wait_log("plaintext session opened: peer 192.0.2.7:4444, through 127.0.0.1:"));
  CHECK(ctr(*srv, SYSLOGTLS_CTR_PROXY_INVALID) == 0);
  fd.reset();
  CHECK(r.wait_log("session closed: peer 192.0.2.7:4444"));
  srv->stop(1000);
}

TEST_CASE("server proxy: a v1 header sent one byte at a time") {
  Receiver r;
  auto srv = proxy_server(r, kProxyV1 | kProxyV2);
  Fd fd = raw_connect(srv->port());
  const std::string header = "PROXY TCP6 2001:db8::5 ::1 777 6514\r\n";
  for (char c : header) {
    send_all(fd.get(), std::string(1, c));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // separate segments, not a wait for a result
  }
  send_all(fd.get(), "after\n");
  REQUIRE(r.wait_frames(1));
  {
    std::lock_guard<std::mutex> l(r.mu);
    CHECK(r.frames[0] == "after");
    CHECK(r.ips[0] == "2001:db8::5");
  }
  srv->stop(1000);
}

TEST_CASE("server proxy: LOCAL (a health check) is closed quietly and counted") {
  Receiver r;
  auto srv = proxy_server(r, kProxyV2);
  Fd fd = raw_connect(srv->port());
  send_all(fd.get(), v2_header("127.0.0.1", 1, 0x20));
  CHECK(closed_by_server(fd.get()));
  REQUIRE(r.wait([&] { return ctr(*srv, SYSLOGTLS_CTR_PROXY_HEALTHCHECKS) == 1; }));
  CHECK(ctr(*srv, SYSLOGTLS_CTR_SESSIONS_REFUSED) == 0);
  CHECK(ctr(*srv, SYSLOGTLS_CTR_PROXY_INVALID) == 0);
  CHECK(r.opened == 0);
  CHECK(r.all_logs().empty());
  srv->stop(1000);
}

TEST_CASE("server proxy: no header, a wrong version or a truncated header is refused, logged and counted") {
  Receiver r;
  auto srv = proxy_server(r, kProxyV2);
  {
    Fd fd = raw_connect(srv->port());
    send_all(fd.get(), "<13>1 - h a - - - no header\n");
    CHECK(closed_by_server(fd.get()));
    CHECK(r.wait_log("refused: not a PROXY protocol header (it starts with byte 0x3c, '<')"));
  }
  {
    Fd fd = raw_connect(srv->port());
    send_all(fd.get(), "PROXY TCP4 192.0.2.1 127.0.0.1 5 6514\r\nforged\n");
    CHECK(closed_by_server(fd.get()));
    CHECK(r.wait_log("refused: PROXY protocol v1 header, but only v2 is accepted"));
  }
  {
    Fd fd = raw_connect(srv->port());
    send_all(fd.get(), v2_header("192.0.2.1", 5).substr(0, 20));
    ::shutdown(fd.get(), SHUT_WR);
    CHECK(closed_by_server(fd.get()));
    CHECK(r.wait_log("closed the connection inside its PROXY protocol header (truncated after 20 bytes)"));
  }
  REQUIRE(r.wait([&] { return ctr(*srv, SYSLOGTLS_CTR_PROXY_INVALID) == 3; }));
  CHECK(ctr(*srv, SYSLOGTLS_CTR_SESSIONS_REFUSED) == 3);
  CHECK(r.opened == 0);
  CHECK(r.frames.empty());
  Seen e;
  REQUIRE(r.wait_kind(SYSLOGTLS_EVENT_PEER_REFUSED, &e));
  CHECK(e.reason == SYSLOGTLS_REASON_PROXY_HEADER);
  CHECK(e.ip == "127.0.0.1");  // no valid header: the connection's own address
  srv->stop(1000);
}

TEST_CASE("server proxy: a source that is not trusted is refused at accept") {
  Receiver r;
  auto srv = proxy_server(r, kProxyV1 | kProxyV2, "10.0.0.0/8");
  Fd fd = raw_connect(srv->port());
  send_all(fd.get(), v2_header("192.0.2.7", 4444) + "x\n");
  CHECK(closed_by_server(fd.get()));
  CHECK(r.wait_log("connection from 127.0.0.1:"));
  CHECK(r.wait_log("refused: not a trusted PROXY protocol source"));
  Seen e;
  REQUIRE(r.wait_kind(SYSLOGTLS_EVENT_PEER_REFUSED, &e));
  CHECK(e.reason == SYSLOGTLS_REASON_PROXY_UNTRUSTED);
  CHECK(ctr(*srv, SYSLOGTLS_CTR_SESSIONS_REFUSED) == 1);
  CHECK(r.frames.empty());
  srv->stop(1000);
}

TEST_CASE("server proxy: the per-peer limit counts the header's client address") {
  Receiver r;
  auto srv = make_server(nullptr, r);
  srv->settings().framing = SYSLOGTLS_FRAMING_LF;
  srv->settings().max_per_peer = 1;
  trust_proxy(*srv, kProxyV2, "127.0.0.1");
  srv->listen();
  srv->start();
  Fd a = raw_connect(srv->port()), b = raw_connect(srv->port()), c = raw_connect(srv->port());
  send_all(a.get(), v2_header("192.0.2.1", 1) + "a\n");
  REQUIRE(r.wait_frames(1));
  send_all(b.get(), v2_header("192.0.2.2", 2) + "b\n");  // same balancer, another client: its own slot
  REQUIRE(r.wait_frames(2));
  send_all(c.get(), v2_header("192.0.2.1", 3) + "c\n");
  CHECK(closed_by_server(c.get()));
  CHECK(r.wait_log("session limit per peer address reached (at most 1 session from 192.0.2.1)"));
  CHECK(r.frames.size() == 2);
  srv->stop(1000);
}

TEST_CASE("server proxy: listen needs a trusted source; the C API checks modes and sources") {
  Receiver r;
  auto srv = make_server(nullptr, r);
  srv->settings().proxy_versions = kProxyV2;
  CHECK_THROWS_WITH_AS(srv->listen(), doctest::Contains("needs at least one trusted source"), Error);
  int mode = -1;
  CHECK(syslogtls_proxy_mode_parse("V2", &mode) == SYSLOGTLS_OK);
  CHECK(mode == SYSLOGTLS_PROXY_V2);
  CHECK(syslogtls_proxy_mode_parse("any", &mode) == SYSLOGTLS_OK);
  CHECK(mode == SYSLOGTLS_PROXY_ANY);
  CHECK(syslogtls_proxy_mode_parse("off", &mode) == SYSLOGTLS_OK);
  CHECK(mode == SYSLOGTLS_PROXY_OFF);
  CHECK(syslogtls_proxy_mode_parse("v3", &mode) == SYSLOGTLS_E_INVAL);
  CHECK(std::string(syslogtls_errmsg()).find("'v3'") != std::string::npos);
  CHECK(syslogtls_proxy_source_check("10.0.0.0/8") == SYSLOGTLS_OK);
  CHECK(syslogtls_proxy_source_check("10.0.0.0/40") == SYSLOGTLS_E_INVAL);
  CHECK(std::string(syslogtls_errmsg()).find("prefix length") != std::string::npos);
  CHECK(syslogtls_proxy_source_check(nullptr) == SYSLOGTLS_E_INVAL);
  CHECK(std::string(syslogtls_reason_name(SYSLOGTLS_REASON_PROXY_HEADER)) == "invalid PROXY protocol header");
  CHECK(std::string(syslogtls_reason_name(SYSLOGTLS_REASON_PROXY_UNTRUSTED)) == "untrusted PROXY protocol source");
}

TEST_CASE("server proxy: the header's wait counts against the handshake timeout") {
  Pki pki;
  Receiver r;
  auto srv = make_server(pki.server_config(400), r);
  trust_proxy(*srv, kProxyV2, "127.0.0.1");
  srv->listen();
  srv->start();
  Fd fd = raw_connect(srv->port());
  send_all(fd.get(), v2_header("192.0.2.9", 9).substr(0, 5));
  CHECK(closed_by_server(fd.get()));
  CHECK(r.wait_log("peer 127.0.0.1:"));
  CHECK(r.wait_log("refused: PROXY protocol header not completed within 400 ms (truncated after 5 bytes)"));
  CHECK(ctr(*srv, SYSLOGTLS_CTR_PROXY_INVALID) == 1);
  CHECK(ctr(*srv, SYSLOGTLS_CTR_HANDSHAKE_FAILED) == 1);
  srv->stop(1000);
}

TEST_CASE("server proxy: a connection silent inside its header holds a pending slot and is evicted for a newcomer") {
  Pki pki;
  Receiver r;
  auto srv = make_server(pki.server_config(), r);
  srv->settings().max_pending = 1;
  trust_proxy(*srv, kProxyV1 | kProxyV2, "127.0.0.1");
  srv->listen();
  srv->start();
  Fd first = raw_connect(srv->port());
  send_all(first.get(), "PROXY TCP4 192.0.2.1");
  // Silent past the ClientHello grace (0.5 s): the next connection takes its slot.
  std::this_thread::sleep_for(PendingBoard::kHelloGrace + std::chrono::milliseconds(200));
  Fd second = raw_connect(srv->port());
  send_all(second.get(), "PROXY TCP4 192.0.2.2");
  CHECK(closed_by_server(first.get()));
  CHECK(r.wait_log("evicted: it sent no complete PROXY protocol header in"));
  CHECK(ctr(*srv, SYSLOGTLS_CTR_HANDSHAKE_EVICTED) == 1);
  pollfd p{second.get(), POLLIN, 0};
  CHECK(::poll(&p, 1, 200) == 0);  // the newcomer keeps its slot
  srv->stop(1000);
}
