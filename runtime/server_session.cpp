// server_session.cpp - one server session on its loop: the TLS handshake,
// the read path, framing and delivery to on_frames (with pause), and the
// close_notify of the graceful drain (see server_loop.hpp).
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "error.hpp"
#include "server_loop.hpp"

namespace syslogtls {

namespace {

constexpr int kReadsPerWakeup = 4;  // buffer fills per session per wake-up (fairness)

std::string suppressed_note(unsigned long held) {
  return held == 0 ? std::string() : " (" + std::to_string(held) + " similar messages suppressed)";
}

std::string subject_note(const std::string& subject) {
  return subject.empty() ? std::string() : " (subject '" + subject + "')";
}

}  // namespace

std::string idle_close_text(const ServerSession& s, unsigned idle_timeout_s) {
  const std::string secs = std::to_string(idle_timeout_s) + " s";
  if (s.decoder.at_boundary()) return "session with peer " + s.endpoint() + " closed: idle for " + secs;
  return "session with peer " + s.endpoint() + subject_note(s.subject) +
         " closed: frame not completed within " + secs + " (frame-progress timeout, idleTimeout)";
}

void ServerShared::report(const ServerSession& s, int kind, int level, int code, int reason,
                          const std::string& text) const noexcept {
  try {
    governor.event(Clock::now(), kind, level, code, reason, EventPeer{&s.ip, s.port, &s.peer_subject()}, text);
  } catch (...) {
    // out of memory while counting: the line is lost, the session goes on
  }
}

bool ServerShared::take_peer_slot(const std::string& ip) {
  std::lock_guard<std::mutex> lock(peers_mutex);
  unsigned& n = per_peer_[ip];
  if (n >= settings.max_per_peer) {
    if (n == 0) per_peer_.erase(ip);
    return false;
  }
  ++n;
  return true;
}

void ServerShared::release_peer_slot(const std::string& ip) {
  std::lock_guard<std::mutex> lock(peers_mutex);
  auto it = per_peer_.find(ip);
  if (it == per_peer_.end()) return;
  if (--it->second == 0) per_peer_.erase(it);
}

// The peer sent handshake bytes in the last step: its silence starts anew
// (and, once the server has answered, it has sent a complete ClientHello).
void ServerLoop::handshake_progress(ServerSession& s, uint64_t received_before) {
  if (s.transport.received() == received_before) return;
  s.quiet_since = Clock::now();
  shared_.pending.progress(s.fd.get(), s.quiet_since, s.transport.sent() > 0);
}

// The PROXY protocol header, before the TLS session exists: its bytes are
// peeked and only the header's own consumed, so that the first byte GnuTLS
// reads is the client's. While the header is incomplete every byte seen is
// part of it (the parser is monotone) and is moved to proxy_buf, so the
// socket never stays readable with bytes already looked at.
void ServerLoop::proxy_refused(ServerSession& s, int code, int reason, const std::string& text, bool invalid) {
  shared_.count(SYSLOGTLS_CTR_HANDSHAKE_FAILED);
  shared_.count(SYSLOGTLS_CTR_SESSIONS_REFUSED);
  if (invalid) shared_.count(SYSLOGTLS_CTR_PROXY_INVALID);
  shared_.report(s, SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, code, reason, text);
  close_session(s);
}

bool ServerLoop::proxy_consume(ServerSession& s, size_t n) {
  char sink[kProxyMax];
  while (n > 0) {
    const ssize_t r = ::recv(s.fd.get(), sink, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;  // the bytes were peeked: they are there
    n -= static_cast<size_t>(r);
  }
  return true;
}

void ServerLoop::do_proxy_header(ServerSession& s) {
  unsigned char buf[kProxyMax];
  const size_t have = s.proxy_buf.size();
  std::memcpy(buf, s.proxy_buf.data(), have);
  ssize_t n;
  do {
    n = ::recv(s.fd.get(), buf + have, kProxyMax - have, MSG_PEEK);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      set_events(s, EPOLLIN);
      return;
    }
    proxy_refused(s, SYSLOGTLS_E_IO, SYSLOGTLS_REASON_IO,
                  "peer " + s.endpoint() + ": read failed while waiting for its PROXY protocol header: " +
                      std::strerror(errno),
                  false);
    return;
  }
  if (n == 0) {
    if (have == 0) {
      close_session(s);  // connected and closed without a byte (a TCP health check)
      return;
    }
    proxy_refused(s, SYSLOGTLS_E_CLOSED, SYSLOGTLS_REASON_PROXY_HEADER,
                  "peer " + s.endpoint() + " refused: it closed the connection inside its PROXY protocol header "
                  "(truncated after " + std::to_string(have) + (have == 1 ? " byte)" : " bytes)"),
                  true);
    return;
  }
  const ProxyHeader h = parse_proxy_header(buf, have + static_cast<size_t>(n), settings_.proxy_versions);
  if (h.status == ProxyHeader::Status::invalid) {
    proxy_refused(s, SYSLOGTLS_E_PEER_REJECTED, SYSLOGTLS_REASON_PROXY_HEADER,
                  "peer " + s.endpoint() + " refused: " + h.error, true);
    return;
  }
  const size_t take = h.status == ProxyHeader::Status::done ? h.length - have : static_cast<size_t>(n);
  if (!proxy_consume(s, take)) {
    proxy_refused(s, SYSLOGTLS_E_IO, SYSLOGTLS_REASON_IO,
                  "peer " + s.endpoint() + ": read failed while taking its PROXY protocol header", false);
    return;
  }
  s.quiet_since = Clock::now();
  shared_.pending.progress(s.fd.get(), s.quiet_since, false);
  if (h.status == ProxyHeader::Status::incomplete) {
    s.proxy_buf.append(reinterpret_cast<const char*>(buf) + have, take);
    set_events(s, EPOLLIN);
    return;
  }
  if (h.local) {
    shared_.count(SYSLOGTLS_CTR_PROXY_HEALTHCHECKS);  // the balancer's own check: no log line
    close_session(s);
    return;
  }
  s.proxy_stage = false;
  s.proxy_buf.clear();
  s.proxy_buf.shrink_to_fit();
  s.proxy_ip = std::move(s.ip);
  s.proxy_port = s.port;
  s.ip = h.src_ip;
  s.port = h.src_port;
  std::shared_ptr<const TlsConfig> tls = std::move(s.tls_pending);
  if (!tls) {
    established(s);
    return;
  }
  try {
    PeerInfo info;
    info.ip = s.ip;
    info.port = s.port;
    s.tls = std::make_unique<TlsSession>(std::move(tls), s.transport, std::move(info));
  } catch (const std::exception& e) {
    shared_.report(s, SYSLOGTLS_EVENT_MESSAGE, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_INTERNAL, SYSLOGTLS_REASON_NONE,
                   "cannot set up session for peer " + s.endpoint() + ": " + e.what());
    close_session(s);
    return;
  }
  do_handshake(s);
}

void ServerLoop::do_handshake(ServerSession& s) {
  const uint64_t received = s.transport.received();
  const Io r = s.tls->handshake();
  handshake_progress(s, received);
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
      int reason = s.tls->error_reason();
      std::string text = s.tls->error_text();
      if (r == Io::closed || code == 0) {
        code = SYSLOGTLS_E_CLOSED;
        reason = SYSLOGTLS_REASON_CLOSED;
        text = "peer " + s.endpoint() + " closed the connection during the TLS handshake";
      } else if (text.find(s.ip) == std::string::npos) {
        text = "peer " + s.endpoint() + " refused: " + text;
      }
      if (reason == SYSLOGTLS_REASON_NONE) reason = SYSLOGTLS_REASON_TLS_PROTOCOL;
      if (code == SYSLOGTLS_E_PEER_REJECTED) shared_.count(SYSLOGTLS_CTR_SESSIONS_REFUSED);
      shared_.report(s, SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, code, reason, text);
      close_session(s);
      return;
    }
  }
}

void ServerLoop::established(ServerSession& s) {
  ++s.timer_gen;  // cancels the handshake deadline
  leave_pending(s.fd.get());
  if (!take_session_slot(s)) return;  // refused and closed
  s.state = ServerSession::State::open;
  if (s.tls) {
    s.subject = s.tls->peer_subject();
    s.version = s.tls->tls_version();
    s.cipher = s.tls->cipher();
    s.resumed = s.tls->resumed();
    s.identity = s.tls->peer_identity();
    s.accept_wildcards = s.tls->accept_wildcard_certificates();
  }
  const syslogtls_server_callbacks& cb = settings_.cb;
  if (cb.on_open != nullptr && cb.on_open(&s, settings_.user) != 0) {
    shared_.count(SYSLOGTLS_CTR_SESSIONS_REFUSED);
    shared_.report(s, SYSLOGTLS_EVENT_PEER_REFUSED, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_PEER_REJECTED,
                   SYSLOGTLS_REASON_NONE,
                   "peer " + s.endpoint() + subject_note(s.subject) + " refused by the application");
    close_session(s);
    return;
  }
  s.opened = true;
  shared_.open_sessions.fetch_add(1, std::memory_order_relaxed);
  shared_.count(SYSLOGTLS_CTR_SESSIONS_OPENED);
  if (s.resumed) shared_.count(SYSLOGTLS_CTR_SESSIONS_RESUMED);
  if (settings_.session_log) {
    std::string text;
    if (s.tls) {
      const std::string who = s.subject.empty() ? "no client certificate" : "subject '" + s.subject + "'";
      text = "session opened: peer " + s.endpoint() + ", " + who + ", " + s.version + ", " + s.cipher;
      if (s.resumed) text += ", resumed";
    } else {
      text = "plaintext session opened: peer " + s.endpoint();
    }
    if (!s.proxy_ip.empty()) text += ", through " + format_endpoint(s.proxy_ip, s.proxy_port) + " (PROXY protocol)";
    shared_.report(s, SYSLOGTLS_EVENT_SESSION_OPENED, SYSLOGTLS_LOG_INFO, 0, SYSLOGTLS_REASON_NONE, text);
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

Io ServerLoop::read_once(ServerSession& s, char* buf, size_t cap, size_t* got, int* code, int* reason,
                         std::string* text) {
  *got = 0;
  if (s.tls) {
    const Io r = s.tls->read(buf, cap, got);
    if (r == Io::failed) {
      *code = s.tls->error_code();
      *reason = s.tls->error_reason();
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
  *reason = SYSLOGTLS_REASON_IO;
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
    int fail_reason = SYSLOGTLS_REASON_IO;
    std::string fail_text;
    while (filled < rbuf_.size()) {
      size_t got = 0;
      r = read_once(s, rbuf_.data() + filled, rbuf_.size() - filled, &got, &fail_code, &fail_reason, &fail_text);
      if (r != Io::done) break;
      filled += got;
      if (!s.tls) break;  // one recv() already took what the socket had
    }
    if (filled > 0) {
      const bool starts_frame = s.decoder.at_boundary();
      if (!deliver(s, filled)) return;  // session closed on a frame error
      if (sessions_.find(id) == sessions_.end()) return;
      // Frame progress, not bytes, is activity: data that starts a frame or
      // completes one resets the idle timer; bytes that only extend a pending
      // frame do not, so a peer trickling a frame (one byte a second) is freed
      // when that frame is not complete within idleTimeout.
      if (settings_.idle_timeout_s != 0 && (starts_frame || !frames_.empty())) s.last_activity = Clock::now();
    }
    // Paused: stop here unless the stream already ended (nothing more to hold back).
    if (s.paused && r != Io::closed && r != Io::failed) return;
    switch (r) {
      case Io::done:
        continue;  // buffer full: there may be more
      case Io::want_read:
        set_events(s, read_events(s) | (s.bye_pending ? static_cast<uint32_t>(EPOLLOUT) : 0u));
        return;
      case Io::want_write:
        set_events(s, EPOLLIN | EPOLLOUT);
        return;
      case Io::closed:
        if (!s.decoder.failed() && !s.decoder.finish()) {
          shared_.count(SYSLOGTLS_CTR_FRAMES_INVALID);
          shared_.report(s, SYSLOGTLS_EVENT_FRAME_ALTERED, SYSLOGTLS_LOG_WARNING, SYSLOGTLS_E_FRAME,
                         SYSLOGTLS_REASON_BAD_FRAME,
                         "session with peer " + s.endpoint() +
                             " ended inside a frame, which is dropped: " + s.decoder.error_text());
        }
        close_session(s);
        return;
      case Io::failed:
        if (fail_code == 0) fail_code = SYSLOGTLS_E_IO;
        if (fail_reason == SYSLOGTLS_REASON_NONE) fail_reason = SYSLOGTLS_REASON_IO;
        if (fail_text.find(s.ip) == std::string::npos) fail_text = "session with peer " + s.endpoint() + ": " + fail_text;
        s.failed = true;
        shared_.report(s, SYSLOGTLS_EVENT_SESSION_FAILED, SYSLOGTLS_LOG_ERR, fail_code, fail_reason, fail_text);
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
    if (settings_.cb.on_frames(&s, frames_.data(), frames_.size(), settings_.user) == SYSLOGTLS_FRAMES_PAUSE)
      pause(s);
  }
  if (failed) {
    if (oversize != 0) {
      shared_.count(SYSLOGTLS_CTR_FRAMES_OVERSIZE, oversize);
    } else {
      shared_.count(SYSLOGTLS_CTR_FRAMES_INVALID);
    }
    s.failed = true;
    shared_.report(s, SYSLOGTLS_EVENT_SESSION_FAILED, SYSLOGTLS_LOG_ERR, SYSLOGTLS_E_FRAME,
                   oversize != 0 ? SYSLOGTLS_REASON_OVERSIZE : SYSLOGTLS_REASON_BAD_FRAME,
                   "session with peer " + s.endpoint() + subject_note(s.subject) +
                       " closed: " + s.decoder.error_text());
    close_session(s);
    return false;
  }
  if (oversize != 0) {
    shared_.count(SYSLOGTLS_CTR_FRAMES_OVERSIZE, oversize);
    unsigned long held = 0;
    if (oversize_log_.allow(Clock::now(), &held)) {
      shared_.report(s, SYSLOGTLS_EVENT_FRAME_ALTERED, SYSLOGTLS_LOG_WARNING, SYSLOGTLS_E_FRAME,
                     SYSLOGTLS_REASON_OVERSIZE,
                     "peer " + s.endpoint() + " sent a frame larger than " + std::to_string(settings_.max_frame) +
                         " bytes: " +
                         (settings_.oversize == SYSLOGTLS_OVERSIZE_DISCARD ? "discarded" : "truncated") +
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
      set_events(s, read_events(s) | EPOLLOUT);
      return;
    case Io::done:
    case Io::closed:
      s.bye_pending = false;
      set_events(s, read_events(s));
      return;
    case Io::failed:
      close_session(s);  // the peer is gone already; nothing more to read
      return;
  }
}

}  // namespace syslogtls
