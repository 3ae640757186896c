// client.cpp - Client: connect, handshake, corked send, check, close.
#include "client.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "error.hpp"
#include "idna.hpp"

namespace syslogtls {

namespace {

Clock::time_point deadline_after(unsigned ms) {
  return ms == 0 ? Clock::time_point::max() : Clock::now() + std::chrono::milliseconds(ms);
}

std::string describe_target(const std::string& host, const std::string& endpoint) {
  if (host.empty() || endpoint == host || endpoint == "[" + host + "]" || endpoint.rfind(host + ":", 0) == 0 ||
      endpoint.rfind("[" + host + "]:", 0) == 0) {
    return endpoint;
  }
  return host + " (" + endpoint + ")";
}

int reason_of_code(int code) {
  switch (code) {
    case SYSLOGTLS_E_ADDR: return SYSLOGTLS_REASON_RESOLVE;
    case SYSLOGTLS_E_CONNECT: return SYSLOGTLS_REASON_CONNECT;
    case SYSLOGTLS_E_TIMEOUT: return SYSLOGTLS_REASON_CONNECT;
    case SYSLOGTLS_E_ABORTED: return SYSLOGTLS_REASON_ABORTED;
    case SYSLOGTLS_E_IO: return SYSLOGTLS_REASON_IO;
    case SYSLOGTLS_E_CLOSED: return SYSLOGTLS_REASON_CLOSED;
    case SYSLOGTLS_E_TLS: return SYSLOGTLS_REASON_TLS_PROTOCOL;
    case SYSLOGTLS_E_REJECTED_BY_PEER: return SYSLOGTLS_REASON_REJECTED_BY_PEER;
    case SYSLOGTLS_E_PEER_REJECTED: return SYSLOGTLS_REASON_CERT_INVALID;
    default: return SYSLOGTLS_REASON_NONE;
  }
}

// name as A-labels; false + *text ("target 'x': not a valid ...") if invalid.
bool ascii_name(const std::string& name, const char* what, std::string* out, std::string* text) {
  std::string why;
  if (to_alabel(name, out, &why)) return true;
  *text = std::string(what) + " '" + name + "': " + why;
  return false;
}

}  // namespace

template <typename Fn>
auto Client::recording_reason(Fn&& fn) -> decltype(fn()) {
  last_reason_ = SYSLOGTLS_REASON_NONE;
  try {
    return fn();
  } catch (const Error& e) {
    if (last_reason_ == SYSLOGTLS_REASON_NONE) last_reason_ = reason_of_code(e.code());
    throw;
  }
}

Client::Client(std::shared_ptr<const TlsConfig> tls) : cfg_(std::move(tls)) {
  if (cfg_) {
    if (!cfg_->loaded()) throw Error(SYSLOGTLS_E_STATE, "the TLS configuration must be loaded before it is used");
    if (cfg_->role() != SYSLOGTLS_ROLE_CLIENT) {
      throw Error(SYSLOGTLS_E_INVAL, "a client needs a TLS configuration of the client role");
    }
  }
}

Client::~Client() { disconnect(); }

void Client::set_source(const std::string& address) {
  if (address.empty()) {
    source_ = SockAddr{};
    source_text_.clear();
    return;
  }
  SockAddr a;
  if (!parse_ip_literal(address, 0, &a)) a = resolve(address, 0, true).front();
  source_ = a;
  source_text_ = address;
}

void Client::disconnect() noexcept {
  tls_.reset();
  transport_.reset();
  fd_.reset();
  connected_ = false;
}

void Client::fail(int code, int reason, const std::string& text) {
  last_reason_ = reason;
  disconnect();
  throw Error(code, text);
}

void Client::wait(short events, Clock::time_point deadline, const std::string& what, int timeout_reason) {
  switch (wait_fd(fd_.get(), events, deadline, abort_)) {
    case Wait::ready: return;
    case Wait::timeout: fail(SYSLOGTLS_E_TIMEOUT, timeout_reason, what);
    case Wait::aborted: fail(SYSLOGTLS_E_ABORTED, SYSLOGTLS_REASON_ABORTED, "aborted while waiting for " + target_);
  }
}

void Client::connect(const std::string& host, unsigned port, const std::string& server_name,
                     unsigned connect_timeout_ms) {
  recording_reason([&] {
    disconnect();
    peer_ip_.clear();
    peer_port_ = 0;
    subject_.clear();
    version_.clear();
    cipher_.clear();
    identity_ = PeerIdentity();
    resumed_ = false;
    target_ = host;
    if (host.empty()) throw Error(SYSLOGTLS_E_INVAL, "no target host given");
    if (port == 0 || port > 65535)
      throw Error(SYSLOGTLS_E_INVAL, "invalid port " + std::to_string(port) + " for " + host);
    // RFC 5425 section 5.2: an internationalised target is resolved, sent as
    // SNI and matched as its A-labels.
    std::string ascii_host, ascii_sni, bad;
    if (!ascii_name(host, "target", &ascii_host, &bad) ||
        (!server_name.empty() && !ascii_name(server_name, "server name", &ascii_sni, &bad)))
      fail(SYSLOGTLS_E_INVAL, SYSLOGTLS_REASON_RESOLVE, bad);
    if (server_name.empty()) ascii_sni = ascii_host;
    connect_tcp_to(ascii_host, port, connect_timeout_ms);
    if (ascii_host != host) target_ = describe_target(host, format_endpoint(peer_ip_, peer_port_));
    set_nodelay(fd_.get());
    if (keepalive_) syslogtls::set_keepalive(fd_.get(), true);
    transport_ = std::make_unique<FdTransport>(fd_.get());
    if (cfg_) handshake(ascii_host, ascii_sni);
    connected_ = true;
  });
}

void Client::connect_tcp_to(const std::string& host, unsigned port, unsigned connect_timeout_ms) {
  std::vector<SockAddr> addrs;
  SockAddr literal;
  if (parse_ip_literal(host, port, &literal)) {
    addrs.push_back(literal);
  } else {
    addrs = resolve(host, port, false);
  }
  const auto deadline = deadline_after(connect_timeout_ms);
  std::string errors;
  int last_err = 0;
  for (size_t i = 0; i < addrs.size(); ++i) {
    const SockAddr& a = addrs[i];
    if (aborted(abort_)) throw Error(SYSLOGTLS_E_ABORTED, "aborted while connecting to " + host);
    // Each remaining address gets an equal share of the remaining time, so
    // one black-holed address cannot use up the whole budget.
    auto attempt_deadline = deadline;
    if (deadline != Clock::time_point::max()) {
      const auto now = Clock::now();
      if (now < deadline) attempt_deadline = now + (deadline - now) / static_cast<long>(addrs.size() - i);
    }
    Fd fd;
    const int err = connect_tcp(a, source_.len != 0 ? &source_ : nullptr, attempt_deadline, abort_, &fd);
    const std::string endpoint = format_endpoint(a);
    if (err == 0) {
      fd_ = std::move(fd);
      peer_ip_ = format_ip(a);
      peer_port_ = addr_port(a);
      target_ = describe_target(host, endpoint);
      return;
    }
    last_err = err;
    if (err == ECANCELED) throw Error(SYSLOGTLS_E_ABORTED, "aborted while connecting to " + host);
    if (!errors.empty()) errors += "; ";
    errors += "connect to " + describe_target(host, endpoint) + " failed: " +
              (err == ETIMEDOUT ? std::string("timed out") : std::strerror(err));
    if (Clock::now() >= deadline) break;
  }
  if (!source_text_.empty() && last_err == EADDRNOTAVAIL) errors += " (source address " + source_text_ + ")";
  if (last_err == ETIMEDOUT) errors += " (connect timeout " + std::to_string(connect_timeout_ms) + " ms)";
  last_reason_ = SYSLOGTLS_REASON_CONNECT;
  throw Error(last_err == ETIMEDOUT ? SYSLOGTLS_E_TIMEOUT : SYSLOGTLS_E_CONNECT, errors);
}

void Client::handshake(const std::string& host, const std::string& server_name) {
  PeerInfo info;
  info.ip = peer_ip_;
  info.port = peer_port_;
  info.server_name = server_name.empty() ? host : server_name;
  // resumption data is kept per target: host, port and the name verified
  const std::string resume_key = host + "|" + std::to_string(peer_port_) + "|" + info.server_name;
  tls_ = std::make_unique<TlsSession>(cfg_, *transport_, std::move(info));
  if (cfg_->session_resumption()) tls_->set_resume_data(cfg_->resume_data(resume_key));
  const unsigned hs_ms = cfg_->handshake_timeout_ms();
  const auto hs_deadline = deadline_after(hs_ms);
  const std::string timeout_text =
      "TLS handshake with " + target_ + " timed out after " + std::to_string(hs_ms) + " ms";
  for (;;) {
    const Io r = tls_->handshake();
    if (r == Io::done) break;
    if (r == Io::want_read) {
      wait(POLLIN, hs_deadline, timeout_text, SYSLOGTLS_REASON_HANDSHAKE_TIMEOUT);
    } else if (r == Io::want_write) {
      wait(POLLOUT, hs_deadline, timeout_text, SYSLOGTLS_REASON_HANDSHAKE_TIMEOUT);
    } else {
      int code = tls_->error_code();
      int reason = tls_->error_reason();
      std::string text = tls_->error_text();
      if (r == Io::closed || code == 0) {
        code = SYSLOGTLS_E_CLOSED;
        reason = SYSLOGTLS_REASON_CLOSED;
        text = "the server closed the connection during the TLS handshake";
      }
      fail(code, reason, "TLS handshake with " + target_ + " failed: " + text);
    }
  }
  subject_ = tls_->peer_subject();
  version_ = tls_->tls_version();
  cipher_ = tls_->cipher();
  if (version_ == "TLS1.3" && tls_->certificate_requested()) await_certificate_verdict(hs_deadline, hs_ms);
  identity_ = tls_->peer_identity();
  resumed_ = tls_->resumed();
  // A full handshake's session (its TLS 1.3 ticket arrived during the
  // verdict wait) replaces what was kept; a resumed one keeps the old data.
  if (cfg_->session_resumption() && !resumed_) {
    std::string data = tls_->session_data();
    if (!data.empty()) cfg_->store_resume_data(resume_key, std::move(data));
  }
}

// A TLS 1.3 server checks our certificate after our Finished: a refusal
// (an alert) comes after the handshake completed here. Without this wait
// the first batch would be written into a session the server is already
// tearing down, and lost. Waits twice the handshake's duration (at least
// 50 ms, at most 1 s) for the server's verdict; silence means accepted.
void Client::await_certificate_verdict(Clock::time_point hs_deadline, unsigned hs_ms) {
  using std::chrono::milliseconds;
  const auto started = hs_ms == 0 ? Clock::now() : hs_deadline - milliseconds(hs_ms);
  const auto took = Clock::now() - started;
  auto bound = std::chrono::duration_cast<milliseconds>(2 * took);
  bound = std::max(milliseconds(50), std::min(bound, milliseconds(1000)));
  const auto deadline = Clock::now() + bound;
  char buf[4096];
  for (;;) {
    size_t got = 0;
    const Io r = tls_->read(buf, sizeof buf, &got);
    if (r == Io::done) continue;  // application data from a receiver is ignored
    if (r == Io::want_read || r == Io::want_write) {
      pollfd p{fd_.get(), static_cast<short>(r == Io::want_read ? POLLIN : POLLOUT), 0};
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return;
      const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 100)));
      if (n < 0 && errno != EINTR) return;
      if (aborted(abort_)) fail(SYSLOGTLS_E_ABORTED, SYSLOGTLS_REASON_ABORTED, "aborted after the TLS handshake with " + target_);
      if (n == 0 && Clock::now() >= deadline) return;
      continue;
    }
    if (r == Io::closed) {
      fail(SYSLOGTLS_E_REJECTED_BY_PEER, SYSLOGTLS_REASON_REJECTED_BY_PEER,
           "TLS handshake with " + target_ + " failed: the server closed the session right after the handshake "
           "(it did not accept our certificate?)");
    }
    const int code = tls_->error_code() != 0 ? tls_->error_code() : SYSLOGTLS_E_IO;
    fail(code, tls_reason(), "TLS handshake with " + target_ + " failed: " + tls_->error_text());
  }
}

void Client::send(const void* buf, size_t len, unsigned timeout_ms) {
  recording_reason([&] { send_all(buf, len, timeout_ms); });
}

void Client::send_all(const void* buf, size_t len, unsigned timeout_ms) {
  if (!connected_) throw Error(SYSLOGTLS_E_STATE, "not connected");
  const auto deadline = deadline_after(timeout_ms);
  const std::string timeout_text =
      "send to " + target_ + " timed out after " + std::to_string(timeout_ms) + " ms (the receiver does not read)";
  const char* p = static_cast<const char*>(buf);
  size_t left = len;
  if (!tls_) {
    while (left > 0) {
      ssize_t n;
      do {
        n = transport_->send(p, left);
      } while (n < 0 && errno == EINTR);
      if (n > 0) {
        p += n;
        left -= static_cast<size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        wait(POLLOUT, deadline, timeout_text, SYSLOGTLS_REASON_IO);
      } else {
        fail(n == 0 ? SYSLOGTLS_E_CLOSED : SYSLOGTLS_E_IO, n == 0 ? SYSLOGTLS_REASON_CLOSED : SYSLOGTLS_REASON_IO,
             "send to " + target_ + " failed: " + (n == 0 ? std::string("connection closed") : std::strerror(errno)));
      }
    }
    return;
  }
  auto step = [&](Io r) {
    if (r == Io::want_write) {
      wait(POLLOUT, deadline, timeout_text, SYSLOGTLS_REASON_IO);
    } else if (r == Io::want_read) {
      wait(POLLIN, deadline, timeout_text, SYSLOGTLS_REASON_IO);
    } else if (r == Io::closed) {
      fail(SYSLOGTLS_E_CLOSED, SYSLOGTLS_REASON_CLOSED, "send to " + target_ + " failed: the server closed the session");
    } else if (r == Io::failed) {
      const int code = tls_->error_code() != 0 ? tls_->error_code() : SYSLOGTLS_E_IO;
      fail(code, tls_reason(), "send to " + target_ + " failed: " + tls_->error_text());
    }
  };
  tls_->cork();
  while (left > 0) {
    size_t written = 0;
    const Io r = tls_->write(p, left, &written);
    if (r == Io::done) {
      p += written;
      left -= written;
    } else {
      step(r);  // retried with the same data
    }
  }
  for (;;) {
    const Io r = tls_->uncork();
    if (r == Io::done) break;
    step(r);
  }
}

int Client::check() {
  last_reason_ = SYSLOGTLS_REASON_NONE;
  if (!connected_) throw Error(SYSLOGTLS_E_STATE, "not connected");
  char buf[4096];
  for (;;) {
    if (tls_) {
      size_t got = 0;
      const Io r = tls_->read(buf, sizeof buf, &got);
      if (r == Io::done) continue;  // application data from a receiver is ignored
      if (r == Io::want_read || r == Io::want_write) return SYSLOGTLS_OK;
      if (r == Io::closed) {
        disconnect();
        last_reason_ = SYSLOGTLS_REASON_CLOSED;
        set_errmsg("the server " + target_ + " closed the session");
        return SYSLOGTLS_E_CLOSED;
      }
      const int code = tls_->error_code() != 0 ? tls_->error_code() : SYSLOGTLS_E_IO;
      const std::string text = "session with " + target_ + " failed: " + tls_->error_text();
      last_reason_ = tls_reason();
      disconnect();
      set_errmsg(text);
      return code;
    }
    ssize_t n;
    do {
      n = ::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n > 0) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return SYSLOGTLS_OK;
    const std::string text = n == 0 ? "the server " + target_ + " closed the connection"
                                    : "connection to " + target_ + " failed: " + std::strerror(errno);
    last_reason_ = n == 0 ? SYSLOGTLS_REASON_CLOSED : SYSLOGTLS_REASON_IO;
    disconnect();
    set_errmsg(text);
    return n == 0 ? SYSLOGTLS_E_CLOSED : SYSLOGTLS_E_IO;
  }
}

void Client::close(unsigned timeout_ms) {
  if (!connected_) {
    disconnect();
    return;
  }
  const auto deadline = deadline_after(timeout_ms);
  char buf[4096];
  try {
    if (tls_) {
      for (;;) {
        const Io r = tls_->bye();
        if (r == Io::done || r == Io::closed) break;
        if (r == Io::failed) throw Error(SYSLOGTLS_E_IO, "");
        wait(r == Io::want_read ? POLLIN : POLLOUT, deadline, "close", SYSLOGTLS_REASON_IO);
      }
      for (;;) {
        size_t got = 0;
        const Io r = tls_->read(buf, sizeof buf, &got);
        if (r == Io::done) continue;
        if (r == Io::want_read || r == Io::want_write) {
          wait(r == Io::want_read ? POLLIN : POLLOUT, deadline, "close", SYSLOGTLS_REASON_IO);
          continue;
        }
        break;  // close_notify, EOF or error: done either way
      }
    } else {
      ::shutdown(fd_.get(), SHUT_WR);
      for (;;) {
        const ssize_t n = ::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
          wait(POLLIN, deadline, "close", SYSLOGTLS_REASON_IO);
          continue;
        }
        break;
      }
    }
  } catch (const std::exception&) {
    // timeout, abort or failure: the connection is dropped below regardless
  }
  disconnect();
}

}  // namespace syslogtls
