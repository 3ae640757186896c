// ==== NOTE TO H1 FROM THE LEAD (delete this comment block when you first edit this file) ====
// Your prompt said COMMON_PLACEHOLDER by mistake; here is the common context it should have held:
// ## Common context (read carefully)
// 
// Project: rsyslog-tls, git repo at /work/main (branch main). Native RFC 5425 TLS transport for Debian 12's stock rsyslogd 8.2302: a C++17 runtime library `libsyslogtls` (runtime/, one public C header runtime/syslogtls.h), an input module imtls (plugins/imtls) and an output module omtls (plugins/omtls). Autotools, GnuTLS, libestr, Doctest. Read /work/shared/docs/architecture.md and /work/shared/docs/style.md before writing code (5 minutes). The rsyslog ABI fact sheet is /work/shared/docs/rsyslog-module-abi.md.
// 
// Hard rules:
// - Never copy rsyslog's headers or code, or any other project's code. You may read public docs/code (search tool) for facts only.
// - C++17, RAII for every GnuTLS handle, no exception crosses a C boundary, classes final and non-copyable, files open with a one-line purpose comment, one concept per file (< ~500 lines).
// - Tests must be deterministic on a noisy 2-core machine: bounded waits on conditions, port 0 + reading the bound port, no sleep-and-hope. Network only on loopback (127.0.0.1 / ::1). No test that asserts nothing.
// - Only touch the files you are told you own. Other people are editing other files in the same tree at the same time. If you need a change in a file you do not own, work around it in your own files and say so in your final report.
// - Build OUT OF TREE in your own build directory so you do not clash with others: `flock /tmp/autoreconf.lock sh -c 'cd /work/main && autoreconf -fi'` (only when you changed a *.am file or configure.ac is newer), then `mkdir -p /tmp/build-<you> && cd /tmp/build-<you> && /work/main/configure -q && make -j2`. Never run ./configure or make inside /work/main itself. Another person's half-finished file may break the build for a few minutes: build only your targets (e.g. `make runtime/libsyslogtls_core.la tests/unit/unit_tests`) or wait and retry.
// - Commit your own files only, in small honest steps: `cd /work/main && git add <your files> && git commit -m "..." -- <your files>` (retry if .git/index.lock exists). Never `git add -A`, never commit build products, never reset/checkout others' files.
// - Everything you install must also be installable by apt-get on a fresh Debian 12 (already installed here: rsyslog, rsyslog-gnutls, rsyslog-openssl, gnutls-bin, libestr-dev, doctest-dev, autoconf, automake, libtool, autoconf-archive, stunnel4, iproute2, libgnutls28-dev, openssl). If you need another package, tell me in your report.
// - Time: it is now about 14:50 (check `date`). Hard deadline: report back by 16:20 wall-clock at the latest, with committed work. Working partial features that are committed beat a big uncommitted change. Report: what you built, what you tested (commands + results), what is missing, any interface change others must know about. Keep the report under 60 lines.
// 
// Existing shared pieces (owned by the lead, read them, do not edit them; ask in your report if they need to change):
// - runtime/syslogtls.h: the public C API (the contract). Implement exactly what it declares.
// - runtime/error.hpp/.cpp: `syslogtls::Error(code, msg)`, `guarded(lambda)` firewall for every C API function, set_errmsg. syslogtls_version/strerror/errmsg are already implemented there.
// - runtime/log.hpp: LogSink {fn,user}.
// - runtime/tls_config.hpp, runtime/tls_session.hpp: internal C++ interface of the TLS layer (sans-I/O session over a Transport).
// - runtime/framing.hpp: internal C++ interface of the framing codec.
// - Makefile.am, runtime/runtime.am, tests/unit/unit.am (unit test binary tests/unit/unit_tests = tests/unit/main.cpp + test_certs.cpp + $(UNIT_*_SOURCES)), plugins/plugins.am, tests/integration/integration.am: the build skeleton. Tests get env vars abs_top_srcdir, abs_top_builddir, RSYSLOGD, LD_LIBRARY_PATH (runtime/.libs) via AM_TESTS_ENVIRONMENT; shell tests end in .sh.
// ==== END OF NOTE ====
// tls_session.hpp - the sans-I/O TLS session: a GnuTLS session that never
// touches a socket itself. Bytes move through a Transport the owner supplies
// (a non-blocking socket in production, an in-memory pipe in unit tests).
// Want-read / want-write are returned as states, never spun on.
//
// Concurrency: a TlsSession is used by one thread at a time.
// Memory: the session holds no buffers of its own (reads go into the
// caller's buffer); what it costs beyond GnuTLS's session is a few words.
//
// Peer verification runs inside the handshake (a GnuTLS verify callback),
// so a refused peer also receives a TLS alert ("Certificate is bad").
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

  // For the event loop after want_*: whether the last interrupted operation
  // was writing (true) or reading (false) (gnutls_record_get_direction).
  bool wants_write() const;

  int error_code() const { return error_code_; }
  const std::string& error_text() const { return error_text_; }

  // After the handshake ("" before): "TLS1.3" / "TLS1.2"; the cipher suite
  // ("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_AES_128_GCM_SHA256"); the
  // peer certificate's subject DN, RFC 4514 ("CN=a,O=b"; "" when none was
  // presented; also set when the peer was refused).
  std::string tls_version() const;
  std::string cipher() const;
  const std::string& peer_subject() const { return peer_subject_; }
  const PeerInfo& peer() const { return peer_; }
  // Server role, after the handshake: the SNI host name the client asked
  // for ("" if none).
  std::string requested_server_name() const;

  // Client role, after the handshake: whether the server asked for our
  // certificate. In TLS 1.3 such a server checks it only after our
  // Finished, so its refusal arrives after handshake() returned done.
  bool certificate_requested() const;

  struct Impl;  // implementation detail (GnuTLS state), defined in tls_session.cpp

 private:
  std::unique_ptr<Impl> impl_;
  PeerInfo peer_;
  std::string peer_subject_;
  int error_code_ = 0;
  std::string error_text_;

  Io fail(int code, std::string text);
  Io fail_handshake(int rc);
  Io fail_record(int rc, const char* what);
};

}  // namespace syslogtls
