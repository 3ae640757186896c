// omtls_sender_test.cpp - omtls's Sender against real libsyslogtls servers on loopback: batches, loss of the server, backoff, failover, failback.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "omtls_config.hpp"
#include "omtls_sender.hpp"
#include "omtls_shared.hpp"
#include "syslogtls.h"
#include "test_pki.hpp"

using omtls::ActionConfig;
using omtls::ActionSettings;
using omtls::ActionShared;
using omtls::MsgView;
using omtls::Sender;
using omtls::Severity;

namespace {

constexpr auto kWait = std::chrono::seconds(10);

// The unit tests' shared PKI: server CN=localhost (IP SANs 127.0.0.1,
// 127.0.0.2, ::1), client CN=client.example.net.
using testpki::Pki;

// A libsyslogtls TLS server on addr:port (0 = ephemeral) collecting frames.
class Receiver final {
 public:
  Receiver(const Pki& pki, const char* addr, unsigned port) {
    REQUIRE(syslogtls_tls_config_new(&tls_, SYSLOGTLS_ROLE_SERVER) == SYSLOGTLS_OK);
    syslogtls_tls_config_set_ca_file(tls_, pki.ca.cert_file().c_str());
    syslogtls_tls_config_set_cert_file(tls_, pki.server.cert.c_str());
    syslogtls_tls_config_set_key_file(tls_, pki.server.key.c_str());
    syslogtls_tls_config_set_auth_mode(tls_, SYSLOGTLS_AUTH_X509_CERTVALID);
    REQUIRE(syslogtls_tls_config_load(tls_) == SYSLOGTLS_OK);
    REQUIRE(syslogtls_server_new(&srv_, tls_) == SYSLOGTLS_OK);
    syslogtls_server_set_address(srv_, addr, port);
    syslogtls_server_set_threads(srv_, 1);
    syslogtls_server_set_session_log(srv_, 0);
    syslogtls_server_set_max_frame(srv_, 1u << 20, SYSLOGTLS_OVERSIZE_TRUNCATE);
    syslogtls_server_callbacks cb{};
    cb.on_frames = &Receiver::onFrames;
    syslogtls_server_set_callbacks(srv_, &cb, this);
    REQUIRE_MESSAGE(syslogtls_server_listen(srv_) == SYSLOGTLS_OK, syslogtls_errmsg());
    REQUIRE(syslogtls_server_start(srv_) == SYSLOGTLS_OK);
  }
  ~Receiver() {
    syslogtls_server_free(srv_);
    syslogtls_tls_config_free(tls_);
  }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  unsigned port() const { return syslogtls_server_port(srv_); }
  void stop() { syslogtls_server_stop(srv_, 500); }
  bool waitFrames(std::size_t n) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, kWait, [&] { return frames_.size() >= n; });
  }
  std::vector<std::string> frames() {
    std::lock_guard<std::mutex> l(mu_);
    return frames_;
  }

 private:
  static int onFrames(syslogtls_conn*, const syslogtls_frame* f, size_t n, void* u) {
    auto* self = static_cast<Receiver*>(u);
    std::lock_guard<std::mutex> l(self->mu_);
    for (size_t i = 0; i < n; ++i) self->frames_.emplace_back(f[i].data, f[i].len);
    self->cv_.notify_all();
    return SYSLOGTLS_FRAMES_CONTINUE;
  }
  syslogtls_tls_config* tls_ = nullptr;
  syslogtls_server* srv_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> frames_;
};

// An action (config + shared state + log capture) and a test clock.
struct Action {
  std::unique_ptr<ActionConfig> cfg;
  std::unique_ptr<ActionShared> shared;
  std::vector<std::string> logs;
  omtls::TimePoint now = omtls::Clock::now();

  Action(const Pki& pki, std::vector<std::string> targets, unsigned port, const std::string& framing = "octet-counted",
         unsigned rebind = 0) {
    ActionSettings s;
    s.rebindInterval = rebind;
    s.targets = std::move(targets);
    s.port = port;
    s.framing = framing;
    s.connectTimeout = 2;
    s.failbackInterval = 5;
    s.tlsSettings.caFile = pki.ca.cert_file();
    s.tlsSettings.certFile = pki.client.cert;
    s.tlsSettings.keyFile = pki.client.key;
    s.tlsSettings.permittedPeers = std::vector<std::string>{"localhost"};
    std::string err;
    std::vector<std::string> warnings;
    cfg = ActionConfig::build(s, omtls::TlsDefaults(), err, warnings);
    REQUIRE_MESSAGE(cfg, err);
    shared = std::make_unique<ActionShared>(cfg->targets().size(),
                                            [this](Severity, const std::string& t) { logs.push_back(t); });
  }
  Sender::Now clock() {
    return [this] { return now; };
  }
  std::size_t count(const std::string& part) const {
    std::size_t n = 0;
    for (const auto& l : logs) n += l.find(part) != std::string::npos;
    return n;
  }
};

Sender::Result send(Sender& s, std::initializer_list<const char*> msgs) {
  std::vector<MsgView> v;
  for (const char* m : msgs) v.push_back(MsgView{m, std::char_traits<char>::length(m)});
  return s.commit(v.data(), v.size());
}

// A loopback port where nothing listens (bound, never listened, then closed).
unsigned unusedPort(const Pki& pki) {
  Receiver r(pki, "127.0.0.1", 0);
  const unsigned p = r.port();
  return p;
}

}  // namespace

TEST_CASE("a batch is written as frames in one go; the template's trailing LF is dropped") {
  Pki pki;
  Receiver rcv(pki, "127.0.0.1", 0);
  Action a(pki, {"127.0.0.1"}, rcv.port());
  Sender s(*a.cfg, *a.shared, a.clock());
  REQUIRE(send(s, {"<13>1 - h a - - - one\n", "two", "three\n"}) == Sender::Result::Ok);
  REQUIRE(rcv.waitFrames(3));
  CHECK(rcv.frames() == std::vector<std::string>{"<13>1 - h a - - - one", "two", "three"});
  CHECK(a.shared->counters.messagesSent == 3);
  CHECK(a.shared->counters.connects == 1);
  REQUIRE(a.count("omtls: connected to 127.0.0.1 (127.0.0.1:") == 1);
  CHECK(a.count("TLS1.3") == 1);
  CHECK(a.count("subject 'CN=localhost'") == 1);
}

TEST_CASE("a server that goes away: the batch is suspended, the retry waits for the backoff") {
  Pki pki;
  auto rcv = std::make_unique<Receiver>(pki, "127.0.0.1", 0);
  const unsigned port = rcv->port();
  Action a(pki, {"127.0.0.1"}, port);
  Sender s(*a.cfg, *a.shared, a.clock());
  REQUIRE(send(s, {"m1"}) == Sender::Result::Ok);
  REQUIRE(rcv->waitFrames(1));
  rcv->stop();  // close_notify to the sender
  rcv.reset();

  CHECK(send(s, {"m2"}) == Sender::Result::Suspended);
  CHECK(a.count("lost") == 1);
  CHECK(a.shared->counters.suspended == 1);
  CHECK(a.shared->counters.connectFailed == 1);
  // inside the backoff window: no connection attempt
  CHECK(s.tryResume() == Sender::Result::Suspended);
  CHECK(send(s, {"m2"}) == Sender::Result::Suspended);
  CHECK(a.shared->counters.connectFailed == 1);
  // after it: one attempt, failure logged once only
  a.now += std::chrono::milliseconds(1000);
  CHECK(s.tryResume() == Sender::Result::Suspended);
  CHECK(a.shared->counters.connectFailed == 2);
  a.now += std::chrono::milliseconds(1999);
  CHECK(s.tryResume() == Sender::Result::Suspended);  // 2 s window now
  CHECK(a.shared->counters.connectFailed == 2);
  a.now += std::chrono::milliseconds(1);
  CHECK(s.tryResume() == Sender::Result::Suspended);
  CHECK(a.shared->counters.connectFailed == 3);
  CHECK(a.count("cannot connect to target '127.0.0.1'") == 1);

  // the receiver is back on the same port
  Receiver again(pki, "127.0.0.1", port);
  a.now += std::chrono::milliseconds(4000);
  REQUIRE(s.tryResume() == Sender::Result::Ok);
  REQUIRE(send(s, {"m2"}) == Sender::Result::Ok);
  REQUIRE(again.waitFrames(1));
  CHECK(again.frames()[0] == "m2");
  CHECK(a.count("omtls: connected to") == 2);
}

TEST_CASE("failover to the next target, failback to the primary after the interval") {
  Pki pki;
  Receiver secondary(pki, "127.0.0.1", 0);
  const unsigned port = secondary.port();
  Action a(pki, {"127.0.0.2", "127.0.0.1"}, port);
  Sender s(*a.cfg, *a.shared, a.clock());
  REQUIRE(send(s, {"a"}) == Sender::Result::Ok);
  REQUIRE(secondary.waitFrames(1));
  CHECK(s.currentTarget() == 1);
  CHECK(a.count("cannot connect to target '127.0.0.2'") == 1);
  CHECK(a.count("switched to failover target 127.0.0.1") == 1);

  Receiver primary(pki, "127.0.0.2", port);
  a.now += std::chrono::milliseconds(4999);
  REQUIRE(send(s, {"b"}) == Sender::Result::Ok);  // before failbackInterval: stays
  REQUIRE(secondary.waitFrames(2));
  a.now += std::chrono::milliseconds(1);
  REQUIRE(send(s, {"c"}) == Sender::Result::Ok);
  REQUIRE(primary.waitFrames(1));
  CHECK(primary.frames()[0] == "c");
  CHECK(s.currentTarget() == 0);
  CHECK(a.count("returned to primary target 127.0.0.2") == 1);
}

TEST_CASE("framing lf: an LF inside a message becomes a space, logged once") {
  Pki pki;
  Receiver rcv(pki, "127.0.0.1", 0);
  Action a(pki, {"127.0.0.1"}, rcv.port(), "lf");
  Sender s(*a.cfg, *a.shared, a.clock());
  REQUIRE(send(s, {"x\ny\n", "p\nq"}) == Sender::Result::Ok);
  REQUIRE(rcv.waitFrames(2));
  CHECK(rcv.frames() == std::vector<std::string>{"x y", "p q"});
  CHECK(a.count("contained LF") == 1);
}

TEST_CASE("nothing listens: Suspended, no message counted as sent") {
  Pki pki;
  const unsigned port = unusedPort(pki);
  Action a(pki, {"127.0.0.1"}, port);
  Sender s(*a.cfg, *a.shared, a.clock());
  CHECK(send(s, {"lost?"}) == Sender::Result::Suspended);
  CHECK(a.shared->counters.messagesSent == 0);
  CHECK(a.shared->counters.suspended == 1);
  CHECK_FALSE(s.connected());
}

TEST_CASE("begin: connects when there is no connection; Suspended when nothing listens") {
  Pki pki;
  const unsigned port = unusedPort(pki);
  Action down(pki, {"127.0.0.1"}, port);
  Sender idle(*down.cfg, *down.shared, down.clock());
  CHECK(idle.begin() == Sender::Result::Suspended);
  CHECK(down.shared->counters.suspended == 1);
  CHECK(down.shared->counters.connectFailed == 1);
  CHECK_FALSE(idle.connected());

  Receiver rcv(pki, "127.0.0.1", 0);
  Action up(pki, {"127.0.0.1"}, rcv.port());
  Sender s(*up.cfg, *up.shared, up.clock());
  REQUIRE(s.begin() == Sender::Result::Ok);
  CHECK(s.connected());
  CHECK(up.shared->counters.connects == 1);
  CHECK(s.begin() == Sender::Result::Ok);  // connected: no second connection
  CHECK(up.shared->counters.connects == 1);
  REQUIRE(send(s, {"after begin"}) == Sender::Result::Ok);
  REQUIRE(rcv.waitFrames(1));
  CHECK(rcv.frames() == std::vector<std::string>{"after begin"});
}

TEST_CASE("rebindInterval: a new connection after N messages, nothing lost") {
  Pki pki;
  Receiver rcv(pki, "127.0.0.1", 0);
  Action a(pki, {"127.0.0.1"}, rcv.port(), "octet-counted", 3);
  Sender s(*a.cfg, *a.shared, a.clock());
  REQUIRE(send(s, {"1", "2"}) == Sender::Result::Ok);
  REQUIRE(send(s, {"3"}) == Sender::Result::Ok);  // 3 sent: closed after this batch
  CHECK_FALSE(s.connected());
  REQUIRE(send(s, {"4", "5", "6", "7"}) == Sender::Result::Ok);
  REQUIRE(rcv.waitFrames(7));
  CHECK(rcv.frames() == std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7"});
  CHECK(a.shared->counters.connects == 2);
}

TEST_CASE("a large batch grows the buffer once and is sent whole") {
  Pki pki;
  Receiver rcv(pki, "127.0.0.1", 0);
  Action a(pki, {"127.0.0.1"}, rcv.port());
  Sender s(*a.cfg, *a.shared, a.clock());
  const std::string big(30000, 'x');
  std::vector<MsgView> v(100, MsgView{big.data(), big.size()});  // 3 MB: beyond the initial buffer
  REQUIRE(s.commit(v.data(), v.size()) == Sender::Result::Ok);
  REQUIRE(rcv.waitFrames(100));
  const auto f = rcv.frames();
  CHECK(f[99].size() == big.size());
  CHECK(f[99].find_first_not_of('x') == std::string::npos);
  CHECK(a.shared->counters.bytesSent == 100 * (big.size() + 6));  // "30000 " + message
}

TEST_CASE("an empty message in octet-counted framing is dropped, counted and logged once") {
  Pki pki;
  Receiver rcv(pki, "127.0.0.1", 0);
  Action a(pki, {"127.0.0.1"}, rcv.port());
  Sender s(*a.cfg, *a.shared, a.clock());
  REQUIRE(send(s, {"one", "\n", "", "two"}) == Sender::Result::Ok);  // "\n": only the template's LF
  REQUIRE(send(s, {""}) == Sender::Result::Ok);                       // nothing to send at all
  REQUIRE(send(s, {"three"}) == Sender::Result::Ok);
  REQUIRE(rcv.waitFrames(3));
  CHECK(rcv.frames() == std::vector<std::string>{"one", "two", "three"});
  CHECK(a.shared->counters.messagesSent == 3);
  CHECK(a.shared->counters.messagesDropped == 3);
  CHECK(a.shared->counters.bytesSent == std::string("3 one3 two5 three").size());
  CHECK(a.count("was dropped: ") == 1);
  CHECK(a.count("messages.dropped") == 1);
}
