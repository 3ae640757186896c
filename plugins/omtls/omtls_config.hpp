// omtls_config.hpp - omtls action settings: raw parameter values, validation, and the immutable per-action config.
//
// Concurrency & Locking: built on the main thread, then read-only and shared
// by all workers of the action without locks, except the TLS config
// itself: host::Credentials swaps it on HUP or a file change under its own
// mutex, and each worker takes a reference when it connects (tlsConfig()).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "syslogtls.h"
#include "credentials.hpp"
#include "syslogtls_ptr.hpp"
#include "tls_params.hpp"

namespace omtls {

// tls.* values of module(load="omtls" ...), the defaults of every action
// (host::inheritTls: an action's own value wins, "" clears).
using TlsDefaults = host::TlsValues;

// omtls's side of the TLS config: the client role and its timeout range.
inline constexpr host::TlsRole kTlsRole{SYSLOGTLS_ROLE_CLIENT, 1, 4000000};

// Raw action() parameter values as read from the config (unset fields keep
// the contract defaults; the tls.* ones are resolved against TlsDefaults).
struct ActionSettings {
  std::vector<std::string> targets;  // failover order; required
  unsigned failbackInterval = 60;    // seconds; 0 = never fail back
  long long port = 6514;
  std::string templateName = "RSYSLOG_SyslogProtocol23Format";
  std::string framing = "octet-counted";
  bool tls = true;
  // tls.caFile ... tls.handshakeTimeout, tls.serverName (default = each
  // target; also the default permitted peer).
  host::TlsValues tlsSettings;
  unsigned connectTimeout = 10;      // seconds
  unsigned rebindInterval = 0;       // messages; 0 = off
  bool keepAlive = false;
  std::string actionName;            // for the statistics name; "" = first target
};

using host::TlsConfigPtr;

// One failover target with the TLS policy used toward it.
struct Target {
  std::string host;        // as configured (name or IP literal)
  std::string serverName;  // SNI and the name the certificate must match
                           // (unless tls.permittedPeer); an IP literal = no SNI, IP SAN
  bool hasClientCert = false;  // tls.certFile/tls.keyFile configured
};

// Validated, loaded settings of one action. Immutable after build(); shared
// read-only by all workers of the action.
class ActionConfig final {
 public:
  // Validates s (module defaults applied), reads the TLS files and builds
  // one TLS config per target. On failure returns null and sets err to a
  // text naming the parameter and the reason. warnings receives texts to
  // log at startup (e.g. tls.authMode="anon").
  static std::unique_ptr<ActionConfig> build(const ActionSettings& s, const TlsDefaults& moduleDefaults,
                                             std::string& err, std::vector<std::string>& warnings);

  ActionConfig(const ActionConfig&) = delete;
  ActionConfig& operator=(const ActionConfig&) = delete;

  const std::vector<Target>& targets() const { return targets_; }
  // The TLS config the next connection uses (null when tls="off"); the
  // same for every target (the name to match is given at connect).
  host::SharedTlsConfig tlsConfig() const { return creds_ ? creds_->current() : nullptr; }
  // null when tls="off".
  host::Credentials* credentials() const { return creds_.get(); }
  unsigned port() const { return port_; }
  int framing() const { return framing_; }
  bool tls() const { return tls_; }
  unsigned connectTimeoutMs() const { return connectTimeoutMs_; }
  unsigned failbackIntervalMs() const { return failbackIntervalMs_; }
  unsigned rebindInterval() const { return rebindInterval_; }
  bool keepAlive() const { return keepAlive_; }
  const std::string& templateName() const { return templateName_; }
  // "omtls(<action name or first target>)"
  const std::string& statsName() const { return statsName_; }
  // "target 'a' (failover: 'b', 'c')", for logs.
  std::string describe() const;

 private:
  ActionConfig() = default;
  std::vector<Target> targets_;
  unsigned port_ = 6514;
  int framing_ = SYSLOGTLS_FRAMING_OCTET_COUNTED;
  bool tls_ = true;
  unsigned connectTimeoutMs_ = 10000;
  unsigned failbackIntervalMs_ = 60000;
  unsigned rebindInterval_ = 0;
  bool keepAlive_ = false;
  std::string templateName_;
  std::string statsName_;
  std::unique_ptr<host::Credentials> creds_;  // null when tls="off"
};

}  // namespace omtls
