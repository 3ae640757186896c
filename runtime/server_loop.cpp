// server_loop.cpp - one server event-loop thread: commands from other threads,
// accepting and handing out sockets, timers, pause and resume, and the
// graceful stop with its drain bound (see server_loop.hpp).
#include "server_loop.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "error.hpp"

namespace syslogtls {

namespace {

constexpr uint64_t kListenerToken = 1;
constexpr size_t kReadBuffer = 128 * 1024;
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

bool ServerLoop::resume(uint64_t session_id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (live_ids_.count(session_id) == 0) return false;
    resumes_.push_back(session_id);
    has_commands_.store(true, std::memory_order_release);
  }
  loop_.wake();
  return true;
}

void ServerLoop::process_commands() {
  if (!has_commands_.exchange(false, std::memory_order_acquire)) return;
  std::vector<std::pair<Fd, SockAddr>> incoming;
  std::vector<uint64_t> resumes;
  bool stop;
  unsigned drain_ms;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    incoming.swap(incoming_);
    resumes.swap(resumes_);
    stop = stop_requested_;
    drain_ms = drain_ms_;
  }
  for (auto& in : incoming) start_session(std::move(in.first), in.second);
  for (uint64_t id : resumes) {
    auto it = sessions_.find(id);
    if (it != sessions_.end() && it->second->paused) resume_now(*it->second);
  }
  if (stop && !stopping_) begin_stop(drain_ms);
}

void ServerLoop::begin_stop(unsigned drain_ms) {
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

void ServerLoop::refused_at_limit(const SockAddr& peer) {
  shared_.count(SYSLOGTLS_CTR_SESSIONS_REFUSED);
  unsigned long held = 0;
  if (limit_log_.allow(Clock::now(), &held)) {
    const std::string ip = format_ip(peer);
    const unsigned max = settings_.max_sessions;
    shared_.log.emit(SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_LIMIT, SYSLOGTLS_REASON_LIMIT,
                     EventPeer{&ip, addr_port(peer), nullptr},
                     "connection from " + format_endpoint(peer) + " refused: session limit reached (at most " +
                         std::to_string(max) + (max == 1 ? " session)" : " sessions)") + suppressed_note(held));
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
        shared_.log.err(SYSLOGTLS_E_IO, SYSLOGTLS_REASON_IO,
                        std::string("accept failed: ") + std::strerror(errno) + suppressed_note(held));
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
  const uint64_t id = (next_seq_++ << kIndexBits) | index_;
  std::unique_ptr<ServerSession> owned;
  try {
    owned = std::make_unique<ServerSession>(id, std::move(fd), format_ip(peer), addr_port(peer), settings_);
    if (std::shared_ptr<const TlsConfig> tls = shared_.tls()) {
      PeerInfo info;
      info.ip = owned->ip;
      info.port = owned->port;
      owned->handshake_ms = tls->handshake_timeout_ms();
      owned->tls = std::make_unique<TlsSession>(std::move(tls), owned->transport, std::move(info));
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      live_ids_.insert(id);
    }
    loop_.add(owned->fd.get(), EPOLLIN, id);
  } catch (const std::exception& e) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      live_ids_.erase(id);
    }
    shared_.connections.fetch_sub(1, std::memory_order_relaxed);
    const std::string ip = format_ip(peer);
    shared_.log.emit(SYSLOGTLS_EVENT_MESSAGE, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_INTERNAL, SYSLOGTLS_REASON_NONE,
                     EventPeer{&ip, addr_port(peer), nullptr},
                     "cannot set up session for peer " + format_endpoint(peer) + ": " + e.what());
    return;
  }
  ServerSession& s = *owned;
  s.events = EPOLLIN;
  sessions_.emplace(id, std::move(owned));
  if (s.tls) {
    const unsigned ms = s.handshake_ms;
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
  if (!s.watched) {
    loop_.add(s.fd.get(), events, s.id);
    s.watched = true;
    s.events = events;
    return;
  }
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
  if (s.paused) {
    // Error and hang-up are reported even without interest: stop watching
    // the socket until the resume, so that it does not wake the loop again.
    if ((events & (EPOLLERR | EPOLLHUP)) != 0 && !s.bye_pending) {
      loop_.remove(s.fd.get());
      s.watched = false;
      s.events = 0;
    }
    return;
  }
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) != 0) do_read(s);
}

void ServerLoop::pause(ServerSession& s) {
  if (s.paused) return;
  s.paused = true;
  set_events(s, s.bye_pending ? static_cast<uint32_t>(EPOLLOUT) : 0u);
}

void ServerLoop::resume_now(ServerSession& s) {
  s.paused = false;
  if (settings_.idle_timeout_s != 0) s.last_activity = Clock::now();  // paused time is not idle time
  set_events(s, EPOLLIN | (s.bye_pending ? static_cast<uint32_t>(EPOLLOUT) : 0u));
  do_read(s);  // data may wait inside GnuTLS, where epoll cannot see it
}

void ServerLoop::on_timer(uint64_t id, uint32_t gen) {
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second->timer_gen != gen) return;
  ServerSession& s = *it->second;
  const auto now = Clock::now();
  if (s.state == ServerSession::State::handshake) {
    shared_.count(SYSLOGTLS_CTR_HANDSHAKE_FAILED);
    shared_.count(SYSLOGTLS_CTR_SESSIONS_REFUSED);
    shared_.report(s, SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_TIMEOUT,
                   SYSLOGTLS_REASON_HANDSHAKE_TIMEOUT,
                   "peer " + s.endpoint() + " refused: TLS handshake not completed within " +
                       std::to_string(s.handshake_ms) + " ms");
    close_session(s);
    return;
  }
  const auto idle = std::chrono::seconds(settings_.idle_timeout_s);
  if (s.paused) {
    timers_.add(now + idle, s.id, s.timer_gen);  // paused time does not count
    return;
  }
  const auto idle_until = s.last_activity + idle;
  if (now < idle_until) {
    timers_.add(idle_until, s.id, s.timer_gen);
    return;
  }
  s.failed = true;
  shared_.report(s, SYSLOGTLS_EVENT_SESSION_FAILED, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_TIMEOUT,
                 SYSLOGTLS_REASON_IDLE_TIMEOUT,
                 idle_close_text(s, settings_.idle_timeout_s));
  close_session(s);
}

void ServerLoop::close_session(ServerSession& s) {
  if (s.watched) loop_.remove(s.fd.get());
  if (s.state == ServerSession::State::handshake) {
    // Unread input makes close() send a reset, which can overtake the alert
    // we just sent; read what is already here (bounded) so the peer gets
    // the alert and a clean FIN.
    for (int i = 0; i < 4; ++i) {
      if (::recv(s.fd.get(), rbuf_.data(), rbuf_.size(), MSG_DONTWAIT) <= 0) break;
    }
  }
  if (s.opened) {
    if (!s.failed && settings_.session_log) {
      shared_.report(s, SYSLOGTLS_EVENT_SESSION_CLOSED, SYSLOGTLS_LOG_INFO, 0, SYSLOGTLS_REASON_NONE,
                     std::string(s.tls ? "" : "plaintext ") + "session closed: peer " + s.endpoint());
    }
    if (settings_.cb.on_close != nullptr) settings_.cb.on_close(&s, settings_.user);
    shared_.open_sessions.fetch_sub(1, std::memory_order_relaxed);
    shared_.count(SYSLOGTLS_CTR_SESSIONS_CLOSED);
  }
  shared_.connections.fetch_sub(1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    live_ids_.erase(s.id);
  }
  sessions_.erase(s.id);  // destroys s: TLS session, then the socket
}

void ServerLoop::close_all_for_stop() {
  while (!sessions_.empty()) {
    ServerSession& s = *sessions_.begin()->second;
    if (s.opened) {
      shared_.count(SYSLOGTLS_CTR_DRAIN_TIMEOUT);
      s.failed = true;
      shared_.report(s, SYSLOGTLS_EVENT_SESSION_FAILED, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_TIMEOUT,
                     SYSLOGTLS_REASON_DRAIN_TIMEOUT,
                     "session with peer " + s.endpoint() +
                         " cut at shutdown: the peer did not close within the drain time of " +
                         std::to_string(drain_ms_) + " ms" + (s.paused ? " (the session was paused)" : ""));
    }
    close_session(s);
  }
}

void ServerLoop::run_once() {
  auto now = Clock::now();
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
      if (it != sessions_.end() && it->second->state != ServerSession::State::handshake && !it->second->paused)
        do_read(*it->second);
    }
  }
  timers_.expire(Clock::now(), [this](uint64_t id, uint32_t gen) { on_timer(id, gen); });
}

void ServerLoop::run() noexcept {
  for (;;) {
    try {
      process_commands();
      if (stopping_ && sessions_.empty()) break;
      if (stopping_ && Clock::now() >= drain_deadline_) {
        close_all_for_stop();
        break;
      }
      run_once();
    } catch (const std::exception& e) {
      shared_.log.err(SYSLOGTLS_E_INTERNAL, SYSLOGTLS_REASON_NONE, std::string("server event loop: ") + e.what());
    }
  }
  // Leave nothing behind (also after an internal error).
  try {
    close_all_for_stop();
  } catch (...) {
  }
}

}  // namespace syslogtls
