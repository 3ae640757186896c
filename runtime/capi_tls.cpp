// capi_tls.cpp - extern "C" forwarders for TLS configurations.
#include "capi_tls.hpp"

#include <strings.h>

#include <cstring>

#include "error.hpp"
#include "idna.hpp"

namespace syslogtls {
namespace {

TlsConfig& cfg_of(syslogtls_tls_config* cfg) {
  if (cfg == nullptr || !cfg->rep) throw Error(SYSLOGTLS_E_INVAL, "TLS configuration handle is NULL");
  return *cfg->rep;
}

std::string path_arg(TlsConfig& cfg, int setting, const char* path) {
  if (path == nullptr || *path == '\0') cfg.reject(setting, SYSLOGTLS_E_INVAL, "empty path");
  return path;
}

}  // namespace

std::shared_ptr<const TlsConfig> loaded_config(const syslogtls_tls_config* cfg) {
  if (cfg == nullptr || !cfg->rep) throw Error(SYSLOGTLS_E_INVAL, "TLS configuration handle is NULL");
  if (!cfg->rep->loaded())
    throw Error(SYSLOGTLS_E_STATE, "the TLS configuration is not loaded (call syslogtls_tls_config_load)");
  return cfg->rep;
}

}  // namespace syslogtls

using syslogtls::cfg_of;
using syslogtls::Error;
using syslogtls::guarded;

extern "C" {

int syslogtls_tls_config_new(syslogtls_tls_config** out, int role) {
  return guarded([&] {
    if (out == nullptr) throw Error(SYSLOGTLS_E_INVAL, "out is NULL");
    *out = nullptr;
    auto cfg = std::make_unique<syslogtls_tls_config>();
    cfg->rep = std::make_shared<syslogtls::TlsConfig>(role);
    *out = cfg.release();
    return SYSLOGTLS_OK;
  });
}

void syslogtls_tls_config_free(syslogtls_tls_config* cfg) { delete cfg; }

int syslogtls_auth_mode_parse(const char* text, int* mode) {
  return guarded([&] {
    if (text == nullptr || mode == nullptr) throw Error(SYSLOGTLS_E_INVAL, "text or mode is NULL");
    static const struct {
      const char* name;
      int mode;
    } modes[] = {{"anon", SYSLOGTLS_AUTH_ANON},
                 {"x509/certvalid", SYSLOGTLS_AUTH_X509_CERTVALID},
                 {"x509/name", SYSLOGTLS_AUTH_X509_NAME},
                 {"x509/fingerprint", SYSLOGTLS_AUTH_X509_FINGERPRINT}};
    for (const auto& m : modes) {
      if (strcasecmp(text, m.name) == 0) {
        *mode = m.mode;
        return SYSLOGTLS_OK;
      }
    }
    throw Error(SYSLOGTLS_E_INVAL, std::string("authentication mode \"") + text +
                                       "\": unknown (use anon, x509/certvalid, x509/name or x509/fingerprint)");
  });
}

int syslogtls_tls_config_set_ca_file(syslogtls_tls_config* cfg, const char* path) {
  return guarded([&] {
    syslogtls::TlsConfig& c = cfg_of(cfg);
    c.set_ca_file(syslogtls::path_arg(c, SYSLOGTLS_SETTING_CA_FILE, path));
    return SYSLOGTLS_OK;
  });
}

int syslogtls_tls_config_set_cert_file(syslogtls_tls_config* cfg, const char* path) {
  return guarded([&] {
    syslogtls::TlsConfig& c = cfg_of(cfg);
    c.set_cert_file(syslogtls::path_arg(c, SYSLOGTLS_SETTING_CERT_FILE, path));
    return SYSLOGTLS_OK;
  });
}

int syslogtls_tls_config_set_key_file(syslogtls_tls_config* cfg, const char* path) {
  return guarded([&] {
    syslogtls::TlsConfig& c = cfg_of(cfg);
    c.set_key_file(syslogtls::path_arg(c, SYSLOGTLS_SETTING_KEY_FILE, path));
    return SYSLOGTLS_OK;
  });
}

int syslogtls_tls_config_set_crl_file(syslogtls_tls_config* cfg, const char* path) {
  return guarded([&] {
    cfg_of(cfg).set_crl_file(path == nullptr ? std::string() : std::string(path));
    return SYSLOGTLS_OK;
  });
}

int syslogtls_tls_config_set_priority(syslogtls_tls_config* cfg, const char* priority) {
  return guarded([&] {
    cfg_of(cfg).set_priority(priority == nullptr ? std::string() : std::string(priority));
    return SYSLOGTLS_OK;
  });
}

int syslogtls_tls_config_set_auth_mode(syslogtls_tls_config* cfg, int mode) {
  return guarded([&] {
    cfg_of(cfg).set_auth_mode(mode);
    return SYSLOGTLS_OK;
  });
}

int syslogtls_tls_config_add_permitted_peer(syslogtls_tls_config* cfg, const char* peer) {
  return guarded([&] {
    syslogtls::TlsConfig& c = cfg_of(cfg);
    if (peer == nullptr) c.reject(SYSLOGTLS_SETTING_PERMITTED_PEER, SYSLOGTLS_E_INVAL, "NULL");
    c.add_permitted_peer(peer);
    return SYSLOGTLS_OK;
  });
}

int syslogtls_tls_config_set_handshake_timeout(syslogtls_tls_config* cfg, unsigned ms) {
  return guarded([&] {
    cfg_of(cfg).set_handshake_timeout_ms(ms);
    return SYSLOGTLS_OK;
  });
}

int syslogtls_tls_config_set_session_resumption(syslogtls_tls_config* cfg, int on) {
  return guarded([&] {
    cfg_of(cfg).set_session_resumption(on != 0);
    return SYSLOGTLS_OK;
  });
}

int syslogtls_tls_config_set_accept_wildcard_certificates(syslogtls_tls_config* cfg, int on) {
  return guarded([&] {
    cfg_of(cfg).set_accept_wildcard_certificates(on != 0);
    return SYSLOGTLS_OK;
  });
}

int syslogtls_host_to_ascii(const char* name, char* out, size_t cap, size_t* out_len) {
  return guarded([&] {
    if (name == nullptr || out_len == nullptr) throw Error(SYSLOGTLS_E_INVAL, "name or out_len is NULL");
    if (out == nullptr && cap > 0) throw Error(SYSLOGTLS_E_INVAL, "out is NULL");
    std::string ascii, why;
    if (!syslogtls::to_alabel(name, &ascii, &why)) throw Error(SYSLOGTLS_E_INVAL, "'" + std::string(name) + "': " + why);
    *out_len = ascii.size();
    if (cap < ascii.size() + 1) throw Error(SYSLOGTLS_E_SPACE, "output buffer too small for '" + ascii + "'");
    std::memcpy(out, ascii.c_str(), ascii.size() + 1);
    return SYSLOGTLS_OK;
  });
}

int syslogtls_tls_config_load(syslogtls_tls_config* cfg) {
  return guarded([&] {
    cfg_of(cfg).load();
    return SYSLOGTLS_OK;
  });
}

int syslogtls_tls_config_failed_setting(const syslogtls_tls_config* cfg) {
  return cfg != nullptr && cfg->rep ? cfg->rep->failed_setting() : SYSLOGTLS_SETTING_NONE;
}

}  // extern "C"
