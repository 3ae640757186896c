// server_pause_test.cpp - back-pressure: on_frames pausing a session, resume
// from another thread, paused sessions at idle timeout and at stop.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client.hpp"
#include "error.hpp"
#include "server.hpp"
#include "test_pki.hpp"
#include "tls_config.hpp"

using namespace syslogtls;

namespace {

constexpr auto kWait = std::chrono::seconds(20);  // generous bound for a loaded machine
// How long a paused session is watched for deliveries that must not come.
// A slow machine can only make a failure less likely, never invent one.
constexpr auto kQuiet = std::chrono::milliseconds(300);

// Pauses a session at its first on_frames call (when armed), records frames.
struct Sink {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> frames;
  std::vector<uint64_t> paused_ids;
  bool pause_first = true;  // pause each session once, at its first batch
  std::vector<uint64_t> seen_ids;
  int opened = 0, closed = 0;

  static int on_open(syslogtls_conn*, void* u) {
    auto* s = static_cast<Sink*>(u);
    std::lock_guard<std::mutex> l(s->mu);
    s->opened++;
    s->cv.notify_all();
    return 0;
  }
  static int on_frames(syslogtls_conn* c, const syslogtls_frame* f, size_t n, void* u) {
    auto* s = static_cast<Sink*>(u);
    std::lock_guard<std::mutex> l(s->mu);
    for (size_t i = 0; i < n; ++i) s->frames.emplace_back(f[i].data, f[i].len);
    s->cv.notify_all();
    const uint64_t id = syslogtls_conn_id(c);
    for (uint64_t seen : s->seen_ids)
      if (seen == id) return SYSLOGTLS_FRAMES_CONTINUE;
    s->seen_ids.push_back(id);
    if (!s->pause_first) return SYSLOGTLS_FRAMES_CONTINUE;
    s->paused_ids.push_back(id);
    return SYSLOGTLS_FRAMES_PAUSE;
  }
  static void on_close(syslogtls_conn*, void* u) {
    auto* s = static_cast<Sink*>(u);
    std::lock_guard<std::mutex> l(s->mu);
    s->closed++;
    s->cv.notify_all();
  }
  bool wait(const std::function<bool()>& pred) {
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, kWait, pred);
  }
  size_t count() {
    std::lock_guard<std::mutex> l(mu);
    return frames.size();
  }
};

std::unique_ptr<Server> start(std::shared_ptr<const TlsConfig> tls, Sink& sink, unsigned idle_s = 0) {
  auto srv = std::make_unique<Server>(std::move(tls));
  ServerSettings& s = srv->settings();
  s.address = "127.0.0.1";
  s.threads = 1;
  s.framing = SYSLOGTLS_FRAMING_OCTET_COUNTED;
  s.idle_timeout_s = idle_s;
  s.cb.on_open = Sink::on_open;
  s.cb.on_frames = Sink::on_frames;
  s.cb.on_close = Sink::on_close;
  s.user = &sink;
  srv->listen();
  srv->start();
  return srv;
}

// "tag:00000001:xxxx..." messages, octet-counted.
std::string batch(const std::string& tag, int from, int n, size_t pad, std::vector<std::string>* msgs) {
  std::string out;
  for (int i = from; i < from + n; ++i) {
    char num[16];
    std::snprintf(num, sizeof num, "%08d", i);
    std::string m = tag + ":" + num + ":" + std::string(pad, 'x');
    out += std::to_string(m.size()) + " " + m;
    msgs->push_back(m);
  }
  return out;
}

std::shared_ptr<TlsConfig> config(const testpki::Pki& pki, int role) {
  auto c = std::make_shared<TlsConfig>(role);
  c->set_ca_file(pki.ca.cert_file());
  const testcerts::CertFiles& own = role == SYSLOGTLS_ROLE_SERVER ? pki.server : pki.client;
  c->set_cert_file(own.cert);
  c->set_key_file(own.key);
  c->set_auth_mode(role == SYSLOGTLS_ROLE_SERVER ? SYSLOGTLS_AUTH_X509_CERTVALID : SYSLOGTLS_AUTH_X509_NAME);
  c->load();
  return c;
}

int code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return SYSLOGTLS_OK;
}

}  // namespace

TEST_CASE("pause: a paused TLS session receives nothing until resumed, then everything in order") {
  testpki::Pki pki;
  Sink sink;
  auto srv = start(config(pki, SYSLOGTLS_ROLE_SERVER), sink);
  Client cl(config(pki, SYSLOGTLS_ROLE_CLIENT));
  cl.connect("127.0.0.1", srv->port(), "localhost", 5000);
  // 3000 x ~210 bytes: several times the server's read buffer, so data waits
  // in the socket and inside GnuTLS when the session pauses.
  std::vector<std::string> msgs;
  const std::string first = batch("p", 1, 3000, 190, &msgs);
  std::thread writer([&] { cl.send(first.data(), first.size(), 15000); });
  REQUIRE(sink.wait([&] { return sink.paused_ids.size() == 1; }));
  const size_t at_pause = sink.count();
  CHECK(at_pause < msgs.size());
  std::this_thread::sleep_for(kQuiet);  // watching for deliveries that must not come
  CHECK_MESSAGE(sink.count() == at_pause, "frames were delivered to a paused session");

  // Resume from another thread.
  const uint64_t id = sink.paused_ids[0];
  std::thread resumer([&] { srv->resume(id); });
  resumer.join();
  writer.join();
  std::vector<std::string> more;
  const std::string second = batch("p", 3001, 10, 10, &more);
  cl.send(second.data(), second.size(), 5000);
  msgs.insert(msgs.end(), more.begin(), more.end());
  REQUIRE_MESSAGE(sink.wait([&] { return sink.frames.size() >= msgs.size(); }),
                  "after resume not every frame arrived: ", sink.count(), " of ", msgs.size());
  {
    std::lock_guard<std::mutex> l(sink.mu);
    CHECK(sink.frames.size() == msgs.size());
    CHECK(sink.frames == msgs);  // none lost, none duplicated, in order
  }
  srv->stop(1000);
}

TEST_CASE("pause: other sessions on the same loop go on while one is paused") {
  Sink sink;
  auto srv = start(nullptr, sink);
  Client a(nullptr), b(nullptr);
  a.connect("127.0.0.1", srv->port(), "", 5000);
  std::vector<std::string> ma, mb;
  const std::string da = batch("a", 1, 5, 10, &ma);
  a.send(da.data(), da.size(), 5000);
  REQUIRE(sink.wait([&] { return sink.paused_ids.size() == 1; }));
  sink.pause_first = false;
  b.connect("127.0.0.1", srv->port(), "", 5000);
  const std::string db = batch("b", 1, 5, 10, &mb);
  b.send(db.data(), db.size(), 5000);
  REQUIRE_MESSAGE(sink.wait([&] { return sink.frames.size() >= ma.size() + mb.size(); }),
                  "the second session was not served while the first was paused");
  srv->stop(1000);
}

TEST_CASE("pause: resuming a session that is gone returns SYSLOGTLS_E_STATE") {
  Sink sink;
  sink.pause_first = false;
  auto srv = start(nullptr, sink);
  Client cl(nullptr);
  cl.connect("127.0.0.1", srv->port(), "", 5000);
  cl.send("3 abc", 5, 5000);
  REQUIRE(sink.wait([&] { return sink.frames.size() == 1; }));
  const uint64_t id = sink.seen_ids.at(0);
  CHECK(id != 0);
  CHECK(code_of([&] { srv->resume(id); }) == SYSLOGTLS_OK);  // not paused: harmless
  cl.close(2000);
  REQUIRE(sink.wait([&] { return sink.closed == 1; }));
  CHECK(code_of([&] { srv->resume(id); }) == SYSLOGTLS_E_STATE);
  CHECK(code_of([&] { srv->resume(12345u << 8); }) == SYSLOGTLS_E_STATE);
  srv->stop(1000);
  CHECK(code_of([&] { srv->resume(id); }) == SYSLOGTLS_E_STATE);
}

TEST_CASE("pause: paused time does not count toward the idle timeout") {
  Sink sink;
  auto srv = start(nullptr, sink, 1);
  Client cl(nullptr);
  cl.connect("127.0.0.1", srv->port(), "", 5000);
  cl.send("3 abc", 5, 5000);
  REQUIRE(sink.wait([&] { return sink.paused_ids.size() == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // over twice the idle timeout, paused
  {
    std::lock_guard<std::mutex> l(sink.mu);
    CHECK_MESSAGE(sink.closed == 0, "a paused session was closed by the idle timeout");
  }
  srv->resume(sink.paused_ids[0]);
  REQUIRE_MESSAGE(sink.wait([&] { return sink.closed == 1; }), "the idle timeout did not apply after resume");
  srv->stop(1000);
}

TEST_CASE("pause: at stop a paused session is held to the drain bound, then cut and counted") {
  Sink sink;
  auto srv = start(nullptr, sink);
  Client cl(nullptr);
  cl.connect("127.0.0.1", srv->port(), "", 5000);
  cl.send("3 abc", 5, 5000);
  REQUIRE(sink.wait([&] { return sink.paused_ids.size() == 1; }));
  const auto t0 = std::chrono::steady_clock::now();
  srv->stop(600);  // the client never closes and the session stays paused
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took >= std::chrono::milliseconds(550));
  CHECK(took < std::chrono::seconds(10));
  CHECK(__atomic_load_n(srv->counter(SYSLOGTLS_CTR_DRAIN_TIMEOUT), __ATOMIC_RELAXED) == 1);
  CHECK(sink.closed == 1);
}
