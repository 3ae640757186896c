// server_accept.cpp - loop 0's accepting: limits at accept, the waiting room
// in front of the pending-handshake budget, and handing connections to the
// loops (see server_loop.hpp).
//
// A TLS server with a pending budget lets an accepted connection wait,
// without a TLS session, until the peer has sent its first bytes; only then
// does it take a pending slot (evicting the longest-silent pending
// connection when the budget is full, or waiting, in order of arrival, if
// every pending handshake is progressing). A connection that sends nothing
// is refused when tls.handshakeTimeout has passed since it was accepted, or
// evicted earlier when the waiting room is full and it is the oldest silent
// one there. Time spent waiting for a slot is the server's, not the peer's.
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "error.hpp"
#include "server_loop.hpp"

namespace syslogtls {

namespace {

constexpr int kAcceptsPerWakeup = 64;

std::string suppressed_note(unsigned long held) {
  return held == 0 ? std::string() : " (" + std::to_string(held) + " similar messages suppressed)";
}

}  // namespace

size_t ServerLoop::room_capacity() const { return std::max<size_t>(settings_.backlog, settings_.max_sessions); }

bool ServerLoop::pending_slot() { return shared_.pending.active() < settings_.max_pending || make_pending_room(); }

// Counts an accepted connection as pending and hands it to a loop.
void ServerLoop::place(Fd fd, const SockAddr& peer) {
  shared_.connections.fetch_add(1, std::memory_order_relaxed);
  shared_.pending.add(fd.get(), Clock::now());
  if (settings_.keepalive) set_keepalive(fd.get(), true);
  set_nodelay(fd.get());  // handshake flights go out at once (no Nagle delay)
  ServerLoop& target = *(*peers_)[next_loop_];
  next_loop_ = (next_loop_ + 1) % peers_->size();
  if (&target == this) {
    start_session(std::move(fd), peer);
  } else {
    target.adopt(std::move(fd), peer);
  }
}

void ServerLoop::enter_waiting(Fd fd, const SockAddr& peer) {
  const uint64_t token = kWaitingToken | next_waiting_++;
  Waiting w;
  w.peer = peer;
  w.since = Clock::now();
  w.ready = unread_bytes(fd.get());
  if (!w.ready) loop_.add(fd.get(), EPOLLIN | EPOLLRDHUP, token);
  w.fd = std::move(fd);
  room_.emplace(token, std::move(w));
  (room_[token].ready ? ready_order_ : silent_order_).push_back(token);
}

void ServerLoop::drop_waiting(uint64_t token) {
  auto it = room_.find(token);
  if (it == room_.end()) return;
  if (!it->second.ready) loop_.remove(it->second.fd.get());
  room_.erase(it);  // closes the socket
}

void ServerLoop::close_waiting_room() {
  for (auto& kv : room_)
    if (!kv.second.ready) loop_.remove(kv.second.fd.get());
  room_.clear();
  silent_order_.clear();
  ready_order_.clear();
}

void ServerLoop::waiting_event(uint64_t token, uint32_t events) {
  auto it = room_.find(token);
  if (it == room_.end() || it->second.ready) return;
  Waiting& w = it->second;
  if (!unread_bytes(w.fd.get())) {
    // Closed (or failed) before it said anything: nothing to report.
    if ((events & (EPOLLHUP | EPOLLRDHUP | EPOLLERR)) != 0) drop_waiting(token);
    return;
  }
  loop_.remove(w.fd.get());
  w.ready = true;
  ready_order_.push_back(token);
  admit_due_ = true;
}

// Starts ready connections, oldest first, while the pending budget has a
// slot (or one can be made by evicting a silent pending connection).
void ServerLoop::admit_waiting() {
  while (!ready_order_.empty() && !stopping_) {
    auto it = room_.find(ready_order_.front());
    if (it == room_.end()) {
      ready_order_.pop_front();
      continue;
    }
    if (!pending_slot()) break;
    Fd fd = std::move(it->second.fd);
    const SockAddr peer = it->second.peer;
    room_.erase(it);
    ready_order_.pop_front();
    place(std::move(fd), peer);
  }
  // Still waiting: the next free slot wakes this loop (and a look every
  // 100 ms finds pending connections that passed their grace).
  if (!ready_order_.empty()) shared_.pending.wait_for_slot();
  if (budget_wait_ && room_.size() < room_capacity()) accept_paused_until_ = Clock::now();
}

// Silent waiting connections past tls.handshakeTimeout are refused like a
// silent pending handshake.
void ServerLoop::expire_waiting(Clock::time_point now) {
  std::shared_ptr<const TlsConfig> tls = shared_.tls();
  const unsigned ms = tls ? tls->handshake_timeout_ms() : 0;
  if (ms == 0) return;
  while (!silent_order_.empty()) {
    auto it = room_.find(silent_order_.front());
    if (it == room_.end() || it->second.ready) {
      silent_order_.pop_front();
      continue;
    }
    if (now - it->second.since < std::chrono::milliseconds(ms)) break;
    const SockAddr peer = it->second.peer;
    const std::string ip = format_ip(peer);
    drop_waiting(silent_order_.front());
    silent_order_.pop_front();
    shared_.count(SYSLOGTLS_CTR_HANDSHAKE_FAILED);
    shared_.count(SYSLOGTLS_CTR_SESSIONS_REFUSED);
    shared_.governor.event(now, SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_TIMEOUT,
                           SYSLOGTLS_REASON_HANDSHAKE_TIMEOUT, EventPeer{&ip, addr_port(peer), nullptr},
                           "peer " + format_endpoint(peer) + " refused: TLS handshake not completed within " +
                               std::to_string(ms) + " ms: the peer sent nothing for that long");
  }
  if (budget_wait_ && room_.size() < room_capacity()) accept_paused_until_ = now;
}

// The waiting room is full: the oldest connection that has sent nothing
// gives its place to the newcomer. false if every waiting one is ready.
bool ServerLoop::evict_oldest_silent(Clock::time_point now) {
  while (!silent_order_.empty()) {
    const uint64_t token = silent_order_.front();
    silent_order_.pop_front();
    auto it = room_.find(token);
    if (it == room_.end() || it->second.ready) continue;
    const SockAddr peer = it->second.peer;
    const auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(now - it->second.since);
    drop_waiting(token);
    shared_.count(SYSLOGTLS_CTR_HANDSHAKE_EVICTED);
    const std::string ip = format_ip(peer);
    shared_.governor.event(now, SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_LIMIT,
                           SYSLOGTLS_REASON_EVICTED, EventPeer{&ip, addr_port(peer), nullptr},
                           "pending connection from " + format_endpoint(peer) + " evicted: it sent nothing in " +
                               std::to_string(silent.count()) +
                               " ms, and a new connection needed its place (the waiting room of " +
                               std::to_string(room_capacity()) + " connections is full)");
    return true;
  }
  return false;
}

void ServerLoop::accept_some() {
  const unsigned max_pending = settings_.max_pending;
  const bool room = max_pending != 0 && !shared_.plaintext();
  for (int i = 0; i < kAcceptsPerWakeup && listener_; ++i) {
    SockAddr peer;
    peer.len = sizeof peer.ss;
    Fd fd(::accept4(listener_.get(), peer.get(), &peer.len, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED) return;
      // Out of descriptors or memory: pause accepting briefly instead of spinning.
      unsigned long held = 0;
      if (accept_err_log_.allow(Clock::now(), &held)) {
        shared_.log.err(SYSLOGTLS_E_IO, SYSLOGTLS_REASON_IO,
                        std::string("accept failed: ") + std::strerror(errno) + suppressed_note(held));
      }
      loop_.remove(listener_.get());
      accept_paused_ = true;
      accept_paused_until_ = Clock::now() + std::chrono::milliseconds(100);
      return;
    }
    if (settings_.proxy_versions != 0 && !proxy_trusted(peer)) {
      fd.reset();
      refused_untrusted(peer);
      continue;
    }
    // Without an own pending budget, pending connections count against
    // max_sessions; with one, only authenticated sessions do (checked again
    // when a handshake completes).
    const unsigned max = settings_.max_sessions;
    const unsigned used = max_pending == 0 ? shared_.connections.load(std::memory_order_relaxed)
                                           : shared_.authenticated.load(std::memory_order_relaxed);
    if (max != 0 && used >= max) {
      fd.reset();
      refused_at_limit(peer);
      continue;
    }
    if (room) {
      // A full room: the newcomer takes the place of the oldest silent
      // one; if every waiting connection is ready (waits for a pending
      // slot), it waits too, and the rest wait in the listen queue.
      const bool full = room_.size() >= room_capacity() && !evict_oldest_silent(Clock::now());
      enter_waiting(std::move(fd), peer);
      admit_waiting();
      if (full && room_.size() > room_capacity()) {
        loop_.remove(listener_.get());
        accept_paused_ = true;
        budget_wait_ = true;
        accept_paused_until_ = Clock::now() + std::chrono::milliseconds(100);
        return;
      }
      continue;
    }
    if (max_pending != 0 && shared_.pending.active() >= max_pending && !make_pending_room()) {
      // Plaintext: no handshake to wait for; over the budget it is refused.
      fd.reset();
      refused_at_limit(peer);
      continue;
    }
    place(std::move(fd), peer);
  }
}

}  // namespace syslogtls
