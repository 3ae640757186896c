// tls_config.hpp - TLS credentials, priorities and peer policy on GnuTLS.
// Built on one thread, then load(); after load() it is immutable and shared
// (std::shared_ptr<const TlsConfig>) by any number of sessions on any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "syslogtls.h"

namespace syslogtls {

class TlsConfig final {
 public:
  explicit TlsConfig(int role);  // SYSLOGTLS_ROLE_*
  ~TlsConfig();
  TlsConfig(const TlsConfig&) = delete;
  TlsConfig& operator=(const TlsConfig&) = delete;

  // Setters throw Error(SYSLOGTLS_E_INVAL, reason) for a bad value, and
  // Error(SYSLOGTLS_E_STATE) after load().
  void set_ca_file(std::string path);
  void set_cert_file(std::string path);
  void set_key_file(std::string path);
  void set_priority(std::string priority);  // "" = SYSLOGTLS_DEFAULT_PRIORITY
  void set_auth_mode(int mode);             // SYSLOGTLS_AUTH_*
  void add_permitted_peer(const std::string& peer);  // name, wildcard, IP or fingerprint
  void set_handshake_timeout_ms(unsigned ms);

  // Reads the files and builds the GnuTLS credentials and priority cache.
  // Throws Error(SYSLOGTLS_E_FILE / SYSLOGTLS_E_INVAL, "tls.keyFile '/x': ...").
  void load();
  bool loaded() const;

  int role() const;
  int auth_mode() const;
  unsigned handshake_timeout_ms() const;

  // The GnuTLS objects for TlsSession (valid after load()). Opaque here so
  // that this header does not pull in gnutls.h.
  void* gnutls_credentials() const;  // gnutls_certificate_credentials_t
  void* gnutls_priority() const;     // gnutls_priority_t

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace syslogtls
