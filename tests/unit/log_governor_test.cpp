// log_governor_test.cpp - LogGovernor: session lines past 20 per second
// become one summary line per 10 s; refusal lines past 5 per second per
// reason become a "N more suppressed" line; every held line is counted.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "log_governor.hpp"

using namespace syslogtls;
using std::chrono::milliseconds;

namespace {

struct Lines {
  std::vector<std::string> text;
  std::vector<int> kinds;
  static void on_log(const syslogtls_event* ev, void* u) {
    auto* l = static_cast<Lines*>(u);
    l->text.emplace_back(ev->text);
    l->kinds.push_back(ev->kind);
  }
  size_t count(const std::string& part) const {
    size_t n = 0;
    for (const auto& t : text) n += t.find(part) != std::string::npos ? 1 : 0;
    return n;
  }
};

}  // namespace

TEST_CASE("log governor: a storm of session lines becomes a summary line") {
  Lines lines;
  uint64_t held = 0;
  LogGovernor g;
  g.set_sink(LogSink{&Lines::on_log, &lines}, &held);
  const auto t0 = Clock::now();
  std::vector<std::string> ips;
  for (int i = 0; i < 30; ++i) ips.push_back("127.0.0." + std::to_string(1 + i % 3));
  for (int i = 0; i < 30; ++i)
    g.event(t0 + milliseconds(i), SYSLOGTLS_EVENT_SESSION_OPENED, SYSLOGTLS_LOG_INFO, 0, 0,
            EventPeer{&ips[i], 1000, nullptr}, "session opened " + std::to_string(i));
  CHECK(lines.count("session opened") == 20);
  CHECK(held == 10);
  CHECK(g.summarising());
  const std::string ip = "127.0.0.9";
  g.event(t0 + milliseconds(50), SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, 0, SYSLOGTLS_REASON_LIMIT,
          EventPeer{&ip, 1, nullptr}, "refused");
  CHECK(lines.count("refused") == 1);  // refusals have their own limit
  g.tick(t0 + milliseconds(5000));
  CHECK(lines.count("session summary") == 0);
  g.tick(t0 + milliseconds(10000));
  REQUIRE(lines.count("session summary") == 1);
  CHECK(lines.text.back() ==
        "session summary for the last 10 s: 30 sessions opened, 0 closed, 1 refused (by reason: session limit "
        "reached 1), from 4 peer addresses; 10 single session lines not logged (more than 20 per second)");
  // Still a storm (30 > 20 in the period): later lines stay summarised.
  g.event(t0 + milliseconds(11000), SYSLOGTLS_EVENT_SESSION_CLOSED, SYSLOGTLS_LOG_INFO, 0, 0,
          EventPeer{&ips[0], 1000, nullptr}, "session closed");
  CHECK(lines.count("session closed") == 0);
  g.flush(t0 + milliseconds(12500));
  CHECK(lines.text.back() ==
        "session summary for the last 2 s: 0 sessions opened, 1 closed, 0 refused, from 1 peer addresses; 1 single "
        "session lines not logged (more than 20 per second)");
  // That period was quiet: single lines again.
  CHECK_FALSE(g.summarising());
  g.event(t0 + milliseconds(13000), SYSLOGTLS_EVENT_SESSION_OPENED, SYSLOGTLS_LOG_INFO, 0, 0,
          EventPeer{&ips[0], 1000, nullptr}, "session opened again");
  CHECK(lines.count("session opened again") == 1);
  CHECK(held == 11);
}

TEST_CASE("log governor: refusal lines are limited per reason, with a periodic suppressed line") {
  Lines lines;
  uint64_t held = 0;
  LogGovernor g;
  g.set_sink(LogSink{&Lines::on_log, &lines}, &held);
  const auto t0 = Clock::now();
  const std::string ip = "127.0.0.1";
  for (int i = 0; i < 12; ++i)
    g.event(t0 + milliseconds(i), SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, 0,
            SYSLOGTLS_REASON_HANDSHAKE_TIMEOUT, EventPeer{&ip, 1, nullptr}, "timeout line");
  for (int i = 0; i < 3; ++i)
    g.event(t0 + milliseconds(i), SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, 0, SYSLOGTLS_REASON_EVICTED,
            EventPeer{&ip, 1, nullptr}, "evicted line");
  CHECK(lines.count("timeout line") == 5);
  CHECK(lines.count("evicted line") == 3);
  // A new second allows five more.
  for (int i = 0; i < 6; ++i)
    g.event(t0 + milliseconds(1100 + i), SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, 0,
            SYSLOGTLS_REASON_HANDSHAKE_TIMEOUT, EventPeer{&ip, 1, nullptr}, "timeout line");
  CHECK(lines.count("timeout line") == 10);
  CHECK(held == 8);
  CHECK_FALSE(g.summarising());  // refusals alone do not silence session lines
  g.tick(t0 + milliseconds(10000));
  REQUIRE(lines.count("more refusal lines suppressed") == 1);
  CHECK(lines.text.back() ==
        "8 more refusal lines suppressed in the last 10 s (reason: handshake timeout; at most 5 per second are "
        "logged)");
  // Other kinds pass untouched.
  g.event(t0 + milliseconds(10001), SYSLOGTLS_EVENT_MESSAGE, SYSLOGTLS_LOG_WARNING, 0, 0, EventPeer{}, "other");
  CHECK(lines.text.back() == "other");
}
