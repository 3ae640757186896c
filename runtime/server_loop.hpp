// server_loop.hpp - ServerLoop: one server event-loop thread. It accepts (loop
// 0) and hands sockets out round-robin, runs the sessions given to it
// (handshake, reads, framing, delivery: server_session.cpp), their timers,
// pause and resume, and the graceful drain (server_loop.cpp).
//
// Concurrency: a ServerLoop and its sessions are touched only by the loop's
// own thread, except adopt(), request_stop(), resume(), evict() and
// wake_accept(), which any thread may call (they queue under mutex_ and
// wake the loop). The pending connections of all loops are on
// ServerShared::pending (its own mutex): loop 0 picks an eviction victim
// there and asks the victim's loop to close it with evict().
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "event_loop.hpp"
#include "fd.hpp"
#include "server_session.hpp"
#include "sockaddr.hpp"

namespace syslogtls {

class ServerLoop final {
 public:
  // Session ids carry the loop's index in their low byte (at most 256 loops).
  static constexpr unsigned kIndexBits = 8;
  static size_t index_of(uint64_t session_id) { return static_cast<size_t>(session_id & 0xffu); }

  ServerLoop(ServerShared& shared, size_t index, std::vector<std::unique_ptr<ServerLoop>>* peers);
  ServerLoop(const ServerLoop&) = delete;
  ServerLoop& operator=(const ServerLoop&) = delete;
  ~ServerLoop();

  // Loop 0 only, before run(): the listening socket it accepts from.
  void set_listener(Fd listener);
  // Any thread: hands over an accepted socket (closed at once if stopping).
  void adopt(Fd fd, const SockAddr& peer);
  // Any thread: begins the graceful stop with a drain bound.
  void request_stop(unsigned drain_ms);
  // Any thread: queues the resume of a paused session. false if this loop
  // has no session with that id (any more).
  bool resume(uint64_t session_id);
  // Any thread: closes session_id if it is still in its handshake (it was
  // picked for eviction: the pending budget is full). hello/silent_ms
  // describe it for the log line.
  void evict(uint64_t session_id, bool hello, unsigned silent_ms, Clock::time_point picked_at);
  // Any thread: a pending slot became free; loop 0 accepts again if it
  // waited for one.
  void wake_accept();
  // The thread body; returns when stopped and every session is closed.
  void run() noexcept;

 private:
  // server_loop.cpp: commands, accepting, timers, pause bookkeeping, drain.
  void process_commands();
  void begin_stop(unsigned drain_ms);
  void accept_some();
  void start_session(Fd fd, const SockAddr& peer);
  void on_event(uint64_t id, uint32_t events);
  void on_timer(uint64_t id, uint32_t gen);
  void set_events(ServerSession& s, uint32_t events);
  uint32_t read_events(const ServerSession& s) const { return s.paused ? 0u : static_cast<uint32_t>(EPOLLIN); }
  void pause(ServerSession& s);
  void resume_now(ServerSession& s);
  void close_session(ServerSession& s);
  void close_all_for_stop();
  void refused_at_limit(const SockAddr& peer);
  bool proxy_trusted(const SockAddr& peer) const;
  void refused_untrusted(const SockAddr& peer);
  bool make_pending_room();
  bool pending_slot();
  // server_accept.cpp: the waiting room of loop 0.
  static constexpr uint64_t kListenerToken = 1;
  static constexpr uint64_t kWaitingToken = uint64_t{1} << 63;
  void place(Fd fd, const SockAddr& peer);
  size_t room_capacity() const;
  void enter_waiting(Fd fd, const SockAddr& peer);
  void waiting_event(uint64_t token, uint32_t events);
  void admit_waiting();
  void expire_waiting(Clock::time_point now);
  bool evict_oldest_silent(Clock::time_point now);
  void drop_waiting(uint64_t token);
  void close_waiting_room();
  void leave_pending(int fd);
  void handshake_progress(ServerSession& s, uint64_t received_before);
  bool take_session_slot(ServerSession& s);
  bool unread_bytes(int fd) const;
  void run_once();

  // server_session.cpp: one session's handshake, reads and delivery.
  void do_handshake(ServerSession& s);
  void step_handshake(ServerSession& s) { s.proxy_stage ? do_proxy_header(s) : do_handshake(s); }
  void do_proxy_header(ServerSession& s);
  void proxy_refused(ServerSession& s, int code, int reason, const std::string& text, bool invalid);
  bool proxy_consume(ServerSession& s, size_t n);
  void established(ServerSession& s);
  void do_read(ServerSession& s);
  Io read_once(ServerSession& s, char* buf, size_t cap, size_t* got, int* code, int* reason, std::string* text);
  bool deliver(ServerSession& s, size_t len);
  void do_bye(ServerSession& s);
  void begin_drain(ServerSession& s);

  ServerShared& shared_;
  const ServerSettings& settings_;
  size_t index_;
  std::vector<std::unique_ptr<ServerLoop>>* peers_;
  EventLoop loop_;
  TimerQueue timers_;
  std::unordered_map<uint64_t, std::unique_ptr<ServerSession>> sessions_;
  uint64_t next_seq_ = 1;  // ids: (seq << kIndexBits) | index_, never 0 (wake-up) or 1 (listener)
  Fd listener_;
  size_t next_loop_ = 0;
  Clock::time_point accept_paused_until_{};
  bool accept_paused_ = false;

  // Commands from other threads, and the ids they may name.
  std::mutex mutex_;
  std::vector<std::pair<Fd, SockAddr>> incoming_;
  std::vector<uint64_t> resumes_;
  struct Eviction {
    uint64_t id;
    bool hello;
    unsigned silent_ms;
    Clock::time_point picked_at;
  };
  std::vector<Eviction> evictions_;
  bool accept_wake_ = false;
  std::unordered_set<uint64_t> live_ids_;
  bool stop_requested_ = false;
  unsigned drain_ms_ = 0;
  std::atomic<bool> has_commands_{false};

  // Loop-thread state.
  bool stopping_ = false;
  Clock::time_point drain_deadline_{};
  std::vector<char> rbuf_;
  std::vector<syslogtls_frame> frames_;
  std::vector<uint64_t> ready_;  // sessions with data buffered inside GnuTLS
  bool budget_wait_ = false;         // loop 0: accepting waits for a pending slot
  // Loop 0, TLS with a pending budget: the waiting room (server_accept.cpp).
  // Accepted connections wait here, without a TLS session, until they have
  // sent their first bytes (ready) and the pending budget has a slot for
  // them; at most max(backlog, max_sessions), the oldest silent one is
  // evicted when it is full.
  struct Waiting {
    Fd fd;
    SockAddr peer;
    Clock::time_point since;  // accepted
    bool ready = false;       // bytes arrived: waits for a pending slot
  };
  std::unordered_map<uint64_t, Waiting> room_;  // by token (kWaitingToken | seq)
  std::deque<uint64_t> silent_order_;           // tokens in order of arrival (stale ones skipped)
  std::deque<uint64_t> ready_order_;
  uint64_t next_waiting_ = 1;
  bool admit_due_ = false;  // a pending slot was freed
  Clock::time_point next_admit_{};
  Clock::time_point next_tick_{};   // loop 0: next LogGovernor tick
  RateLimit oversize_log_, accept_err_log_;
};

}  // namespace syslogtls
