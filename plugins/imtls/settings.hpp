// settings.hpp - imtls parameters: one settings struct, the module() and
// input() parameter tables, and validation into a ListenerConfig.
//
// module(load="imtls" ...) fills the defaults; each input() starts from a
// copy of them and applies its own parameters.
//
// Concurrency & Locking: main thread only (config load); no shared state.
#pragma once

#include <string>
#include <vector>

#include "hostname_check.hpp"
#include "params.hpp"
#include "tls_params.hpp"

namespace imtls {

// Field defaults are the documented parameter defaults.
struct Settings {
  long long port = 6514;              // 0 = ephemeral (needs listenPortFileName)
  std::string address;                // "" = all addresses
  std::string listenPortFileName;
  std::string name = "imtls";         // %inputname%
  std::string ruleset;                // "" = default ruleset
  bool tls = true;                    // off: plaintext, loopback only
  // tls.* as given (host/tls_params.hpp); an input()'s values are resolved
  // against module()'s by host::inheritTls. Unset authMode = x509/name if
  // permitted peers, else x509/certvalid.
  host::TlsValues tlsValues;
  std::string framing = "auto";
  long long maxFrameSize = 64 * 1024;
  std::string oversizeMode = "truncate";
  long long maxSessions = 1000;
  long long maxPendingHandshakes = 250;  // 0 = no own budget
  long long maxSessionsPerPeer = 0;      // 0 = off
  long long socketBacklog = 1024;        // capped by net.core.somaxconn
  long long idleTimeout = 0;          // seconds, 0 = off
  bool keepAlive = false;
  bool sessionLog = true;
  long long rateLimitInterval = 0;    // seconds, 0 = off
  long long rateLimitBurst = 10000;
  long long drainTimeout = 800;       // ms; module() only
  // PROXY protocol (a load balancer in front): off, v1, v2 or any, and the
  // addresses / CIDR ranges allowed to send it (required unless off).
  std::string proxyProtocol = "off";
  std::vector<std::string> proxyTrustedSources;
};

// Parameter tables. The module table holds every input parameter except the
// per-input identity (name, listenPortFileName), plus drainTimeout.
const host::ParamTable<Settings>& moduleParams();
const host::ParamTable<Settings>& inputParams();

// A validated input: settings plus their parsed forms.
struct ListenerConfig {
  Settings s;
  unsigned port = 0;
  int framing = 0;     // SYSLOGTLS_FRAMING_*
  int oversize = 0;    // SYSLOGTLS_OVERSIZE_*
  int authMode = 0;    // SYSLOGTLS_AUTH_* (tls on only)
  bool loopback = false;
  int proxyProtocol = 0;  // SYSLOGTLS_PROXY_*
  bool addPeerMetadata = false;                        // tls.addPeerMetadata
  HostnameCheck hostnameCheck = HostnameCheck::kOff;   // tls.hostnameCheck
};

// imtls's side of the TLS config: the server role and its timeout range.
inline constexpr host::TlsRole kTlsRole{SYSLOGTLS_ROLE_SERVER, 0, 3600};

// input()'s tls.* values resolved against module()'s (the one rule of
// host::inheritTls).
void inheritModuleTls(Settings& input, const Settings& module);

// Checks the values; every problem is logged through LogError as
// "imtls: input '<name>': parameter '<param>': <reason>". Returns false if
// any was found. Does not read files (see Listener).
bool validate(const Settings& s, ListenerConfig& out);

// Checks module()-level values (drainTimeout); logs and returns false on error.
bool validateModule(const Settings& s);


}  // namespace imtls
