// pending_board_test.cpp - PendingBoard: the eviction order of the
// pending-handshake budget (silent without ClientHello first, then stalled,
// longest silence first; progressing ones, unstarted ones and ones with
// unread bytes never).
#include <doctest/doctest.h>

#include <set>

#include "pending_board.hpp"

using namespace syslogtls;
using std::chrono::milliseconds;

namespace {
const auto kNever = [](int) { return false; };
}

TEST_CASE("pending board: nothing is evicted within the grace of silence") {
  PendingBoard b;
  const auto t0 = Clock::now();
  for (int fd = 10; fd < 13; ++fd) {
    b.add(fd, t0);
    b.start(fd, 0, static_cast<uint64_t>(fd) * 256);
  }
  CHECK(b.active() == 3);
  PendingBoard::Victim v;
  CHECK_FALSE(b.pick(t0 + milliseconds(100), kNever, &v));
  CHECK(b.active() == 3);
}

TEST_CASE("pending board: the silent connection accepted first goes first, and then no longer counts") {
  PendingBoard b;
  const auto t0 = Clock::now();
  b.add(20, t0 + milliseconds(50));
  b.add(21, t0);
  b.add(22, t0 + milliseconds(20));
  b.start(20, 1, 2001);
  b.start(21, 0, 2100);
  b.start(22, 1, 2201);
  PendingBoard::Victim v;
  REQUIRE(b.pick(t0 + milliseconds(700), kNever, &v));
  CHECK(v.id == 2100);
  CHECK(v.loop == 0);
  CHECK_FALSE(v.hello);
  CHECK(v.silent == milliseconds(700));
  CHECK(b.active() == 2);
  REQUIRE(b.pick(t0 + milliseconds(700), kNever, &v));
  CHECK(v.id == 2201);
  CHECK(v.loop == 1);
  b.remove(21);
  CHECK(b.active() == 1);
}

TEST_CASE("pending board: a connection that sent its ClientHello is evicted only after a stall, and after the silent ones") {
  PendingBoard b;
  const auto t0 = Clock::now();
  b.add(30, t0);  // answered by the server: progressing
  b.start(30, 0, 3000);
  b.progress(30, t0 + milliseconds(10), true);
  b.add(31, t0 + milliseconds(900));  // never spoke, newer
  b.start(31, 0, 3100);
  PendingBoard::Victim v;
  // At 1.5 s: 31 has been silent 0.6 s (past the hello grace); 30 only 1.49 s (within the stall grace).
  REQUIRE(b.pick(t0 + milliseconds(1500), kNever, &v));
  CHECK(v.id == 3100);
  CHECK_FALSE(b.pick(t0 + milliseconds(1500), kNever, &v));
  // Progress restarts its silence; past the stall grace (5 s) it may go.
  b.progress(30, t0 + milliseconds(2000), false);
  CHECK_FALSE(b.pick(t0 + milliseconds(6900), kNever, &v));
  REQUIRE(b.pick(t0 + milliseconds(7100), kNever, &v));
  CHECK(v.id == 3000);
  CHECK(v.hello);
}

TEST_CASE("pending board: unstarted connections and ones with unread bytes are the server's queue, not silence") {
  PendingBoard b;
  const auto t0 = Clock::now();
  b.add(40, t0);  // still on its way to its loop
  b.add(41, t0);
  b.start(41, 0, 4100);
  b.add(42, t0 + milliseconds(10));
  b.start(42, 0, 4200);
  std::set<int> unread{41};
  PendingBoard::Victim v;
  REQUIRE(b.pick(t0 + milliseconds(800), [&](int fd) { return unread.count(fd) != 0; }, &v));
  CHECK(v.id == 4200);  // 41 has bytes waiting for the server, 40 is not started
  CHECK_FALSE(b.pick(t0 + milliseconds(800), [&](int fd) { return unread.count(fd) != 0; }, &v));
  // 41's silence restarted when its unread bytes were seen.
  unread.clear();
  CHECK_FALSE(b.pick(t0 + milliseconds(1200), kNever, &v));
  REQUIRE(b.pick(t0 + milliseconds(1400), kNever, &v));
  CHECK(v.id == 4100);
}

TEST_CASE("pending board: a wait for a slot is reported once, by the next removal") {
  PendingBoard b;
  const auto t0 = Clock::now();
  b.add(50, t0);
  b.add(51, t0);
  CHECK_FALSE(b.remove(50));
  b.wait_for_slot();
  CHECK(b.remove(51));
  CHECK_FALSE(b.remove(51));
  CHECK(b.active() == 0);
}
