// server_loop.cpp - one server event-loop thread: commands from other threads,
// accepting and handing out sockets, timers, pause and resume, and the
// graceful stop with its drain bound (see server_loop.hpp).
#include "server_loop.hpp"

#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "error.hpp"

namespace syslogtls {

namespace {

constexpr size_t kReadBuffer = 128 * 1024;
// The PROXY header's timeout on a plaintext server (no tls.handshakeTimeout).
constexpr unsigned kPlainProxyTimeoutMs = 10000;

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
  if (fd) {  // stopping: dropped
    leave_pending(fd.get());
    fd.reset();
    shared_.connections.fetch_sub(1, std::memory_order_relaxed);
  }
  loop_.wake();
}

void ServerLoop::evict(uint64_t session_id, bool hello, unsigned silent_ms, Clock::time_point picked_at) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    evictions_.push_back(Eviction{session_id, hello, silent_ms, picked_at});
    has_commands_.store(true, std::memory_order_release);
  }
  loop_.wake();
}

void ServerLoop::wake_accept() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    accept_wake_ = true;
    has_commands_.store(true, std::memory_order_release);
  }
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
  std::vector<Eviction> evictions;
  bool stop;
  bool accept_wake;
  unsigned drain_ms;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    incoming.swap(incoming_);
    resumes.swap(resumes_);
    evictions.swap(evictions_);
    stop = stop_requested_;
    drain_ms = drain_ms_;
    accept_wake = accept_wake_;
    accept_wake_ = false;
  }
  if (accept_wake) admit_due_ = true;  // run_once starts waiting connections
  for (const Eviction& e : evictions) {
    auto it = sessions_.find(e.id);
    if (it == sessions_.end() || it->second->state != ServerSession::State::handshake) continue;
    ServerSession& s = *it->second;
    // Progress since it was picked (or bytes waiting for us): keep it; the
    // budget is exceeded by one until a pending connection leaves.
    if (s.quiet_since > e.picked_at || unread_bytes(s.fd.get())) continue;
    const auto silent = std::chrono::milliseconds(e.silent_ms) +
                        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - e.picked_at);
    shared_.count(SYSLOGTLS_CTR_HANDSHAKE_EVICTED);
    const std::string what =
        s.proxy_stage ? "it sent no complete PROXY protocol header in " + std::to_string(silent.count()) + " ms"
        : e.hello     ? "its TLS handshake made no progress for " + std::to_string(silent.count()) + " ms"
                      : "it sent no complete TLS ClientHello in " + std::to_string(silent.count()) + " ms";
    shared_.report(s, SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_LIMIT, SYSLOGTLS_REASON_EVICTED,
                   "pending connection from " + s.endpoint() + " evicted: " + what +
                       ", and a new connection needed its slot (the budget of " +
                       std::to_string(settings_.max_pending) + " pending handshakes is full)");
    close_session(s);
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
  close_waiting_room();  // not yet counted anywhere
  if (listener_) {
    if (!accept_paused_) loop_.remove(listener_.get());
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
  const std::string ip = format_ip(peer);
  const unsigned max = settings_.max_sessions;
  shared_.governor.event(Clock::now(), SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_LIMIT,
                         SYSLOGTLS_REASON_LIMIT, EventPeer{&ip, addr_port(peer), nullptr},
                         "connection from " + format_endpoint(peer) + " refused: session limit reached (at most " +
                             std::to_string(max) + (max == 1 ? " session)" : " sessions)"));
}

bool ServerLoop::proxy_trusted(const SockAddr& peer) const {
  for (const AddressRange& r : settings_.proxy_trusted)
    if (range_contains(r, peer)) return true;
  return false;
}

void ServerLoop::refused_untrusted(const SockAddr& peer) {
  shared_.count(SYSLOGTLS_CTR_SESSIONS_REFUSED);
  const std::string ip = format_ip(peer);
  shared_.governor.event(Clock::now(), SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_PEER_REJECTED,
                         SYSLOGTLS_REASON_PROXY_UNTRUSTED, EventPeer{&ip, addr_port(peer), nullptr},
                         "connection from " + format_endpoint(peer) +
                             " refused: not a trusted PROXY protocol source (this port takes connections only "
                             "through a trusted load balancer, which sends the PROXY protocol header)");
}

bool ServerLoop::unread_bytes(int fd) const {
  int n = 0;
  return ::ioctl(fd, FIONREAD, &n) == 0 && n > 0;
}

void ServerLoop::leave_pending(int fd) {
  if (shared_.pending.remove(fd)) (*peers_)[0]->wake_accept();
}

// The pending budget is full: ask the loop of the longest-silent pending
// connection to evict it. false if every pending handshake is progressing.
bool ServerLoop::make_pending_room() {
  PendingBoard::Victim v;
  const auto now = Clock::now();
  if (!shared_.pending.pick(now, [this](int fd) { return unread_bytes(fd); }, &v)) return false;
  if (v.loop < peers_->size())
    (*peers_)[v.loop]->evict(v.id, v.hello, static_cast<unsigned>(v.silent.count()), now);
  return true;
}

// After the handshake and peer check: a slot among the authenticated
// sessions (max_sessions, when pending connections have their own budget)
// and one among the peer address's (max_per_peer). false: refused with a
// TLS alert the client sees, logged, and closed.
bool ServerLoop::take_session_slot(ServerSession& s) {
  const unsigned max = settings_.max_sessions;
  const unsigned n = shared_.authenticated.fetch_add(1, std::memory_order_relaxed) + 1;
  std::string why;
  if (max != 0 && settings_.max_pending != 0 && n > max) {
    why = "session limit reached (at most " + std::to_string(max) + (max == 1 ? " session)" : " sessions)");
  } else if (settings_.max_per_peer != 0 && !shared_.take_peer_slot(s.ip)) {
    const unsigned per = settings_.max_per_peer;
    why = "session limit per peer address reached (at most " + std::to_string(per) +
          (per == 1 ? " session" : " sessions") + " from " + s.ip + ")";
  }
  if (why.empty()) {
    s.authenticated = true;
    return true;
  }
  shared_.authenticated.fetch_sub(1, std::memory_order_relaxed);
  shared_.count(SYSLOGTLS_CTR_SESSIONS_REFUSED);
  if (s.tls) s.tls->alert_access_denied();
  const std::string subject = s.tls ? s.tls->peer_subject() : std::string();
  shared_.report(s, SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_LIMIT, SYSLOGTLS_REASON_LIMIT,
                 "peer " + s.endpoint() + (subject.empty() ? std::string() : " (subject '" + subject + "')") +
                     " refused after the TLS handshake: " + why);
  close_session(s);  // still in the handshake state: unread input is read first, so the alert arrives
  return false;
}

void ServerLoop::start_session(Fd fd, const SockAddr& peer) {
  if (stopping_) {
    leave_pending(fd.get());
    shared_.connections.fetch_sub(1, std::memory_order_relaxed);
    return;  // fd closes here
  }
  const uint64_t id = (next_seq_++ << kIndexBits) | index_;
  std::unique_ptr<ServerSession> owned;
  try {
    owned = std::make_unique<ServerSession>(id, std::move(fd), format_ip(peer), addr_port(peer), settings_);
    if (settings_.proxy_versions != 0) {
      // The TLS session starts once the header has given the client's address.
      owned->proxy_stage = true;
      owned->tls_pending = shared_.tls();
      owned->handshake_ms = owned->tls_pending ? owned->tls_pending->handshake_timeout_ms() : kPlainProxyTimeoutMs;
    } else if (std::shared_ptr<const TlsConfig> tls = shared_.tls()) {
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
    if (owned) {
      leave_pending(owned->fd.get());
    } else {
      leave_pending(fd.get());
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
  // The handshake timeout counts the peer's silence from here (time in the
  // waiting room and in adopt() was the server's).
  s.quiet_since = Clock::now();
  shared_.pending.start(s.fd.get(), index_, id);
  if (s.tls || s.proxy_stage) {
    if (s.handshake_ms != 0) timers_.add(s.quiet_since + std::chrono::milliseconds(s.handshake_ms), s.id, s.timer_gen);
    step_handshake(s);
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
  if ((id & kWaitingToken) != 0) {
    waiting_event(id, events);
    return;
  }
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;  // closed earlier in this batch
  ServerSession& s = *it->second;
  if (s.state == ServerSession::State::handshake) {
    step_handshake(s);
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
    // The deadline restarts with every byte the peer sends; bytes waiting
    // for the server are the server's backlog, not the peer's silence.
    const auto limit = std::chrono::milliseconds(s.handshake_ms);
    if (now < s.quiet_since + limit) {
      timers_.add(s.quiet_since + limit, s.id, s.timer_gen);
      return;
    }
    if (unread_bytes(s.fd.get())) {
      s.quiet_since = now;
      timers_.add(now + limit, s.id, s.timer_gen);
      step_handshake(s);  // may close or establish s
      return;
    }
    if (s.proxy_stage) {
      const size_t got = s.proxy_buf.size();
      if (got == 0) {
        proxy_refused(s, SYSLOGTLS_E_TIMEOUT, SYSLOGTLS_REASON_HANDSHAKE_TIMEOUT,
                      "peer " + s.endpoint() + " refused: no PROXY protocol header within " +
                          std::to_string(s.handshake_ms) + " ms: the peer sent nothing for that long",
                      false);
      } else {
        proxy_refused(s, SYSLOGTLS_E_TIMEOUT, SYSLOGTLS_REASON_PROXY_HEADER,
                      "peer " + s.endpoint() + " refused: PROXY protocol header not completed within " +
                          std::to_string(s.handshake_ms) + " ms (truncated after " + std::to_string(got) +
                          (got == 1 ? " byte)" : " bytes)"),
                      true);
      }
      return;
    }
    shared_.count(SYSLOGTLS_CTR_HANDSHAKE_FAILED);
    shared_.count(SYSLOGTLS_CTR_SESSIONS_REFUSED);
    shared_.report(s, SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_TIMEOUT,
                   SYSLOGTLS_REASON_HANDSHAKE_TIMEOUT,
                   "peer " + s.endpoint() + " refused: TLS handshake not completed within " +
                       std::to_string(s.handshake_ms) + " ms: the peer sent nothing for that long");
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
  if (s.authenticated) {
    s.authenticated = false;
    shared_.authenticated.fetch_sub(1, std::memory_order_relaxed);
    if (settings_.max_per_peer != 0) shared_.release_peer_slot(s.ip);
  }
  if (s.state == ServerSession::State::handshake) {
    leave_pending(s.fd.get());
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
    budget_wait_ = false;
    loop_.add(listener_.get(), EPOLLIN, kListenerToken);
  }
  int timeout = ready_.empty() ? timers_.timeout_ms(now) : 0;
  auto bound = [&](Clock::time_point t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count() + 1;
    if (timeout < 0 || ms < timeout) timeout = static_cast<int>(ms < 0 ? 0 : ms);
  };
  if (stopping_) bound(drain_deadline_);
  if (accept_paused_) bound(accept_paused_until_);
  if (admit_due_ || (!room_.empty() && now >= next_admit_)) {
    admit_due_ = false;
    expire_waiting(now);
    admit_waiting();
    next_admit_ = now + std::chrono::milliseconds(100);
  }
  if (!room_.empty()) bound(next_admit_);
  if (index_ == 0) {
    if (now >= next_tick_) {
      shared_.governor.tick(now);
      next_tick_ = now + std::chrono::seconds(1);
    }
    bound(next_tick_);
  }
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
