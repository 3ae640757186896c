// pending_board.hpp - PendingBoard: every connection of a server that has not
// yet completed the TLS handshake and peer check, across all its loops: the
// pending-handshake budget and the order in which silent ones are evicted.
//
// Silence: the time since the peer last sent handshake bytes (or, before
// it sent any, since the connection was accepted). Bytes the kernel holds
// for the server but the server has not read yet are the server's own
// queue, not the peer's silence: the eviction pick asks the caller's
// `unread` function and skips such a connection.
//
// Eviction order: first connections that have not sent a complete
// ClientHello (the server has not answered anything yet), silent for at
// least kHelloGrace, longest silence first; then connections whose
// handshake has made no progress for at least kStallGrace, longest first.
// A connection silent for less than its grace is progressing and is never
// picked.
//
// Concurrency: every member function locks the board's mutex; any loop
// thread may call them. A loop removes a connection's entry before it
// closes the socket, so while an entry exists its fd is open (the picking
// thread may query it through `unread`, under the lock).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "event_loop.hpp"

namespace syslogtls {

class PendingBoard final {
 public:
  static constexpr std::chrono::milliseconds kHelloGrace{500};
  static constexpr std::chrono::milliseconds kStallGrace{5000};

  struct Victim {
    size_t loop = 0;
    uint64_t id = 0;
    bool hello = false;                  // it had sent a complete ClientHello
    std::chrono::milliseconds silent{0};  // its silence when it was picked
  };

  // Accepted (the owning loop is not known yet): counts against the budget.
  void add(int fd, Clock::time_point now);
  // The owning loop took the connection on, as session `id`.
  void start(int fd, size_t loop, uint64_t id);
  // The peer sent handshake bytes; hello: the server has answered its ClientHello.
  void progress(int fd, Clock::time_point now, bool hello);
  // The connection left the pending state (handshake done, failed, closed).
  // Returns true if accepting waits for a free slot (see wait_for_slot).
  bool remove(int fd);
  // Entries that count against the budget (picked victims no longer do).
  size_t active() const;
  // Picks the victim by the order above and marks it (it no longer counts);
  // false if every pending connection is progressing.
  bool pick(Clock::time_point now, const std::function<bool(int)>& unread, Victim* out);
  // Accepting stopped because the budget is full of progressing handshakes:
  // the next remove() reports it (once).
  void wait_for_slot();

 private:
  struct Entry {
    size_t loop = 0;
    uint64_t id = 0;  // 0 = not started on its loop yet
    Clock::time_point quiet_since{};
    bool hello = false;
    bool picked = false;
  };
  mutable std::mutex mutex_;
  std::unordered_map<int, Entry> entries_;
  size_t picked_ = 0;
  bool waiting_ = false;
};

}  // namespace syslogtls
