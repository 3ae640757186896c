// omtls_failover.cpp - failover order, reconnect backoff and failback timer (pure logic).
//
// Concurrency & Locking: a Failover belongs to one Sender (one worker thread).
#include "omtls_failover.hpp"

#include <algorithm>

namespace omtls {

Failover::Failover(std::size_t nTargets, Millis failbackInterval, Millis initialBackoff, Millis maxBackoff)
    : n_(nTargets == 0 ? 1 : nTargets),
      failbackInterval_(failbackInterval),
      initialBackoff_(initialBackoff),
      maxBackoff_(std::max(maxBackoff, initialBackoff)),
      backoff_(initialBackoff) {}

Millis Failover::backoffLeft(TimePoint now) const {
  if (now >= nextAttempt_) return Millis(0);
  return std::chrono::duration_cast<Millis>(nextAttempt_ - now);
}

void Failover::passFailed(TimePoint now) {
  connected_ = false;
  nextAttempt_ = now + backoff_;
  backoff_ = std::min(backoff_ * 2, maxBackoff_);
}

bool Failover::connectedTo(std::size_t idx, TimePoint now) {
  const bool changed = idx != current_;  // current_ starts at the primary
  previous_ = current_;
  current_ = idx < n_ ? idx : n_ - 1;
  connected_ = true;
  backoff_ = initialBackoff_;
  nextAttempt_ = TimePoint{};
  // The failback timer starts when a lower target takes over; reconnecting
  // to the same one (rebind, lost connection) does not restart it.
  if (changed || current_ == 0) nextFailback_ = now + failbackInterval_;
  return changed;
}

bool Failover::failbackDue(TimePoint now) const {
  return connected_ && current_ > 0 && failbackInterval_.count() > 0 && now >= nextFailback_;
}

std::size_t Failover::firstToTry(TimePoint now) const {
  if (current_ == 0) return 0;
  if (failbackInterval_.count() == 0 || now < nextFailback_) return current_;
  return 0;
}

}  // namespace omtls
