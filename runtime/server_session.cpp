// server_session.cpp - one server event-loop thread: sessions, handshakes,
// the read path, timers and the graceful drain (see server_session.hpp).
#include "server_session.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "error.hpp"

namespace syslogtls {

namespace {

constexpr uint64_t kListenerToken = 1;
constexpr size_t kReadBuffer = 128 * 1024;
constexpr int kReadsPerWakeup = 4;  // buffer fills per session per wake-up (fairness)
constexpr int kAcceptsPerWakeup = 64;

std::string suppressed_note(unsigned long held) {
  return held == 0 ? std::string() : " (" + std::to_string(held) + " similar messages suppressed)";
}

}  // namespace

ServerLoop::ServerLoop(ServerShared& shared, size_t index, std::vector<std::unique_ptr<ServerLoop>>* peers)
    : shared_(shared), settings_(shared.settings), index_(index), peers_(peers), rbuf_(kReadBuffer) {
  frames_.reserve(1024);
}

ServerLoop::~ServerLoop() = default;

void ServerLoop::set_listener(Fd listener) {
  listener_ = std::move(listener);
  loop_.add(listener_.get(), EPOLLIN, kListenerToken);
}

void ServerLoop::adopt(Fd fd, const SockAddr& peer) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stop_requested_) {
      incoming_.emplace_back(std::move(fd), peer);
      has_commands_.store(true, std::memory_order_release);
    }
  }
  if (fd) shared_.connections.fetch_sub(1, std::memory_order_relaxed);  // stopping: dropped
  loop_.wake();
}

void ServerLoop::request_stop(unsigned drain_ms) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_requested_ = true;
    drain_ms_ = drain_ms;
    has_commands_.store(true, std::memory_order_release);
  }
  loop_.wake();
}

void ServerLoop::process_commands() {
  if (!has_commands_.exchange(false, std::memory_order_acquire)) return;
  std::vector<std::pair<Fd, SockAddr>> incoming;
  bool stop;
  unsigned drain_ms;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    incoming.swap(incoming_);
    stop = stop_requested_;
    drain_ms = drain_ms_;
  }
  for (auto& in : incoming) start_session(std::move(in.first), in.second);
  if (stop && !stopping_) {
    stopping_ = true;
    drain_deadline_ = Clock::now() + std::chrono::milliseconds(drain_ms);
    if (listener_) {
      loop_.remove(listener_.get());
      listener_.reset();
    }
    std::vector<uint64_t> ids;
    ids.reserve(sessions_.size());
    for (auto& kv : sessions_) ids.push_back(kv.first);
    for (uint64_t id : ids) {
      auto it = sessions_.find(id);
      if (it != sessions_.end()) begin_drain(*it->second);
    }
  }
}

void ServerLoop::refused_at_limit(const SockAddr& peer) {
  shared_.count(SYSLOGTLS_CTR_SESSIONS_REFUSED);
  unsigned long held = 0;
  if (limit_log_.allow(Clock::now(), &held)) {
    shared_.log.warn(SYSLOGTLS_E_LIMIT, "connection from " + format_endpoint(peer) +
                                            " refused: session limit (maxSessions=" +
                                            std::to_string(settings_.max_sessions) + ") reached" +
                                            suppressed_note(held));
  }
}

void ServerLoop::accept_some() {
  for (int i = 0; i < kAcceptsPerWakeup && listener_; ++i) {
    SockAddr peer;
    peer.len = sizeof peer.ss;
    Fd fd(::accept4(listener_.get(), peer.get(), &peer.len, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED) return;
      // Out of descriptors or memory: pause accepting briefly instead of spinning.
      unsigned long held = 0;
      if (accept_err_log_.allow(Clock::now(), &held)) {
        shared_.log.err(SYSLOGTLS_E_IO, std::string("accept failed: ") + std::strerror(errno) + suppressed_note(held));
      }
      loop_.remove(listener_.get());
      accept_paused_ = true;
      accept_paused_until_ = Clock::now() + std::chrono::milliseconds(100);
      return;
    }
    const unsigned max = settings_.max_sessions;
    if (max != 0 && shared_.connections.load(std::memory_order_relaxed) >= max) {
      fd.reset();
      refused_at_limit(peer);
      continue;
    }
    shared_.connections.fetch_add(1, std::memory_order_relaxed);
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
}

void ServerLoop::start_session(Fd fd, const SockAddr& peer) {
  if (stopping_) {
    shared_.connections.fetch_sub(1, std::memory_order_relaxed);
    return;  // fd closes here
  }
  const uint64_t id = next_id_++;
  std::unique_ptr<ServerSession> owned;
  try {
    owned = std::make_unique<ServerSession>(id, std::move(fd), format_ip(peer), addr_port(peer), settings_);
    if (shared_.tls) {
      PeerInfo info;
      info.ip = owned->ip;
      info.port = owned->port;
      owned->tls = std::make_unique<TlsSession>(shared_.tls, owned->transport, std::move(info));
    }
    loop_.add(owned->fd.get(), EPOLLIN, id);
  } catch (const std::exception& e) {
    shared_.connections.fetch_sub(1, std::memory_order_relaxed);
    shared_.log.err(SYSLOGTLS_E_INTERNAL, "cannot set up session for peer " + format_endpoint(peer) + ": " + e.what());
    return;
  }
  ServerSession& s = *owned;
  s.events = EPOLLIN;
  sessions_.emplace(id, std::move(owned));
  if (s.tls) {
    const unsigned ms = shared_.tls->handshake_timeout_ms();
    if (ms != 0) {
      s.deadline = Clock::now() + std::chrono::milliseconds(ms);
      timers_.add(s.deadline, s.id, s.timer_gen);
    }
    do_handshake(s);
  } else {
    established(s);
  }
}

void ServerLoop::set_events(ServerSession& s, uint32_t events) {
  if (s.events == events) return;
  loop_.modify(s.fd.get(), events, s.id);
  s.events = events;
}

void ServerLoop::on_event(uint64_t id, uint32_t events) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;  // closed earlier in this batch
  ServerSession& s = *it->second;
  if (s.state == ServerSession::State::handshake) {
    do_handshake(s);
    return;
  }
  if (s.bye_pending && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0) {
    do_bye(s);
    if (sessions_.find(id) == sessions_.end()) return;
  }
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) != 0) do_read(s);
}

void ServerLoop::do_handshake(ServerSession& s) {
  const Io r = s.tls->handshake();
  switch (r) {
    case Io::done:
      established(s);
      return;
    case Io::want_read:
      set_events(s, EPOLLIN);
      return;
    case Io::want_write:
      set_events(s, EPOLLOUT);
      return;
    case Io::closed:
    case Io::failed: {
      shared_.count(SYSLOGTLS_CTR_HANDSHAKE_FAILED);
      int code = s.tls->error_code();
      std::string text = s.tls->error_text();
      if (r == Io::closed || code == 0) {
        code = SYSLOGTLS_E_CLOSED;
        text = "peer " + s.endpoint() + " closed the connection during the TLS handshake";
      } else if (text.find(s.ip) == std::string::npos) {
        text = "peer " + s.endpoint() + " refused: " + text;
      }
      if (code == SYSLOGTLS_E_PEER_REJECTED) shared_.count(SYSLOGTLS_CTR_SESSIONS_REFUSED);
      shared_.log.warn(code, text);
      close_session(s);
      return;
    }
  }
}

void ServerLoop::established(ServerSession& s) {
  ++s.timer_gen;  // cancels the handshake deadline
  s.state = ServerSession::State::open;
  if (s.tls) {
    s.subject = s.tls->peer_subject();
    s.version = s.tls->tls_version();
    s.cipher = s.tls->cipher();
  }
  const syslogtls_server_callbacks& cb = settings_.cb;
  if (cb.on_open != nullptr && cb.on_open(&s, settings_.user) != 0) {
    shared_.count(SYSLOGTLS_CTR_SESSIONS_REFUSED);
    shared_.log.warn(SYSLOGTLS_E_PEER_REJECTED, "peer " + s.endpoint() +
                                                    (s.subject.empty() ? "" : " (subject '" + s.subject + "')") +
                                                    " refused by the application");
    close_session(s);
    return;
  }
  s.opened = true;
  shared_.open_sessions.fetch_add(1, std::memory_order_relaxed);
  shared_.count(SYSLOGTLS_CTR_SESSIONS_OPENED);
  if (settings_.session_log) {
    if (s.tls) {
      const std::string who = s.subject.empty() ? "no client certificate" : "subject '" + s.subject + "'";
      shared_.log.info("session opened: peer " + s.endpoint() + ", " + who + ", " + s.version + ", " + s.cipher);
    } else {
      shared_.log.info("plaintext session opened: peer " + s.endpoint());
    }
  }
  if (settings_.idle_timeout_s != 0) {
    s.last_activity = Clock::now();
    timers_.add(s.last_activity + std::chrono::seconds(settings_.idle_timeout_s), s.id, s.timer_gen);
  }
  if (stopping_) {
    begin_drain(s);
    return;
  }
  if (s.tls) do_read(s);  // records may have arrived with the last handshake flight
}

Io ServerLoop::read_once(ServerSession& s, char* buf, size_t cap, size_t* got, int* code, std::string* text) {
  *got = 0;
  if (s.tls) {
    const Io r = s.tls->read(buf, cap, got);
    if (r == Io::failed) {
      *code = s.tls->error_code();
      *text = s.tls->error_text();
    }
    return r;
  }
  ssize_t n;
  do {
    n = ::recv(s.fd.get(), buf, cap, 0);
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    *got = static_cast<size_t>(n);
    return Io::done;
  }
  if (n == 0) return Io::closed;
  if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::want_read;
  *code = SYSLOGTLS_E_IO;
  *text = std::string("read failed: ") + std::strerror(errno);
  return Io::failed;
}

void ServerLoop::do_read(ServerSession& s) {
  const uint64_t id = s.id;
  for (int i = 0; i < kReadsPerWakeup; ++i) {
    // Fill the loop's buffer with as many TLS records as are available, so
    // one on_frames call carries a large batch.
    size_t filled = 0;
    Io r = Io::done;
    int fail_code = SYSLOGTLS_E_IO;
    std::string fail_text;
    while (filled < rbuf_.size()) {
      size_t got = 0;
      r = read_once(s, rbuf_.data() + filled, rbuf_.size() - filled, &got, &fail_code, &fail_text);
      if (r != Io::done) break;
      filled += got;
      if (!s.tls) break;  // one recv() already took what the socket had
    }
    if (filled > 0) {
      if (settings_.idle_timeout_s != 0) s.last_activity = Clock::now();
      if (!deliver(s, filled)) return;  // session closed on a frame error
      if (sessions_.find(id) == sessions_.end()) return;
    }
    switch (r) {
      case Io::done:
        continue;  // buffer full: there may be more
      case Io::want_read:
        set_events(s, EPOLLIN | (s.bye_pending ? EPOLLOUT : 0u));
        return;
      case Io::want_write:
        set_events(s, EPOLLIN | EPOLLOUT);
        return;
      case Io::closed:
        if (!s.decoder.failed() && !s.decoder.finish()) {
          shared_.count(SYSLOGTLS_CTR_FRAMES_INVALID);
          shared_.log.warn(SYSLOGTLS_E_FRAME, "session with peer " + s.endpoint() +
                                                  " ended inside a frame, which is dropped: " + s.decoder.error_text());
        }
        close_session(s);
        return;
      case Io::failed:
        if (fail_code == 0) fail_code = SYSLOGTLS_E_IO;
        if (fail_text.find(s.ip) == std::string::npos) fail_text = "session with peer " + s.endpoint() + ": " + fail_text;
        shared_.log.warn(fail_code, fail_text);
        close_session(s);
        return;
    }
  }
  ready_.push_back(id);  // budget used up: continue on the next turn
}

bool ServerLoop::deliver(ServerSession& s, size_t len) {
  shared_.count(SYSLOGTLS_CTR_BYTES_RECEIVED, len);
  frames_.clear();
  const unsigned long long oversize_before = s.decoder.oversize_count();
  size_t pos = 0;
  bool failed = false;
  for (;;) {
    Frame f;
    const DecodeStatus st = s.decoder.next(rbuf_.data(), len, &pos, &f);
    if (st == DecodeStatus::frame) {
      frames_.push_back(syslogtls_frame{f.data, f.len, f.flags});
      continue;
    }
    failed = st == DecodeStatus::error;
    break;
  }
  const unsigned long long oversize = s.decoder.oversize_count() - oversize_before;
  if (!frames_.empty()) {
    shared_.count(SYSLOGTLS_CTR_FRAMES_RECEIVED, frames_.size());
    settings_.cb.on_frames(&s, frames_.data(), frames_.size(), settings_.user);
  }
  if (failed) {
    if (oversize != 0) {
      shared_.count(SYSLOGTLS_CTR_FRAMES_OVERSIZE, oversize);
    } else {
      shared_.count(SYSLOGTLS_CTR_FRAMES_INVALID);
    }
    shared_.log.warn(SYSLOGTLS_E_FRAME, "session with peer " + s.endpoint() +
                                            (s.subject.empty() ? "" : " (subject '" + s.subject + "')") +
                                            " closed: " + s.decoder.error_text());
    close_session(s);
    return false;
  }
  if (oversize != 0) {
    shared_.count(SYSLOGTLS_CTR_FRAMES_OVERSIZE, oversize);
    unsigned long held = 0;
    if (oversize_log_.allow(Clock::now(), &held)) {
      shared_.log.warn(SYSLOGTLS_E_FRAME,
                       "peer " + s.endpoint() + " sent a frame larger than " + std::to_string(settings_.max_frame) +
                           " bytes: " + (settings_.oversize == SYSLOGTLS_OVERSIZE_DISCARD ? "discarded" : "truncated") +
                           suppressed_note(held));
    }
  }
  return true;
}

void ServerLoop::begin_drain(ServerSession& s) {
  if (s.state == ServerSession::State::handshake) {
    close_session(s);  // not yet a session: nothing to drain
    return;
  }
  if (s.state == ServerSession::State::draining) return;
  s.state = ServerSession::State::draining;
  if (s.tls) {
    do_bye(s);
  } else {
    ::shutdown(s.fd.get(), SHUT_WR);
  }
}

void ServerLoop::do_bye(ServerSession& s) {
  switch (s.tls->bye()) {
    case Io::want_write:
    case Io::want_read:
      s.bye_pending = true;
      set_events(s, EPOLLIN | EPOLLOUT);
      return;
    case Io::done:
    case Io::closed:
      s.bye_pending = false;
      set_events(s, EPOLLIN);
      return;
    case Io::failed:
      close_session(s);  // the peer is gone already; nothing more to read
      return;
  }
}

void ServerLoop::on_timer(uint64_t id, uint32_t gen) {
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second->timer_gen != gen) return;
  ServerSession& s = *it->second;
  const auto now = Clock::now();
  if (s.state == ServerSession::State::handshake) {
    shared_.count(SYSLOGTLS_CTR_HANDSHAKE_FAILED);
    shared_.count(SYSLOGTLS_CTR_SESSIONS_REFUSED);
    shared_.log.warn(SYSLOGTLS_E_TIMEOUT, "peer " + s.endpoint() + " refused: TLS handshake not completed within " +
                                              std::to_string(shared_.tls->handshake_timeout_ms()) + " ms");
    close_session(s);
    return;
  }
  const auto idle_until = s.last_activity + std::chrono::seconds(settings_.idle_timeout_s);
  if (now < idle_until) {
    timers_.add(idle_until, s.id, s.timer_gen);
    return;
  }
  shared_.log.log(SYSLOGTLS_LOG_NOTICE, SYSLOGTLS_E_TIMEOUT,
                  "session with peer " + s.endpoint() + " closed: idle for " +
                      std::to_string(settings_.idle_timeout_s) + " s");
  close_session(s);
}

void ServerLoop::close_session(ServerSession& s) {
  loop_.remove(s.fd.get());
  if (s.state == ServerSession::State::handshake) {
    // Unread input makes close() send a reset, which can overtake the alert
    // we just sent; read what is already here (bounded) so the peer gets
    // the alert and a clean FIN.
    for (int i = 0; i < 4; ++i) {
      if (::recv(s.fd.get(), rbuf_.data(), rbuf_.size(), MSG_DONTWAIT) <= 0) break;
    }
  }
  if (s.opened) {
    if (settings_.cb.on_close != nullptr) settings_.cb.on_close(&s, settings_.user);
    shared_.open_sessions.fetch_sub(1, std::memory_order_relaxed);
    shared_.count(SYSLOGTLS_CTR_SESSIONS_CLOSED);
  }
  shared_.connections.fetch_sub(1, std::memory_order_relaxed);
  sessions_.erase(s.id);  // destroys s: TLS session, then the socket
}

void ServerLoop::close_all_for_stop() {
  while (!sessions_.empty()) {
    ServerSession& s = *sessions_.begin()->second;
    if (s.opened) {
      shared_.count(SYSLOGTLS_CTR_DRAIN_TIMEOUT);
      shared_.log.warn(SYSLOGTLS_E_TIMEOUT, "session with peer " + s.endpoint() +
                                                " cut at shutdown: the peer did not close within the drain time of " +
                                                std::to_string(drain_ms_) + " ms");
    }
    close_session(s);
  }
}

void ServerLoop::run() noexcept {
  for (;;) {
    try {
      process_commands();
      if (stopping_ && sessions_.empty()) break;
      auto now = Clock::now();
      if (stopping_ && now >= drain_deadline_) {
        close_all_for_stop();
        break;
      }
      if (accept_paused_ && now >= accept_paused_until_ && listener_) {
        accept_paused_ = false;
        loop_.add(listener_.get(), EPOLLIN, kListenerToken);
      }
      int timeout = ready_.empty() ? timers_.timeout_ms(now) : 0;
      auto bound = [&](Clock::time_point t) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count() + 1;
        if (timeout < 0 || ms < timeout) timeout = static_cast<int>(ms < 0 ? 0 : ms);
      };
      if (stopping_) bound(drain_deadline_);
      if (accept_paused_) bound(accept_paused_until_);
      const int n = loop_.wait(timeout);
      for (int i = 0; i < n; ++i) {
        const epoll_event& ev = loop_.event(i);
        if (ev.data.u64 == EventLoop::kWakeToken) continue;
        if (ev.data.u64 == kListenerToken) {
          accept_some();
          continue;
        }
        on_event(ev.data.u64, ev.events);
      }
      if (!ready_.empty()) {
        std::vector<uint64_t> ready;
        ready.swap(ready_);
        for (uint64_t id : ready) {
          auto it = sessions_.find(id);
          if (it != sessions_.end() && it->second->state != ServerSession::State::handshake) do_read(*it->second);
        }
      }
      timers_.expire(Clock::now(), [this](uint64_t id, uint32_t gen) { on_timer(id, gen); });
    } catch (const std::exception& e) {
      shared_.log.err(SYSLOGTLS_E_INTERNAL, std::string("server event loop: ") + e.what());
    }
  }
  // Leave nothing behind (also after an internal error).
  try {
    close_all_for_stop();
  } catch (...) {
  }
}

}  // namespace syslogtls
