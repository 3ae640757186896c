// omtls_failover.hpp - which target to try and when: failover order, reconnect backoff, failback timer.
//
// Concurrency & Locking: not thread-safe; one worker thread at a time.
#pragma once

#include <chrono>
#include <cstddef>

namespace omtls {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Millis = std::chrono::milliseconds;

// Pure state machine (no I/O, the clock is passed in) for one worker's
// connection. Targets are indices 0..n-1 in priority order (0 = primary).
//
// Reconnect: a "pass" tries every target once, in order, starting at
// firstToTry() (normally the primary); when a whole pass fails, the next pass is allowed only after a backoff
// delay that doubles from initialBackoff up to maxBackoff. A successful
// connection resets the backoff.
//
// Failback: while connected to a lower target (index > 0), a higher one is
// probed every failbackInterval (0 = never).
//
// Thread: one worker thread at a time (not synchronized).
class Failover final {
 public:
  Failover(std::size_t nTargets, Millis failbackInterval, Millis initialBackoff = Millis(1000),
           Millis maxBackoff = Millis(30000));
  Failover(const Failover&) = delete;
  Failover& operator=(const Failover&) = delete;

  std::size_t targets() const { return n_; }
  // The target currently connected (valid while connected()).
  std::size_t current() const { return current_; }
  bool connected() const { return connected_; }

  // False while inside the backoff window after a failed pass.
  bool mayAttempt(TimePoint now) const { return now >= nextAttempt_; }
  // Time left in the backoff window (0 if an attempt is allowed).
  Millis backoffLeft(TimePoint now) const;
  // The delay that the next failed pass will impose.
  Millis nextBackoff() const { return backoff_; }

  // A whole pass failed: start (or extend) the backoff window.
  void passFailed(TimePoint now);
  // Connected to target idx. Returns true if it differs from the target of
  // the previous connection (the primary before the first one), for the
  // "switched to failover target" / "returned to primary target" logs.
  bool connectedTo(std::size_t idx, TimePoint now);
  // The connection was lost or closed (no backoff: the next pass may start
  // at once; its failure starts the backoff).
  void disconnected() { connected_ = false; }

  // True when a higher-priority target should be probed now.
  bool failbackDue(TimePoint now) const;
  // Where a reconnect pass starts: the target last connected to while its
  // failback timer runs (a rebind or a lost connection does not make every
  // pass wait on a primary that is still down), else the primary. The pass
  // then goes down the list and wraps around, so every target is tried.
  std::size_t firstToTry(TimePoint now) const;
  // A failback probe failed: probe again after failbackInterval.
  void failbackFailed(TimePoint now) { nextFailback_ = now + failbackInterval_; }

  // Index of the target used before the last change (for log texts).
  std::size_t previous() const { return previous_; }

 private:
  std::size_t n_;
  Millis failbackInterval_;
  Millis initialBackoff_;
  Millis maxBackoff_;
  Millis backoff_;
  TimePoint nextAttempt_{};
  TimePoint nextFailback_{};
  std::size_t current_ = 0;
  std::size_t previous_ = 0;
  bool connected_ = false;
};

}  // namespace omtls
