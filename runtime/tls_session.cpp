// tls_session.cpp - sans-I/O GnuTLS session: handshake, records,
// close_notify, all through a caller-supplied Transport.
#include "tls_session.hpp"

#include <gnutls/gnutls.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "error.hpp"
#include "gnutls_ptr.hpp"
#include "peer_certificate.hpp"
#include "peer_verify.hpp"
#include "verify_cache.hpp"

namespace syslogtls {

ssize_t Transport::sendv(const struct iovec* iov, int iovcnt) {
  ssize_t total = 0;
  for (int i = 0; i < iovcnt; ++i) {
    if (iov[i].iov_len == 0) continue;
    ssize_t n = send(iov[i].iov_base, iov[i].iov_len);
    if (n < 0) return total > 0 ? total : -1;
    total += n;
    if (static_cast<size_t>(n) < iov[i].iov_len) break;
  }
  return total;
}

struct TlsSession::Impl {
  TlsSession* owner = nullptr;
  std::shared_ptr<const TlsConfig> cfg;
  Transport* transport = nullptr;
  SessionPtr session;
  std::string refusal;       // set when our policy refused the peer
  int refusal_reason = SYSLOGTLS_REASON_NONE;
  int io_errno = 0;          // transport failure (not EAGAIN), 0 if none
  const char* io_op = "";    // "receive" / "send"
  int first_byte = -1;       // first byte received from the peer
  bool not_tls = false;      // server: the peer's first byte cannot start TLS
  bool eof = false;          // transport recv returned 0
  bool pull_blocked = false; // the last transport recv said "not now"
  bool done = false;         // handshake completed and verified
  bool failed = false;
  bool clean_close = false;

  // The peer check of cfg; resumed: first from cfg's verify cache.
  int verify(bool resumed) noexcept;
  std::string label() const {
    return peer::peer_label(owner->peer_.ip, owner->peer_.port, owner->identity_.subject);
  }
};

namespace {

using Impl = TlsSession::Impl;

void set_transport_errno(Impl* im, int e) { gnutls_transport_set_errno(im->session.get(), e); }

// Runs one transport call for GnuTLS: an exception becomes EIO, a failure
// other than "not now" is remembered for error_text(), and errno is handed
// to GnuTLS (which expects EAGAIN, not EWOULDBLOCK).
template <typename Call>
ssize_t transport_io(Impl* im, const char* op, Call&& call) {
  ssize_t n;
  try {
    n = call();
  } catch (...) {
    n = -1;
    errno = EIO;
  }
  if (n < 0) {
    const int e = errno;
    if (e != EAGAIN && e != EWOULDBLOCK && e != EINTR) {
      im->io_errno = e;
      im->io_op = op;
    }
    set_transport_errno(im, e == EWOULDBLOCK ? EAGAIN : e);
  }
  return n;
}

ssize_t pull_cb(gnutls_transport_ptr_t ptr, void* data, size_t len) {
  auto* im = static_cast<Impl*>(ptr);
  const ssize_t n = transport_io(im, "receive", [&] { return im->transport->recv(data, len); });
  if (n < 0) {
    im->pull_blocked = errno == EAGAIN || errno == EWOULDBLOCK;
    return -1;
  }
  im->pull_blocked = false;
  if (n == 0) {
    im->eof = true;
    return 0;
  }
  if (im->first_byte < 0) {
    im->first_byte = static_cast<unsigned char>(static_cast<const char*>(data)[0]);
    // A TLS client starts with a handshake record (22) or an SSLv2-style
    // hello (high bit set); a TLS server answers with a handshake record or
    // an alert (21). Anything else is not TLS: fail now instead of waiting
    // for a record length made of text.
    const bool server = im->cfg->role() == SYSLOGTLS_ROLE_SERVER;
    const int b = im->first_byte;
    if (server ? (b != 22 && b < 0x80) : (b != 22 && b != 21)) {
      im->not_tls = true;
      set_transport_errno(im, EPROTO);
      return -1;
    }
  }
  return n;
}

ssize_t vec_push_cb(gnutls_transport_ptr_t ptr, const giovec_t* iov, int iovcnt) {
  auto* im = static_cast<Impl*>(ptr);
  return transport_io(im, "send", [&] { return im->transport->sendv(iov, iovcnt); });
}

// Only used by GnuTLS when a GnuTLS-side timeout is set (never here):
// "maybe readable", and pull then says EAGAIN.
int pull_timeout_cb(gnutls_transport_ptr_t, unsigned) { return 1; }

int verify_cb(gnutls_session_t s) {
  auto* im = static_cast<Impl*>(gnutls_session_get_ptr(s));
  return im->verify(false);
}

}  // namespace

int Impl::verify(bool resumed) noexcept {
  try {
    unsigned n = 0;
    const gnutls_datum_t* certs = gnutls_certificate_get_peers(session.get(), &n);
    VerifyCache& cache = cfg->verify_cache();
    const bool cacheable = cfg->auth_mode() != SYSLOGTLS_AUTH_ANON && n > 0;
    std::string key;
    if (cacheable && resumed) {
      key = VerifyCache::key_of(certs, n, owner->peer_.server_name);
      if (cache.find(key, VerifyCache::Clock::now(), static_cast<int64_t>(std::time(nullptr)), &owner->identity_)) {
        owner->identity_done_ = true;
        return 0;
      }
    }
    PeerVerdict v = check_peer_certificate(session.get(), *cfg, owner->peer_.server_name, &owner->identity_);
    owner->identity_done_ = true;
    if (v.accepted) {
      if (cacheable && cfg->session_resumption()) {
        if (key.empty()) key = VerifyCache::key_of(certs, n, owner->peer_.server_name);
        cache.store(key, owner->identity_, VerifyCache::Clock::now(),
                    VerifyCache::chain_not_after(certs, n, cfg->ca_not_after()));
      }
      return 0;
    }
    refusal = label() + " refused: " + v.why;
    refusal_reason = v.reason;
    return -1;
  } catch (...) {
    refusal = label() + " refused: internal error during verification";
    refusal_reason = SYSLOGTLS_REASON_CERT_INVALID;
    return -1;
  }
}

TlsSession::TlsSession(std::shared_ptr<const TlsConfig> cfg, Transport& transport, PeerInfo peer)
    : impl_(new Impl), peer_(std::move(peer)) {
  if (!cfg || !cfg->loaded()) throw Error(SYSLOGTLS_E_STATE, "the TLS configuration is not loaded");
  Impl& m = *impl_;
  m.owner = this;
  m.cfg = std::move(cfg);
  m.transport = &transport;
  const bool server = m.cfg->role() == SYSLOGTLS_ROLE_SERVER;
  gnutls_session_t raw = nullptr;
  unsigned flags = (server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NONBLOCK;
  if (!m.cfg->session_resumption()) flags |= GNUTLS_NO_TICKETS;
  int rc = gnutls_init(&raw, flags);
  if (rc < 0) throw Error(rc == GNUTLS_E_MEMORY_ERROR ? SYSLOGTLS_E_NOMEM : SYSLOGTLS_E_INTERNAL,
                          std::string("gnutls_init: ") + gnutls_strerror(rc));
  m.session.reset(raw);
  gnutls_session_t s = raw;
  rc = gnutls_priority_set(s, static_cast<gnutls_priority_t>(m.cfg->gnutls_priority()));
  if (rc >= 0)
    rc = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE,
                                static_cast<gnutls_certificate_credentials_t>(m.cfg->gnutls_credentials()));
  if (rc >= 0 && !server && !peer_.server_name.empty() && !peer::is_ip_literal(peer_.server_name)) {
    std::string sni = peer_.server_name;
    if (sni.back() == '.') sni.pop_back();
    rc = gnutls_server_name_set(s, GNUTLS_NAME_DNS, sni.data(), sni.size());
  }
  if (rc < 0) throw Error(SYSLOGTLS_E_INTERNAL, std::string("TLS session setup: ") + gnutls_strerror(rc));
  if (server) {
    gnutls_certificate_server_set_request(
        s, m.cfg->auth_mode() == SYSLOGTLS_AUTH_ANON ? GNUTLS_CERT_IGNORE : GNUTLS_CERT_REQUIRE);
    // Do not advertise our CA names: a GnuTLS client would then withhold a
    // certificate from another CA, and we could only say "no certificate"
    // instead of naming the untrusted issuer.
    gnutls_certificate_send_x509_rdn_sequence(s, 1);
    if (const void* key = m.cfg->ticket_key()) {
      rc = gnutls_session_ticket_enable_server(s, static_cast<const gnutls_datum_t*>(key));
      if (rc < 0) throw Error(SYSLOGTLS_E_INTERNAL, std::string("session tickets: ") + gnutls_strerror(rc));
    }
  }
  gnutls_handshake_set_timeout(s, 0);  // the caller enforces handshake_timeout_ms()
  gnutls_session_set_ptr(s, &m);
  gnutls_session_set_verify_function(s, verify_cb);
  gnutls_transport_set_ptr(s, &m);
  gnutls_transport_set_pull_function(s, pull_cb);
  gnutls_transport_set_vec_push_function(s, vec_push_cb);
  gnutls_transport_set_pull_timeout_function(s, pull_timeout_cb);
}

TlsSession::~TlsSession() = default;

Io TlsSession::fail(int code, int reason, std::string text) {
  impl_->failed = true;
  error_code_ = code;
  error_reason_ = reason;
  error_text_ = std::move(text);
  return Io::failed;
}

static Io direction(gnutls_session_t s) {
  return gnutls_record_get_direction(s) == 1 ? Io::want_write : Io::want_read;
}

static bool is_again(int rc) { return rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED; }

Io TlsSession::fail_handshake(int rc) {
  Impl& m = *impl_;
  gnutls_session_t s = m.session.get();
  const bool server = m.cfg->role() == SYSLOGTLS_ROLE_SERVER;
  const std::string who = m.label();
  // Tell a TLS peer why (GnuTLS leaves that to the application). Best
  // effort: the alert is not retried if the transport is full.
  if (m.io_errno == 0 && !m.not_tls && !m.eof && rc != GNUTLS_E_FATAL_ALERT_RECEIVED) {
    if (!m.refusal.empty())
      gnutls_alert_send(s, GNUTLS_AL_FATAL, GNUTLS_A_BAD_CERTIFICATE);
    else
      gnutls_alert_send_appropriate(s, rc);
  }
  if (!m.refusal.empty()) return fail(SYSLOGTLS_E_PEER_REJECTED, m.refusal_reason, m.refusal);
  if (m.not_tls)
    return fail(SYSLOGTLS_E_TLS, SYSLOGTLS_REASON_PLAINTEXT, who + (server ? ": not a TLS handshake (plaintext sent to a TLS port?)"
                                              : ": the server's reply is not TLS (a plaintext port?)"));
  if (server && (rc == GNUTLS_E_NO_CERTIFICATE_FOUND || rc == GNUTLS_E_CERTIFICATE_REQUIRED)) {
    const char* mode = TlsConfig::auth_mode_name(m.cfg->auth_mode());
    return fail(SYSLOGTLS_E_PEER_REJECTED, SYSLOGTLS_REASON_NO_CERTIFICATE,
                who + " refused: no client certificate presented (authentication mode \"" + mode +
                    "\" requires one; authentication mode \"anon\" accepts clients without certificates)");
  }
  if (m.io_errno != 0)
    return fail(SYSLOGTLS_E_IO, SYSLOGTLS_REASON_IO, who + ": " + m.io_op + " failed during the TLS handshake: " +
                                    std::strerror(m.io_errno));
  if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) {
    gnutls_alert_description_t alert = gnutls_alert_get(s);
    const char* name = gnutls_alert_get_name(alert);
    std::string text = who + " rejected us: TLS alert '" + (name ? name : "unknown") + "'";
    if (alert == GNUTLS_A_PROTOCOL_VERSION)
      text += " (TLS protocol version mismatch: no TLS version in common)";
    else if (alert == GNUTLS_A_CERTIFICATE_REQUIRED)
      text += " (the peer requires a client certificate: configure a certificate file and private key file)";
    else if (alert == GNUTLS_A_BAD_CERTIFICATE || alert == GNUTLS_A_UNKNOWN_CA ||
             alert == GNUTLS_A_CERTIFICATE_UNKNOWN || alert == GNUTLS_A_UNSUPPORTED_CERTIFICATE)
      text += " (the peer does not accept our certificate)";
    else if (alert == GNUTLS_A_HANDSHAKE_FAILURE || alert == GNUTLS_A_INSUFFICIENT_SECURITY)
      text += " (no common TLS parameters, or the peer refused our certificate)";
    return fail(SYSLOGTLS_E_REJECTED_BY_PEER, SYSLOGTLS_REASON_REJECTED_BY_PEER, text);
  }
  if (rc == GNUTLS_E_UNSUPPORTED_VERSION_PACKET)
    return fail(SYSLOGTLS_E_TLS, SYSLOGTLS_REASON_TLS_PROTOCOL,
                who + ": TLS protocol version mismatch: the peer offers no TLS version "
                      "allowed by the priority string (default: TLS1.2 and TLS1.3)");
  if (rc == GNUTLS_E_NO_CIPHER_SUITES || rc == GNUTLS_E_UNKNOWN_CIPHER_SUITE ||
      rc == GNUTLS_E_INSUFFICIENT_CREDENTIALS || rc == GNUTLS_E_NO_COMMON_KEY_SHARE ||
      rc == GNUTLS_E_UNWANTED_ALGORITHM)
    return fail(SYSLOGTLS_E_TLS, SYSLOGTLS_REASON_TLS_PROTOCOL,
                who + ": no common TLS parameters (cipher suite, group or signature "
                      "algorithm; see the priority string): " + gnutls_strerror(rc));
  if (rc == GNUTLS_E_HANDSHAKE_TOO_LARGE)
    return fail(SYSLOGTLS_E_TLS, SYSLOGTLS_REASON_TLS_PROTOCOL,
                who + " refused: a TLS handshake message (such as the certificate chain) is larger than the "
                      "handshake limit: " + gnutls_strerror(rc));
  if (rc == GNUTLS_E_PREMATURE_TERMINATION || m.eof)
    return fail(SYSLOGTLS_E_IO, SYSLOGTLS_REASON_CLOSED, who + ": connection closed by the peer during the TLS handshake");
  return fail(SYSLOGTLS_E_TLS, SYSLOGTLS_REASON_TLS_PROTOCOL, who + ": TLS handshake failed: " + gnutls_strerror(rc));
}

Io TlsSession::handshake() {
  Impl& m = *impl_;
  if (m.done) return Io::done;
  if (m.failed) return Io::failed;
  gnutls_session_t s = m.session.get();
  for (int round = 0; round < 16; ++round) {
    int rc = gnutls_handshake(s);
    if (rc == GNUTLS_E_SUCCESS) {
      // A resumed handshake exchanges no certificate, so GnuTLS calls no
      // verify callback: the peer policy runs here, on the certificate
      // carried in the resumed session's state, against this config -- or
      // its recent verdict on that chain (verify_cache.hpp).
      if (!identity_done_ && gnutls_session_is_resumed(s) != 0 && m.cfg->auth_mode() != SYSLOGTLS_AUTH_ANON &&
          m.verify(true) != 0) {
        gnutls_alert_send(s, GNUTLS_AL_FATAL, GNUTLS_A_BAD_CERTIFICATE);
        return fail(SYSLOGTLS_E_PEER_REJECTED, m.refusal_reason, m.refusal + " (resumed session)");
      }
      m.done = true;
      if (!identity_done_) {
        try {
          identity_ = session_peer_identity(s);
        } catch (...) {
          identity_ = PeerIdentity();  // out of memory: no identity rather than a failed session
        }
        identity_done_ = true;
      }
      return Io::done;
    }
    if (is_again(rc) && m.io_errno == 0 && !m.not_tls) return direction(s);
    if (gnutls_error_is_fatal(rc) == 0 && !is_again(rc)) continue;  // e.g. a warning alert
    return fail_handshake(rc);
  }
  return fail(SYSLOGTLS_E_TLS, SYSLOGTLS_REASON_TLS_PROTOCOL, m.label() + ": TLS handshake failed: too many warning alerts");
}

bool TlsSession::handshake_done() const { return impl_->done; }

Io TlsSession::fail_record(int rc, const char* what) {
  Impl& m = *impl_;
  const std::string who = m.label();
  if (m.io_errno != 0)
    return fail(SYSLOGTLS_E_IO, SYSLOGTLS_REASON_IO, who + ": " + m.io_op + " failed: " + std::strerror(m.io_errno));
  if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) {
    const char* name = gnutls_alert_get_name(gnutls_alert_get(m.session.get()));
    return fail(SYSLOGTLS_E_REJECTED_BY_PEER, SYSLOGTLS_REASON_REJECTED_BY_PEER,
                who + " rejected us: TLS alert '" + (name ? name : "unknown") + "'");
  }
  std::string note;
  if (rc == GNUTLS_E_UNEXPECTED_PACKET)
    note = " (a handshake message on the established session, such as a TLS 1.2 renegotiation request: "
           "renegotiation is not supported)";
  return fail(SYSLOGTLS_E_TLS, SYSLOGTLS_REASON_TLS_PROTOCOL,
              who + ": TLS error while " + what + ": " + gnutls_strerror(rc) + note);
}

Io TlsSession::read(void* buf, size_t cap, size_t* got) {
  Impl& m = *impl_;
  *got = 0;
  if (m.failed) return Io::failed;
  if (!m.done) return fail(SYSLOGTLS_E_STATE, SYSLOGTLS_REASON_NONE, m.label() + ": read before the TLS handshake completed");
  gnutls_session_t s = m.session.get();
  for (int round = 0; round < 16; ++round) {
    m.pull_blocked = false;
    ssize_t rc = gnutls_record_recv(s, buf, cap);
    if (rc > 0) {
      *got = static_cast<size_t>(rc);
      return Io::done;
    }
    if (rc == 0) {
      m.clean_close = true;
      return Io::closed;
    }
    int err = static_cast<int>(rc);
    // GnuTLS returns "again" after a post-handshake message (a TLS 1.3
    // session ticket) without having asked the transport for more: read on
    if (is_again(err) && m.io_errno == 0 && !m.pull_blocked && gnutls_record_get_direction(s) == 0) continue;
    if (is_again(err) && m.io_errno == 0) return direction(s);
    if (err == GNUTLS_E_PREMATURE_TERMINATION || (m.eof && m.io_errno == 0)) return Io::closed;
    if (err == GNUTLS_E_REHANDSHAKE || err == GNUTLS_E_WARNING_ALERT_RECEIVED ||
        (gnutls_error_is_fatal(err) == 0 && !is_again(err)))
      continue;  // renegotiation is not supported: ignore the request
    return fail_record(err, "reading");
  }
  return Io::want_read;
}

bool TlsSession::closed_cleanly() const { return impl_->clean_close; }

size_t TlsSession::pending() const { return gnutls_record_check_pending(impl_->session.get()); }

Io TlsSession::write(const void* buf, size_t len, size_t* written) {
  Impl& m = *impl_;
  *written = 0;
  if (m.failed) return Io::failed;
  if (!m.done) return fail(SYSLOGTLS_E_STATE, SYSLOGTLS_REASON_NONE, m.label() + ": write before the TLS handshake completed");
  ssize_t rc = gnutls_record_send(m.session.get(), buf, len);
  if (rc >= 0) {
    *written = static_cast<size_t>(rc);
    return Io::done;
  }
  if (is_again(static_cast<int>(rc)) && m.io_errno == 0) return direction(m.session.get());
  return fail_record(static_cast<int>(rc), "writing");
}

void TlsSession::cork() { gnutls_record_cork(impl_->session.get()); }

Io TlsSession::uncork() {
  Impl& m = *impl_;
  if (m.failed) return Io::failed;
  int rc = gnutls_record_uncork(m.session.get(), 0);
  if (rc >= 0) return Io::done;
  if (is_again(rc) && m.io_errno == 0) return direction(m.session.get());
  return fail_record(rc, "writing");
}

void TlsSession::alert_access_denied() {
  Impl& m = *impl_;
  if (m.failed || m.io_errno != 0 || m.eof) return;
  (void)gnutls_alert_send(m.session.get(), GNUTLS_AL_FATAL, GNUTLS_A_ACCESS_DENIED);  // best effort
}

Io TlsSession::bye() {
  Impl& m = *impl_;
  if (m.failed) return Io::failed;
  int rc = gnutls_bye(m.session.get(), GNUTLS_SHUT_WR);
  if (rc == GNUTLS_E_SUCCESS) return Io::done;
  if (is_again(rc) && m.io_errno == 0) return direction(m.session.get());
  return fail_record(rc, "closing");
}

bool TlsSession::wants_write() const { return gnutls_record_get_direction(impl_->session.get()) == 1; }

std::string TlsSession::tls_version() const {
  if (!impl_->done) return "";
  const char* name = gnutls_protocol_get_name(gnutls_protocol_get_version(impl_->session.get()));
  return name ? name : "";
}

std::string TlsSession::cipher() const {
  if (!impl_->done) return "";
  gnutls_session_t s = impl_->session.get();
  const char* name = gnutls_ciphersuite_get(s);
  if (name == nullptr) name = gnutls_cipher_get_name(gnutls_cipher_get(s));
  return name ? name : "";
}

std::string TlsSession::requested_server_name() const {
  char name[256];
  size_t size = sizeof name;
  unsigned type = 0;
  if (gnutls_server_name_get(impl_->session.get(), name, &size, &type, 0) < 0 || type != GNUTLS_NAME_DNS)
    return "";
  return std::string(name, strnlen(name, size));
}

void TlsSession::set_resume_data(const std::string& data) {
  if (data.empty() || impl_->done) return;
  // data that GnuTLS cannot use only means a full handshake
  (void)gnutls_session_set_data(impl_->session.get(), data.data(), data.size());
}

bool TlsSession::resumed() const { return impl_->done && gnutls_session_is_resumed(impl_->session.get()) != 0; }

std::string TlsSession::session_data() const {
  if (!impl_->done) return std::string();
  gnutls_datum_t d{nullptr, 0};
  if (gnutls_session_get_data2(impl_->session.get(), &d) < 0) return std::string();
  std::string out(reinterpret_cast<const char*>(d.data), d.size);
  gnutls_free(d.data);
  return out;
}

bool TlsSession::accept_wildcard_certificates() const { return impl_->cfg->accept_wildcard_certificates(); }

bool TlsSession::certificate_requested() const {
  return impl_->done && gnutls_certificate_client_get_request_status(impl_->session.get()) != 0;
}

}  // namespace syslogtls
