// tls_session.hpp - the sans-I/O TLS session: a GnuTLS session that never
// touches a socket itself. Bytes move through a Transport the owner supplies
// (a non-blocking socket in production, an in-memory pipe in unit tests).
// Want-read / want-write are returned as states, never spun on.
//
// Concurrency: a TlsSession is used by one thread at a time.
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>
#include <memory>
#include <string>

#include "tls_config.hpp"

namespace syslogtls {

// Where ciphertext goes. Both calls are non-blocking: they return the number
// of bytes moved, or -1 with errno set (EAGAIN/EWOULDBLOCK = not now,
// anything else = broken). recv returns 0 on end of stream.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual ssize_t recv(void* buf, size_t len) = 0;
  virtual ssize_t send(const void* buf, size_t len) = 0;
  // Default: sends the pieces one by one.
  virtual ssize_t sendv(const struct iovec* iov, int iovcnt);
};

// What one step of the state machine produced.
enum class Io {
  done,        // the step completed (bytes were moved, handshake finished)
  want_read,   // wait until the transport is readable, then call again
  want_write,  // wait until the transport is writable, then call again
  closed,      // the peer sent close_notify (or, for reads, EOF)
  failed,      // error: see TlsSession::error_code() / error_text()
};

// What the session knows of the peer and the connection, for messages.
struct PeerInfo {
  std::string ip;    // "192.0.2.1", "::1"
  unsigned port = 0;
  // Client role: the name to send as SNI and to match (x509/name with no
  // permitted peers configured); an IP literal is matched against IP SANs
  // and sent no SNI. Empty on the server side.
  std::string server_name;
};

class TlsSession final {
 public:
  // The config must have been loaded (TlsConfig::load). Role comes from it.
  TlsSession(std::shared_ptr<const TlsConfig> cfg, Transport& transport, PeerInfo peer);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Drives the handshake and, when it completes, the peer verification of
  // the config's auth mode. done = established and verified. failed =
  // error_code() is SYSLOGTLS_E_PEER_REJECTED (our policy refused the peer),
  // SYSLOGTLS_E_REJECTED_BY_PEER (alert received), SYSLOGTLS_E_TLS
  // (protocol error, e.g. plaintext sent to a TLS port) or SYSLOGTLS_E_IO,
  // and error_text() explains in words (with peer ip:port and subject).
  Io handshake();

  // Reads decrypted application data. done: *got > 0 bytes in buf.
  // closed: close_notify or EOF. TLS 1.3 KeyUpdate / tickets are handled.
  Io read(void* buf, size_t cap, size_t* got);

  // Bytes gnutls already decrypted and buffered (read again without waiting
  // for the socket when > 0).
  size_t pending() const;

  // Writes application data. done: *written bytes were consumed (may be less
  // than len; call again with the rest). After want_write call write() again
  // with the SAME data (GnuTLS requirement) - use write_all_pending() helpers
  // of the caller.
  Io write(const void* buf, size_t len, size_t* written);

  // Corking: between cork() and uncork() writes are collected into as few
  // records as possible; uncork() flushes (may return want_write: call it
  // again when writable until done).
  void cork();
  Io uncork();

  // Sends close_notify without waiting for the peer's (GNUTLS_SHUT_WR).
  // want_write: call again when writable.
  Io bye();

  // For the event loop after want_*: whether the last interrupted operation
  // was writing (true) or reading (false) (gnutls_record_get_direction).
  bool wants_write() const;

  int error_code() const { return error_code_; }
  const std::string& error_text() const { return error_text_; }

  // After the handshake: "TLS1.3", "AES-256-GCM"-style names, the peer
  // certificate's subject DN ("" when none was presented).
  std::string tls_version() const;
  std::string cipher() const;
  const std::string& peer_subject() const { return peer_subject_; }
  const PeerInfo& peer() const { return peer_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  PeerInfo peer_;
  std::string peer_subject_;
  int error_code_ = 0;
  std::string error_text_;
};

}  // namespace syslogtls
