// event_loop.hpp - EventLoop (epoll + eventfd wake-up) and TimerQueue
// (deadline min-heap with lazy cancellation) for the server's loop threads.
//
// Concurrency: an EventLoop is driven by one thread; wake() may be called
// from any thread. A TimerQueue belongs to one thread.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <queue>
#include <vector>

#include "fd.hpp"
#include "sockaddr.hpp"

namespace syslogtls {

class EventLoop final {
 public:
  // Token reported for the internal wake-up eventfd.
  static constexpr uint64_t kWakeToken = 0;

  EventLoop();  // throws Error(SYSLOGTLS_E_IO)
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Registers fd (level-triggered) for events (EPOLLIN/EPOLLOUT); token
  // comes back with every readiness report. Throw Error(SYSLOGTLS_E_IO).
  void add(int fd, uint32_t events, uint64_t token);
  void modify(int fd, uint32_t events, uint64_t token);
  void remove(int fd) noexcept;

  // Makes the current or next wait() return (any thread).
  void wake() noexcept;

  // Waits at most timeout_ms (-1 = no bound) and returns the number of
  // ready events, readable through event(i) until the next wait(). The wake
  // eventfd is drained here and shows up as kWakeToken.
  int wait(int timeout_ms);
  const epoll_event& event(int i) const { return events_[i]; }

 private:
  Fd epoll_;
  Fd wake_;
  epoll_event events_[256];
};

// Deadlines keyed by (id, generation). Cancelling is lazy: the owner bumps
// its generation and stale entries are skipped when they expire, so no
// operation scans all sessions. O(log n) per add and per expiry.
class TimerQueue final {
 public:
  void add(Clock::time_point when, uint64_t id, uint32_t gen) { heap_.push(Entry{when, id, gen}); }

  // Milliseconds until the earliest deadline (rounded up), -1 if none.
  int timeout_ms(Clock::time_point now) const;

  // Pops every entry due at now and calls fn(id, gen) for each.
  template <typename Fn>
  void expire(Clock::time_point now, Fn&& fn) {
    while (!heap_.empty() && heap_.top().when <= now) {
      const Entry e = heap_.top();
      heap_.pop();
      fn(e.id, e.gen);
    }
  }

  bool empty() const { return heap_.empty(); }

 private:
  struct Entry {
    Clock::time_point when;
    uint64_t id;
    uint32_t gen;
    bool operator>(const Entry& o) const { return when > o.when; }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
};

}  // namespace syslogtls
