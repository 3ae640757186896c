// client.hpp - Client: one blocking-with-bounded-waits connection to a
// receiver, for a sender thread such as an rsyslog action worker.
//
// Concurrency: one thread at a time per Client. Errors are thrown as
// Error(code, text naming the target); the C API turns them into codes and
// syslogtls_errmsg(); last_reason() keeps the SYSLOGTLS_REASON_* of the last
// failed connect, send or check. The client never logs on its own.
#pragma once

#include <memory>
#include <string>

#include "fd.hpp"
#include "fd_transport.hpp"
#include "log.hpp"
#include "sockaddr.hpp"
#include "tls_session.hpp"

namespace syslogtls {

class Client final {
 public:
  // tls null = plaintext TCP. A TLS config must be loaded and of the client role.
  explicit Client(std::shared_ptr<const TlsConfig> tls);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void set_log(LogSink log) { log_ = log; }
  void set_abort_flag(const volatile int* flag) { abort_ = flag; }
  void set_keepalive(bool on) { keepalive_ = on; }
  void set_source(const std::string& address);  // "" = none; throws E_ADDR

  // See syslogtls_client_connect. Any previous connection is dropped first.
  void connect(const std::string& host, unsigned port, const std::string& server_name, unsigned connect_timeout_ms);
  // Writes all of buf (corked); any failure disconnects.
  void send(const void* buf, size_t len, unsigned timeout_ms);
  // SYSLOGTLS_OK, or SYSLOGTLS_E_CLOSED / an error code (then disconnected).
  int check();
  // close_notify, then wait at most timeout_ms for the peer's; always closes.
  void close(unsigned timeout_ms);
  // Drops the connection at once.
  void disconnect() noexcept;
  bool connected() const { return connected_; }
  int last_reason() const { return last_reason_; }

  const std::string& peer_ip() const { return peer_ip_; }
  unsigned peer_port() const { return peer_port_; }
  const std::string& peer_subject() const { return subject_; }
  const std::string& tls_version() const { return version_; }
  const std::string& cipher() const { return cipher_; }
  // Whether the last successful connect resumed an earlier TLS session.
  bool resumed() const { return resumed_; }
  // The server certificate's identity of the last successful handshake
  // (present == false before one, for plaintext, and after a failed connect).
  const PeerIdentity& peer_identity() const { return identity_; }

 private:
  // Waits for fd readiness until deadline; throws E_TIMEOUT (with what and
  // timeout_reason) / E_ABORTED.
  void wait(short events, Clock::time_point deadline, const std::string& what, int timeout_reason);
  void send_all(const void* buf, size_t len, unsigned timeout_ms);
  // The TLS session's failure reason (SYSLOGTLS_REASON_IO if it has none).
  int tls_reason() const {
    return tls_ && tls_->error_reason() != SYSLOGTLS_REASON_NONE ? tls_->error_reason() : SYSLOGTLS_REASON_IO;
  }
  [[noreturn]] void fail(int code, int reason, const std::string& text);
  // Runs one connect/send/check step: clears last_reason_, and on an Error
  // without an explicit reason derives one from its code.
  template <typename Fn>
  auto recording_reason(Fn&& fn) -> decltype(fn());
  void connect_tcp_to(const std::string& host, unsigned port, unsigned connect_timeout_ms);
  void handshake(const std::string& host, const std::string& server_name);
  void await_certificate_verdict(Clock::time_point hs_deadline, unsigned hs_ms);

  std::shared_ptr<const TlsConfig> cfg_;
  LogSink log_;
  const volatile int* abort_ = nullptr;
  bool keepalive_ = false;
  SockAddr source_;  // len 0 = none
  std::string source_text_;

  // Declaration order matters: tls_ goes before transport_ and fd_.
  Fd fd_;
  std::unique_ptr<FdTransport> transport_;
  std::unique_ptr<TlsSession> tls_;
  bool connected_ = false;
  int last_reason_ = SYSLOGTLS_REASON_NONE;
  std::string target_;  // "host (ip:port)" for messages
  std::string peer_ip_;
  unsigned peer_port_ = 0;
  std::string subject_, version_, cipher_;
  PeerIdentity identity_;
  bool resumed_ = false;
};

}  // namespace syslogtls
