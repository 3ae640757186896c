// omtls_failover_test.cpp - unit tests of omtls's failover order, reconnect backoff and failback timer.
#include <doctest/doctest.h>

#include "omtls_failover.hpp"

using omtls::Failover;
using omtls::Millis;
using omtls::TimePoint;

namespace {
TimePoint at(long ms) { return TimePoint{} + Millis(1000000 + ms); }
}  // namespace

TEST_CASE("a failed pass opens a backoff window that doubles up to the cap") {
  Failover f(2, Millis(60000), Millis(1000), Millis(4000));
  CHECK(f.mayAttempt(at(0)));
  f.passFailed(at(0));
  CHECK_FALSE(f.mayAttempt(at(999)));
  CHECK(f.backoffLeft(at(500)) == Millis(500));
  CHECK(f.mayAttempt(at(1000)));
  f.passFailed(at(1000));  // 2 s
  CHECK_FALSE(f.mayAttempt(at(2999)));
  CHECK(f.mayAttempt(at(3000)));
  f.passFailed(at(3000));  // 4 s
  CHECK(f.mayAttempt(at(7000)));
  f.passFailed(at(7000));  // capped at 4 s
  CHECK_FALSE(f.mayAttempt(at(10999)));
  CHECK(f.mayAttempt(at(11000)));
  CHECK(f.nextBackoff() == Millis(4000));
}

TEST_CASE("a connection resets the backoff") {
  Failover f(1, Millis(0), Millis(1000), Millis(30000));
  f.passFailed(at(0));
  f.passFailed(at(1000));
  CHECK(f.nextBackoff() == Millis(4000));
  f.connectedTo(0, at(5000));
  CHECK(f.connected());
  CHECK(f.nextBackoff() == Millis(1000));
  CHECK(f.mayAttempt(at(5000)));
  f.disconnected();
  CHECK_FALSE(f.connected());
  CHECK(f.mayAttempt(at(5001)));  // losing a connection does not start a backoff
}

TEST_CASE("switching targets is reported, staying on the primary is not") {
  Failover f(3, Millis(60000));
  CHECK_FALSE(f.connectedTo(0, at(0)));
  f.disconnected();
  CHECK(f.connectedTo(1, at(10)));  // switched to failover
  CHECK(f.current() == 1);
  CHECK(f.previous() == 0);
  CHECK_FALSE(f.connectedTo(1, at(20)));
  CHECK(f.connectedTo(0, at(30)));  // returned to primary
}

TEST_CASE("the first connection to a failover target counts as a switch") {
  Failover f(2, Millis(60000));
  CHECK(f.connectedTo(1, at(0)));
}

TEST_CASE("failback is due only on a lower target, after the interval") {
  Failover f(2, Millis(60000));
  f.connectedTo(0, at(0));
  CHECK_FALSE(f.failbackDue(at(120000)));  // on the primary: never
  f.disconnected();
  f.connectedTo(1, at(1000));
  CHECK_FALSE(f.failbackDue(at(60999)));
  CHECK(f.failbackDue(at(61000)));
  f.failbackFailed(at(61000));
  CHECK_FALSE(f.failbackDue(at(120999)));
  CHECK(f.failbackDue(at(121000)));
  f.disconnected();
  CHECK_FALSE(f.failbackDue(at(200000)));  // not connected: the next pass starts at the primary anyway
}

TEST_CASE("failbackInterval 0 disables failback") {
  Failover f(2, Millis(0));
  f.connectedTo(1, at(0));
  CHECK_FALSE(f.failbackDue(at(10000000)));
}

TEST_CASE("a reconnect pass starts at the failover target while its failback timer runs") {
  Failover f(3, Millis(60000));
  CHECK(f.firstToTry(at(0)) == 0);
  f.connectedTo(1, at(0));
  f.disconnected();  // lost, or rebindInterval
  CHECK(f.firstToTry(at(59999)) == 1);
  CHECK(f.firstToTry(at(60000)) == 0);  // failback due: the primary first again
  f.connectedTo(0, at(70000));
  f.disconnected();
  CHECK(f.firstToTry(at(70001)) == 0);
}

TEST_CASE("failbackInterval 0: passes start at the target in use") {
  Failover f(2, Millis(0));
  f.connectedTo(1, at(0));
  f.disconnected();
  CHECK(f.firstToTry(at(100000000)) == 1);
}

TEST_CASE("reconnecting to the same failover target keeps the failback timer") {
  Failover f(2, Millis(60000));
  f.connectedTo(1, at(0));
  f.disconnected();
  CHECK_FALSE(f.connectedTo(1, at(30000)));  // rebind after 30 s
  CHECK_FALSE(f.failbackDue(at(59999)));
  CHECK(f.failbackDue(at(60000)));  // 60 s after the switch, not after the rebind
}
