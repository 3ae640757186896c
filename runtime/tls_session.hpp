// tls_session.hpp - the sans-I/O TLS session: a GnuTLS session that never
// touches a socket itself. Bytes move through a Transport the owner supplies
// (a non-blocking socket in production, an in-memory pipe in unit tests).
// Want-read / want-write are returned as states, never spun on.
//
// Concurrency: a TlsSession is used by one thread at a time.
// Memory: the session holds no buffers of its own (reads go into the
// caller's buffer); what it costs beyond GnuTLS's session is a few words.
//
// Peer verification runs inside the handshake (a GnuTLS verify callback,
// deciding through peer_certificate.hpp), so a refused peer also receives a
// TLS alert ("Certificate is bad").
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>
#include <memory>
#include <string>

#include "peer_certificate.hpp"
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
  // Default: sends the pieces one by one (stops at the first short send;
  // returns the bytes sent so far, or -1 if nothing was sent).
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
  // The config must have been loaded (TlsConfig::load), else
  // Error(SYSLOGTLS_E_STATE). Role comes from it. The transport must outlive
  // the session. Client role: SNI is sent for peer.server_name when it is a
  // DNS name (not for IP literals, RFC 6066).
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
  // TLS 1.3: the client completes before the server has checked the
  // client's certificate; a refusal then reaches the client on its next
  // read() as failed / SYSLOGTLS_E_REJECTED_BY_PEER.
  // Calling it again after done returns done; after failed, failed.
  // Handshake timeout: the caller's job (config handshake_timeout_ms()).
  Io handshake();
  bool handshake_done() const;

  // Reads decrypted application data. done: *got > 0 bytes in buf.
  // closed: close_notify or EOF. TLS 1.3 KeyUpdate / tickets are handled.
  // Still works after bye() (the peer may go on sending until it closes).
  Io read(void* buf, size_t cap, size_t* got);
  // After read() returned closed: true if the peer sent close_notify, false
  // if the stream just ended (possible truncation).
  bool closed_cleanly() const;

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

  // Server role, after the handshake: refuses the session with a fatal
  // access_denied alert (a limit of ours), best effort (not retried when
  // the transport is full). The session is unusable afterwards.
  void alert_access_denied();

  // For the event loop after want_*: whether the last interrupted operation
  // was writing (true) or reading (false) (gnutls_record_get_direction).
  bool wants_write() const;

  int error_code() const { return error_code_; }
  // SYSLOGTLS_REASON_* of the failure (SYSLOGTLS_REASON_NONE before one).
  int error_reason() const { return error_reason_; }
  const std::string& error_text() const { return error_text_; }

  // After the handshake ("" before): "TLS1.3" / "TLS1.2"; the cipher suite
  // ("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_AES_128_GCM_SHA256"); the
  // peer certificate's subject DN, RFC 4514 ("CN=a,O=b"; "" when none was
  // presented; also set when the peer was refused).
  std::string tls_version() const;
  std::string cipher() const;
  const std::string& peer_subject() const { return identity_.subject; }
  // The peer certificate's identity, extracted once in the peer check (or at
  // the end of the handshake when no check ran, e.g. anon): present ==
  // false when the peer presented no certificate.
  const PeerIdentity& peer_identity() const { return identity_; }
  // The config's tls.acceptWildcardCertificates (for claimed-name matching).
  bool accept_wildcard_certificates() const;
  const PeerInfo& peer() const { return peer_; }
  // Server role, after the handshake: the SNI host name the client asked
  // for ("" if none).
  std::string requested_server_name() const;

  // Client role, after the handshake: whether the server asked for our
  // certificate. In TLS 1.3 such a server checks it only after our
  // Finished, so its refusal arrives after handshake() returned done.
  bool certificate_requested() const;

  // Resumption (TlsConfig::session_resumption). Client role, before the
  // first handshake(): offer this session data (from session_data() of an
  // earlier session to the same target); GnuTLS falls back to a full
  // handshake when the server does not accept it. After the handshake:
  // whether it was resumed (both roles), and the data to resume this session
  // later ("" when there is none, e.g. no ticket received yet). A resumed
  // session is checked against the config's peer policy like a full one
  // (the peer certificate comes from the resumed session's state).
  void set_resume_data(const std::string& data);
  bool resumed() const;
  std::string session_data() const;

  struct Impl;  // implementation detail (GnuTLS state), defined in tls_session.cpp

 private:
  std::unique_ptr<Impl> impl_;
  PeerInfo peer_;
  PeerIdentity identity_;
  bool identity_done_ = false;  // identity_ was extracted (by the check or at the end)
  int error_code_ = 0;
  int error_reason_ = SYSLOGTLS_REASON_NONE;
  std::string error_text_;

  Io fail(int code, int reason, std::string text);
  Io fail_handshake(int rc);
  Io fail_record(int rc, const char* what);
};

}  // namespace syslogtls
