// tls_config.hpp - TLS credentials, priorities and peer policy on GnuTLS.
// Built on one thread, then load(); after load() it is immutable and shared
// (std::shared_ptr<const TlsConfig>) by any number of sessions on any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "peer_verify.hpp"
#include "syslogtls.h"

namespace syslogtls {

class VerifyCache;

class TlsConfig final {
 public:
  explicit TlsConfig(int role);  // SYSLOGTLS_ROLE_*; Error(SYSLOGTLS_E_INVAL) otherwise
  ~TlsConfig();
  TlsConfig(const TlsConfig&) = delete;
  TlsConfig& operator=(const TlsConfig&) = delete;

  // Setters throw Error(SYSLOGTLS_E_INVAL, reason) for a bad value, and
  // Error(SYSLOGTLS_E_STATE) after load(). Texts name settings in words
  // (syslogtls_setting_name), never by a caller's parameter name.
  void set_ca_file(std::string path);
  void set_cert_file(std::string path);
  void set_key_file(std::string path);
  // PEM file of CRLs ("" = none); needs a CA file. load() reads it: E_FILE
  // "CRL file '/x': reason", failed setting SYSLOGTLS_SETTING_CRL_FILE.
  void set_crl_file(std::string path);
  void set_priority(std::string priority);  // "" = SYSLOGTLS_DEFAULT_PRIORITY
  void set_auth_mode(int mode);             // SYSLOGTLS_AUTH_*
  // A DNS name, a wildcard ("*.example.com"), an IP literal or a
  // fingerprint ("SHA256:AA:..", "SHA1:..", "sha-256:..", "sha-1:..").
  // E_INVAL "permitted peer 'x': reason" for a malformed wildcard or pin.
  void add_permitted_peer(const std::string& peer);
  void set_handshake_timeout_ms(unsigned ms);  // default 10000, 0 = none
  // tls.acceptWildcardCertificates (default true): false refuses a peer
  // whose only matching certificate name is a wildcard.
  void set_accept_wildcard_certificates(bool on);
  // TLS session resumption (default on). Server role: load() makes a
  // random session-ticket master key (gnutls_session_ticket_key_generate),
  // kept in memory only, so tickets are valid for this config only; GnuTLS
  // derives the key that encrypts a ticket from it per time window (the
  // ticket lifetime) and so rotates it by itself. Client role: the session
  // data of the last full handshake per target is kept here (at most
  // kResumeTargets targets) and offered on the next connect to that target.
  void set_session_resumption(bool on);

  // Checks the policy (x509/certvalid and x509/name need a CA file, so does a
  // CRL file; a server
  // needs cert and key; cert and key go together; x509/fingerprint needs a
  // pin; x509/name on a server needs a permitted name), reads the files and
  // builds the GnuTLS credentials and priority cache.
  // Throws Error(SYSLOGTLS_E_FILE / SYSLOGTLS_E_INVAL, "private key file '/x': ...").
  // Error(SYSLOGTLS_E_STATE) if already loaded. On failure nothing changes
  // (load() may be retried after fixing the settings).
  void load();
  bool loaded() const;

  // SYSLOGTLS_SETTING_* the last failed setter or load() was about
  // (SYSLOGTLS_SETTING_NONE after a success).
  int failed_setting() const;
  // Records setting as failed and throws Error(code, text) (for the C API's
  // own argument checks).
  [[noreturn]] void reject(int setting, int code, std::string text);

  int role() const;
  int auth_mode() const;
  unsigned handshake_timeout_ms() const;
  bool accept_wildcard_certificates() const;
  bool session_resumption() const;
  // Server role, after load() with resumption on: the gnutls_datum_t* of
  // the ticket master key; nullptr otherwise.
  const void* ticket_key() const;
  // Client role: the stored session data for TARGET ("" if none), and
  // storing new data (empty data forgets the target). Thread-safe.
  static constexpr size_t kResumeTargets = 64;
  std::string resume_data(const std::string& target) const;
  void store_resume_data(const std::string& target, std::string data) const;

  // Both roles: the chains this config accepted recently, consulted for
  // resumed sessions only (verify_cache.hpp says why that is sound). Its
  // entries never outlive ca_not_after(): the earliest notAfter of the CA
  // file's certificates (0 without a CA file; -1 if it cannot be read, and
  // then nothing is cached).
  VerifyCache& verify_cache() const;
  int64_t ca_not_after() const;

  // Policy, for the session's peer verification (stable after load()).
  // permitted_names(): name, wildcard and IP entries in the order given.
  const std::vector<std::string>& permitted_names() const;
  const std::vector<peer::Fingerprint>& permitted_fingerprints() const;
  const std::string& ca_file() const;
  const std::string& crl_file() const;
  // Whether a CRL of the CRL file lists crt (a gnutls_x509_crt_t; opaque
  // here like the handles below); false without a CRL file.
  bool lists_revoked(void* crt) const;

  // "anon", "x509/certvalid", "x509/name", "x509/fingerprint"; "?" if unknown.
  static const char* auth_mode_name(int mode);

  // The GnuTLS objects for TlsSession (valid after load(), else nullptr).
  // Opaque here so that this header does not pull in gnutls.h.
  void* gnutls_credentials() const;  // gnutls_certificate_credentials_t
  void* gnutls_priority() const;     // gnutls_priority_t

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  void require_unloaded() const;
  template <typename Fn>
  void about(int setting, Fn&& fn);
  std::unique_ptr<Impl> impl_;
};

// A name entry of the permitted peers as the peer checks compare it: an IP
// literal unchanged; a DNS name or wildcard checked
// (peer::check_permitted_name) and converted to A-labels (to_alabel).
// false + *reason (the words of "permitted peer 'x': reason") if it is
// neither. Fingerprints are not name entries: the caller tells them apart
// first (peer::looks_like_fingerprint). Throws only std::bad_alloc.
bool permitted_name_entry(const std::string& entry, std::string* out, std::string* reason);

}  // namespace syslogtls
