// tls_params.cpp - inheritance of tls.* module() defaults and the builder of the runtime's TLS config.
//
// Concurrency & Locking: main thread during config load; syslogtls_errmsg()
// is read right after the failing call on the same thread.
#include "tls_params.hpp"

#include <type_traits>

namespace host {
namespace {

template <typename T>
std::optional<T> pick(const std::optional<T>& instance, const std::optional<T>& module) {
  const std::optional<T>& v = instance ? instance : module;
  if constexpr (!std::is_arithmetic_v<T>) {
    if (v && v->empty()) return std::nullopt;
  }
  return v;
}

std::string reason(int rc) {
  const char* m = syslogtls_errmsg();
  if (m != nullptr && *m != '\0') return m;
  return syslogtls_strerror(rc);
}

// "parameter 'tls.caFile': <reason>", the name taken from the setting the
// runtime says failed (fallback: the setter that was called).
std::string failure(const syslogtls_tls_config* cfg, int fallbackSetting, int rc) {
  int setting = syslogtls_tls_config_failed_setting(cfg);
  if (setting == SYSLOGTLS_SETTING_NONE) setting = fallbackSetting;
  const char* name = tlsParamName(setting);
  if (name == nullptr) return "TLS settings rejected: " + reason(rc);
  return std::string("parameter '") + name + "': " + reason(rc);
}

}  // namespace

const char* tlsParamName(int setting) noexcept {
  if (setting == SYSLOGTLS_SETTING_NONE) return nullptr;
  for (const auto& row : kTlsParams)
    if (row.setting == setting) return row.name;
  return nullptr;
}

TlsValues inheritTls(const TlsValues& a, const TlsValues& m) {
  TlsValues r;
  r.caFile = pick(a.caFile, m.caFile);
  r.certFile = pick(a.certFile, m.certFile);
  r.keyFile = pick(a.keyFile, m.keyFile);
  r.authMode = pick(a.authMode, m.authMode);
  r.priorityString = pick(a.priorityString, m.priorityString);
  r.serverName = pick(a.serverName, m.serverName);
  r.permittedPeers = pick(a.permittedPeers, m.permittedPeers);
  r.handshakeTimeout = pick(a.handshakeTimeout, m.handshakeTimeout);
  return r;
}

bool tlsAuthMode(const TlsValues& v, const std::string& fallback, int& mode, std::string& err) {
  const std::string text = v.authMode.value_or(fallback);
  if (syslogtls_auth_mode_parse(text.c_str(), &mode) == SYSLOGTLS_OK) return true;
  err = "parameter 'tls.authMode': unknown value '" + text +
        "' (expected x509/name, x509/certvalid, x509/fingerprint or anon)";
  return false;
}

TlsConfigPtr buildTlsConfig(const TlsRole& role, const TlsValues& v, int authMode, std::string& err) {
  const long long hs = v.handshakeTimeout.value_or(10);
  if (hs < role.minHandshakeTimeout || hs > role.maxHandshakeTimeout) {
    err = "parameter 'tls.handshakeTimeout': out of range (was " + std::to_string(hs) + ", allowed " +
          std::to_string(role.minHandshakeTimeout) + "-" + std::to_string(role.maxHandshakeTimeout) + " s)";
    return nullptr;
  }
  syslogtls_tls_config* raw = nullptr;
  int rc = syslogtls_tls_config_new(&raw, role.role);
  if (rc != SYSLOGTLS_OK) {
    err = "cannot create the TLS configuration: " + reason(rc);
    return nullptr;
  }
  TlsConfigPtr cfg(raw);
  const auto set = [&](int r, int setting) {
    if (r == SYSLOGTLS_OK) return true;
    err = failure(raw, setting, r);
    return false;
  };
  const bool ok =
      (!v.caFile || set(syslogtls_tls_config_set_ca_file(raw, v.caFile->c_str()), SYSLOGTLS_SETTING_CA_FILE)) &&
      (!v.certFile ||
       set(syslogtls_tls_config_set_cert_file(raw, v.certFile->c_str()), SYSLOGTLS_SETTING_CERT_FILE)) &&
      (!v.keyFile || set(syslogtls_tls_config_set_key_file(raw, v.keyFile->c_str()), SYSLOGTLS_SETTING_KEY_FILE)) &&
      set(syslogtls_tls_config_set_priority(raw, v.priorityString ? v.priorityString->c_str() : nullptr),
          SYSLOGTLS_SETTING_PRIORITY) &&
      set(syslogtls_tls_config_set_auth_mode(raw, authMode), SYSLOGTLS_SETTING_AUTH_MODE) &&
      set(syslogtls_tls_config_set_handshake_timeout(raw, static_cast<unsigned>(hs) * 1000u),
          SYSLOGTLS_SETTING_HANDSHAKE_TIMEOUT);
  if (!ok) return nullptr;
  if (v.permittedPeers) {
    for (const auto& p : *v.permittedPeers)
      if (!set(syslogtls_tls_config_add_permitted_peer(raw, p.c_str()), SYSLOGTLS_SETTING_PERMITTED_PEER))
        return nullptr;
  }
  if (!set(syslogtls_tls_config_load(raw), SYSLOGTLS_SETTING_NONE)) return nullptr;
  return cfg;
}

}  // namespace host
