// tls_params.cpp - inheritance of tls.* module() defaults and the builder of the runtime's TLS config.
//
// Concurrency & Locking: main thread during config load, and the
// certificate watcher thread for reloads; syslogtls_errmsg() is read right
// after the failing call on the same thread.
#include "tls_params.hpp"

namespace host {
namespace {

// "parameter 'tls.caFile': <reason>", the name taken from the setting the
// runtime says failed (fallback: the setter that was called).
std::string failure(const syslogtls_tls_config* cfg, int fallbackSetting, int rc) {
  int setting = syslogtls_tls_config_failed_setting(cfg);
  if (setting == SYSLOGTLS_SETTING_NONE) setting = fallbackSetting;
  const char* name = tlsParamName(setting);
  if (name == nullptr) return "TLS settings rejected: " + runtimeErrorText(rc);
  return std::string("parameter '") + name + "': " + runtimeErrorText(rc);
}

}  // namespace

const char* tlsParamName(int setting) noexcept {
  if (setting == SYSLOGTLS_SETTING_NONE) return nullptr;
  for (const auto& row : kTlsParams)
    if (row.setting == setting) return row.name;
  return nullptr;
}

int loadTlsHandshakeTimeout(syslogtls_tls_config* c, const TlsValues& v) {
  if (!v.handshakeTimeout) return SYSLOGTLS_OK;
  return syslogtls_tls_config_set_handshake_timeout(c, static_cast<unsigned>(*v.handshakeTimeout) * 1000u);
}

int loadTlsAcceptWildcard(syslogtls_tls_config* c, const TlsValues& v) {
  if (!v.acceptWildcardCertificates) return SYSLOGTLS_OK;
  return syslogtls_tls_config_set_accept_wildcard_certificates(c, *v.acceptWildcardCertificates ? 1 : 0);
}

int loadTlsSessionResumption(syslogtls_tls_config* c, const TlsValues& v) {
  if (!v.sessionResumption) return SYSLOGTLS_OK;
  return syslogtls_tls_config_set_session_resumption(c, *v.sessionResumption ? 1 : 0);
}

TlsValues inheritTls(const TlsValues& instance, const TlsValues& module) {
  TlsValues r;
  for (const auto& row : kTlsParams) row.inherit(r, instance, module);
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
    err = "cannot create the TLS configuration: " + runtimeErrorText(rc);
    return nullptr;
  }
  TlsConfigPtr cfg(raw);
  const auto set = [&](int r, int setting) {
    if (r == SYSLOGTLS_OK) return true;
    err = failure(raw, setting, r);
    return false;
  };
  if (!set(syslogtls_tls_config_set_auth_mode(raw, authMode), SYSLOGTLS_SETTING_AUTH_MODE)) return nullptr;
  for (const auto& row : kTlsParams)
    if (row.load != nullptr && !set(row.load(raw, v), row.setting)) return nullptr;
  if (!set(syslogtls_tls_config_load(raw), SYSLOGTLS_SETTING_NONE)) return nullptr;
  return cfg;
}

}  // namespace host
