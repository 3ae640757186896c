// tls_config.cpp - loads TLS credentials, priority string and peer policy.
#include "tls_config.hpp"

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include "error.hpp"
#include "gnutls_ptr.hpp"
#include "idna.hpp"
#include "verify_cache.hpp"
#include "x509_facts.hpp"

namespace syslogtls {

namespace {


}  // namespace

struct TlsConfig::Impl {
  int role = SYSLOGTLS_ROLE_SERVER;
  int auth_mode = SYSLOGTLS_AUTH_X509_CERTVALID;
  unsigned handshake_timeout_ms = 10000;
  bool accept_wildcards = true;
  std::string ca_file, cert_file, key_file, priority, crl_file;
  std::vector<std::string> permitted_names;
  std::vector<peer::Fingerprint> permitted_fps;
  CredentialsPtr cred;
  PriorityPtr prio;
  std::unique_ptr<ImportedCrls> crls;  // after load(), when a CRL file is set
  bool loaded = false;
  bool resumption = true;
  // server: the session-ticket master key (wiped and freed with the config)
  struct TicketKey {
    gnutls_datum_t key{nullptr, 0};
    ~TicketKey() {
      if (key.data != nullptr) {
        gnutls_memset(key.data, 0, key.size);
        gnutls_free(key.data);
      }
    }
  } ticket;
  // client: session data per target, for resumption
  mutable std::mutex resume_mu;
  mutable std::map<std::string, std::string> resume;
  // both roles: accepted chains, for resumed sessions (verify_cache.hpp)
  mutable VerifyCache verified;
  int64_t ca_not_after = 0;  // earliest notAfter of the CA file's certificates (0: no CA file)
  int failed_setting = SYSLOGTLS_SETTING_NONE;  // of the last failed setter or load()
};

namespace {

// A failure about one setting: recorded for failed_setting(), then thrown.
class SettingError final : public std::exception {
 public:
  SettingError(int setting, int code, std::string text) : setting_(setting), error_(code, std::move(text)) {}
  int setting() const noexcept { return setting_; }
  const Error& error() const noexcept { return error_; }
  const char* what() const noexcept override { return error_.what(); }

 private:
  int setting_;
  Error error_;
};

// "CA file '/x'"
std::string quoted(int setting, const std::string& path) {
  return std::string(syslogtls_setting_name(setting)) + " '" + path + "'";
}

std::string cannot_read(const std::string& path, int e) { return "cannot read '" + path + "': " + std::strerror(e); }

// Whole file, or SettingError(E_FILE, "cannot read '/x': reason").
std::string read_file(int setting, const std::string& path) {
  std::string data;
  const int e = x509::read_pem_file(path, &data);
  if (e == EFBIG) throw SettingError(setting, SYSLOGTLS_E_FILE, quoted(setting, path) + ": file too large for a PEM file");
  if (e != 0) throw SettingError(setting, SYSLOGTLS_E_FILE, cannot_read(path, e));
  return data;
}

gnutls_datum_t datum_of(std::string& s) {
  return gnutls_datum_t{reinterpret_cast<unsigned char*>(&s[0]), static_cast<unsigned>(s.size())};
}


void check_policy(const TlsConfig::Impl& m) {
  const std::string mode = std::string("authentication mode \"") + TlsConfig::auth_mode_name(m.auth_mode) + "\"";
  if (!m.crl_file.empty() && m.ca_file.empty())
    throw SettingError(SYSLOGTLS_SETTING_CRL_FILE, SYSLOGTLS_E_INVAL,
                       "required: CRL file '" + m.crl_file + "' needs a CA file (the CAs that issued its CRLs)");
  if (!m.cert_file.empty() && m.key_file.empty())
    throw SettingError(SYSLOGTLS_SETTING_KEY_FILE, SYSLOGTLS_E_INVAL,
                       "required: certificate file '" + m.cert_file + "' needs its private key");
  if (m.cert_file.empty() && !m.key_file.empty())
    throw SettingError(SYSLOGTLS_SETTING_CERT_FILE, SYSLOGTLS_E_INVAL,
                       "required: private key file '" + m.key_file + "' needs its certificate");
  if (m.role == SYSLOGTLS_ROLE_SERVER && m.cert_file.empty())
    throw SettingError(SYSLOGTLS_SETTING_CERT_FILE, SYSLOGTLS_E_INVAL,
                       "required for a TLS server (with its private key file)");
  if ((m.auth_mode == SYSLOGTLS_AUTH_X509_CERTVALID || m.auth_mode == SYSLOGTLS_AUTH_X509_NAME) &&
      m.ca_file.empty())
    throw SettingError(SYSLOGTLS_SETTING_CA_FILE, SYSLOGTLS_E_INVAL,
                       "required for " + mode + " (or use \"x509/fingerprint\" or \"anon\")");
  if (m.auth_mode == SYSLOGTLS_AUTH_X509_FINGERPRINT && m.permitted_fps.empty())
    throw SettingError(SYSLOGTLS_SETTING_PERMITTED_PEER, SYSLOGTLS_E_INVAL,
                       mode + " needs at least one permitted fingerprint (e.g. SHA256:AA:BB:...)");
  if (m.auth_mode == SYSLOGTLS_AUTH_X509_NAME && m.role == SYSLOGTLS_ROLE_SERVER && m.permitted_names.empty())
    throw SettingError(SYSLOGTLS_SETTING_PERMITTED_PEER, SYSLOGTLS_E_INVAL,
                       mode + " on a server needs at least one permitted peer name");
}

// The CA file's certificates into cred; returns the earliest notAfter among
// them (for VerifyCache: a cached verdict must not outlive a trust anchor).
int64_t load_ca(gnutls_certificate_credentials_t cred, const std::string& path) {
  constexpr int kCa = SYSLOGTLS_SETTING_CA_FILE;
  std::string pem = read_file(kCa, path);
  gnutls_datum_t d = datum_of(pem);
  int n = gnutls_certificate_set_x509_trust_mem(cred, &d, GNUTLS_X509_FMT_PEM);
  if (n < 0)
    throw SettingError(kCa, SYSLOGTLS_E_FILE,
                       quoted(kCa, path) + ": not a PEM certificate (" + gnutls_strerror(n) + ")");
  if (n == 0) throw SettingError(kCa, SYSLOGTLS_E_FILE, quoted(kCa, path) + ": not a PEM certificate");
  ImportedCrts crts;
  if (gnutls_x509_crt_list_import2(&crts.list, &crts.n, &d, GNUTLS_X509_FMT_PEM, 0) < 0 || crts.n == 0)
    return -1;  // GnuTLS took the file but cannot list it: no verdict is cached
  int64_t earliest = 0;
  for (unsigned i = 0; i < crts.n; ++i) {
    const int64_t t = x509::not_after_of(crts.list[i]);
    if (t <= 0) return -1;
    if (earliest == 0 || t < earliest) earliest = t;
  }
  return earliest;
}

void load_cert_key(gnutls_certificate_credentials_t cred, const std::string& cert_path,
                   const std::string& key_path) {
  constexpr int kCert = SYSLOGTLS_SETTING_CERT_FILE;
  constexpr int kKey = SYSLOGTLS_SETTING_KEY_FILE;
  std::string cert_pem = read_file(kCert, cert_path);
  std::string key_pem = read_file(kKey, key_path);
  ImportedCrts crts;
  gnutls_datum_t cd = datum_of(cert_pem);
  int rc = gnutls_x509_crt_list_import2(&crts.list, &crts.n, &cd, GNUTLS_X509_FMT_PEM, 0);
  if (rc < 0 || crts.n == 0)
    throw SettingError(kCert, SYSLOGTLS_E_FILE, quoted(kCert, cert_path) + ": not a PEM certificate");
  gnutls_x509_privkey_t raw_key = nullptr;
  if (gnutls_x509_privkey_init(&raw_key) < 0) throw std::bad_alloc();
  X509KeyPtr key(raw_key);
  gnutls_datum_t kd = datum_of(key_pem);
  rc = gnutls_x509_privkey_import2(key.get(), &kd, GNUTLS_X509_FMT_PEM, nullptr, 0);
  if (rc < 0) {
    std::string why = rc == GNUTLS_E_DECRYPTION_FAILED ? " (encrypted keys are not supported)" : "";
    throw SettingError(kKey, SYSLOGTLS_E_FILE, quoted(kKey, key_path) + ": not a PEM private key" + why);
  }
  rc = gnutls_certificate_set_x509_key(cred, crts.list, crts.n, key.get());
  if (rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH)
    throw SettingError(kKey, SYSLOGTLS_E_FILE, quoted(kKey, key_path) + " does not match " + quoted(kCert, cert_path));
  if (rc < 0)
    throw SettingError(kCert, SYSLOGTLS_E_FILE,
                       quoted(kCert, cert_path) + ": cannot use certificate and key: " + gnutls_strerror(rc));
}

// The CRLs of the CRL file into cred (checked against its CA certificates,
// so the CA file goes first) and into *out.
void load_crl(gnutls_certificate_credentials_t cred, const std::string& path, std::unique_ptr<ImportedCrls>* out) {
  constexpr int kCrl = SYSLOGTLS_SETTING_CRL_FILE;
  const std::string what = quoted(kCrl, path) + ": ";
  std::string pem;
  const int e = x509::read_pem_file(path, &pem);
  if (e != 0)
    throw SettingError(kCrl, SYSLOGTLS_E_FILE, what + (e == EFBIG ? "file too large for a PEM file" : std::strerror(e)));
  auto crls = std::make_unique<ImportedCrls>();
  gnutls_datum_t d = datum_of(pem);
  int rc = gnutls_x509_crl_list_import2(&crls->list, &crls->n, &d, GNUTLS_X509_FMT_PEM, 0);
  if (rc == GNUTLS_E_MEMORY_ERROR) throw std::bad_alloc();
  if (rc < 0 && pem.find("-----BEGIN X509 CRL-----") == std::string::npos)
    throw SettingError(kCrl, SYSLOGTLS_E_FILE, what + "no CRL found (no \"BEGIN X509 CRL\" block)");
  if (rc < 0) throw SettingError(kCrl, SYSLOGTLS_E_FILE, what + "not a PEM CRL (" + gnutls_strerror(rc) + ")");
  if (crls->n == 0) throw SettingError(kCrl, SYSLOGTLS_E_FILE, what + "no CRL found");
  int n = gnutls_certificate_set_x509_crl_mem(cred, &d, GNUTLS_X509_FMT_PEM);
  if (n == GNUTLS_E_MEMORY_ERROR) throw std::bad_alloc();
  if (n < 0) throw SettingError(kCrl, SYSLOGTLS_E_FILE, what + "cannot use the CRLs: " + gnutls_strerror(n));
  if (n == 0) throw SettingError(kCrl, SYSLOGTLS_E_FILE, what + "no CRL found");
  *out = std::move(crls);
}

PriorityPtr load_priority(const std::string& priority) {
  const std::string& text = priority.empty() ? std::string(SYSLOGTLS_DEFAULT_PRIORITY) : priority;
  gnutls_priority_t raw = nullptr;
  const char* err_pos = nullptr;
  int rc = gnutls_priority_init(&raw, text.c_str(), &err_pos);
  if (rc < 0) {
    std::string msg = quoted(SYSLOGTLS_SETTING_PRIORITY, text) + ": ";
    if (rc == GNUTLS_E_INVALID_REQUEST && err_pos != nullptr && err_pos >= text.c_str() &&
        err_pos <= text.c_str() + text.size()) {
      size_t pos = static_cast<size_t>(err_pos - text.c_str());
      msg += "invalid at position " + std::to_string(pos) + " (near '" + text.substr(pos, 24) + "')";
    } else {
      msg += gnutls_strerror(rc);
    }
    throw SettingError(SYSLOGTLS_SETTING_PRIORITY, SYSLOGTLS_E_INVAL, msg);
  }
  return PriorityPtr(raw);
}

}  // namespace

TlsConfig::TlsConfig(int role) : impl_(new Impl) {
  if (role != SYSLOGTLS_ROLE_SERVER && role != SYSLOGTLS_ROLE_CLIENT)
    throw Error(SYSLOGTLS_E_INVAL, "unknown TLS role " + std::to_string(role));
  impl_->role = role;
}

TlsConfig::~TlsConfig() = default;

void TlsConfig::require_unloaded() const {
  if (impl_->loaded) throw Error(SYSLOGTLS_E_STATE, "the TLS configuration is already loaded");
}

// Runs one setter or load(): records which setting a failure was about.
template <typename Fn>
void TlsConfig::about(int setting, Fn&& fn) {
  impl_->failed_setting = SYSLOGTLS_SETTING_NONE;
  try {
    fn();
  } catch (const SettingError& e) {
    impl_->failed_setting = e.setting();
    throw e.error();
  } catch (const Error& e) {
    if (e.code() != SYSLOGTLS_E_STATE) impl_->failed_setting = setting;
    throw;
  }
}

void TlsConfig::reject(int setting, int code, std::string text) {
  impl_->failed_setting = setting;
  throw Error(code, std::move(text));
}

int TlsConfig::failed_setting() const { return impl_->failed_setting; }

void TlsConfig::set_ca_file(std::string path) {
  about(SYSLOGTLS_SETTING_CA_FILE, [&] {
    require_unloaded();
    impl_->ca_file = std::move(path);
  });
}

void TlsConfig::set_cert_file(std::string path) {
  about(SYSLOGTLS_SETTING_CERT_FILE, [&] {
    require_unloaded();
    impl_->cert_file = std::move(path);
  });
}

void TlsConfig::set_key_file(std::string path) {
  about(SYSLOGTLS_SETTING_KEY_FILE, [&] {
    require_unloaded();
    impl_->key_file = std::move(path);
  });
}

void TlsConfig::set_crl_file(std::string path) {
  about(SYSLOGTLS_SETTING_CRL_FILE, [&] {
    require_unloaded();
    impl_->crl_file = std::move(path);
  });
}

void TlsConfig::set_priority(std::string priority) {
  about(SYSLOGTLS_SETTING_PRIORITY, [&] {
    require_unloaded();
    impl_->priority = std::move(priority);
  });
}

void TlsConfig::set_auth_mode(int mode) {
  about(SYSLOGTLS_SETTING_AUTH_MODE, [&] {
    require_unloaded();
    if (mode < SYSLOGTLS_AUTH_ANON || mode > SYSLOGTLS_AUTH_X509_FINGERPRINT)
      throw Error(SYSLOGTLS_E_INVAL, "unknown authentication mode " + std::to_string(mode));
    impl_->auth_mode = mode;
  });
}

void TlsConfig::add_permitted_peer(const std::string& entry) {
  about(SYSLOGTLS_SETTING_PERMITTED_PEER, [&] {
    require_unloaded();
    std::string reason;
    if (peer::looks_like_fingerprint(entry)) {
      peer::Fingerprint fp;
      if (!peer::parse_fingerprint(entry, &fp, &reason))
        throw Error(SYSLOGTLS_E_INVAL, quoted(SYSLOGTLS_SETTING_PERMITTED_PEER, entry) + ": " + reason);
      impl_->permitted_fps.push_back(std::move(fp));
      return;
    }
    std::string name;
    if (!permitted_name_entry(entry, &name, &reason))
      throw Error(SYSLOGTLS_E_INVAL, quoted(SYSLOGTLS_SETTING_PERMITTED_PEER, entry) + ": " + reason);
    impl_->permitted_names.push_back(std::move(name));
  });
}

bool permitted_name_entry(const std::string& entry, std::string* out, std::string* reason) {
  if (peer::is_ip_literal(entry)) {
    *out = entry;
    return true;
  }
  if (!peer::check_permitted_name(entry, reason)) return false;
  // RFC 5425 section 5.2: internationalised names compare as A-labels.
  return to_alabel(entry, out, reason);
}

void TlsConfig::set_handshake_timeout_ms(unsigned ms) {
  about(SYSLOGTLS_SETTING_HANDSHAKE_TIMEOUT, [&] {
    require_unloaded();
    impl_->handshake_timeout_ms = ms;
  });
}

void TlsConfig::set_accept_wildcard_certificates(bool on) {
  about(SYSLOGTLS_SETTING_ACCEPT_WILDCARD, [&] {
    require_unloaded();
    impl_->accept_wildcards = on;
  });
}

void TlsConfig::set_session_resumption(bool on) {
  about(SYSLOGTLS_SETTING_NONE, [&] {
    require_unloaded();
    impl_->resumption = on;
  });
}

void TlsConfig::load() {
  about(SYSLOGTLS_SETTING_NONE, [&] {
    require_unloaded();
    Impl& m = *impl_;
    check_policy(m);
    gnutls_certificate_credentials_t raw = nullptr;
    if (gnutls_certificate_allocate_credentials(&raw) < 0) throw std::bad_alloc();
    CredentialsPtr cred(raw);
    const int64_t ca_not_after = m.ca_file.empty() ? 0 : load_ca(cred.get(), m.ca_file);
    std::unique_ptr<ImportedCrls> crls;
    if (!m.crl_file.empty()) load_crl(cred.get(), m.crl_file, &crls);
    if (!m.cert_file.empty()) load_cert_key(cred.get(), m.cert_file, m.key_file);
    PriorityPtr prio = load_priority(m.priority);
    m.cred = std::move(cred);
    m.prio = std::move(prio);
    m.crls = std::move(crls);
    m.ca_not_after = ca_not_after;
    if (m.role == SYSLOGTLS_ROLE_SERVER && m.resumption && m.ticket.key.data == nullptr) {
      const int rc = gnutls_session_ticket_key_generate(&m.ticket.key);
      if (rc < 0) throw Error(SYSLOGTLS_E_INTERNAL, std::string("session ticket key: ") + gnutls_strerror(rc));
    }
    m.loaded = true;
  });
}

bool TlsConfig::loaded() const { return impl_->loaded; }
int TlsConfig::role() const { return impl_->role; }
int TlsConfig::auth_mode() const { return impl_->auth_mode; }
unsigned TlsConfig::handshake_timeout_ms() const { return impl_->handshake_timeout_ms; }
bool TlsConfig::accept_wildcard_certificates() const { return impl_->accept_wildcards; }
bool TlsConfig::session_resumption() const { return impl_->resumption; }
const void* TlsConfig::ticket_key() const {
  return impl_->ticket.key.data != nullptr ? &impl_->ticket.key : nullptr;
}

std::string TlsConfig::resume_data(const std::string& target) const {
  std::lock_guard<std::mutex> lock(impl_->resume_mu);
  const auto it = impl_->resume.find(target);
  return it == impl_->resume.end() ? std::string() : it->second;
}

void TlsConfig::store_resume_data(const std::string& target, std::string data) const {
  std::lock_guard<std::mutex> lock(impl_->resume_mu);
  auto& cache = impl_->resume;
  if (data.empty()) {
    cache.erase(target);
    return;
  }
  // bounded: a client of many targets forgets an arbitrary other one
  if (cache.size() >= kResumeTargets && cache.find(target) == cache.end()) cache.erase(cache.begin());
  cache[target] = std::move(data);
}
VerifyCache& TlsConfig::verify_cache() const { return impl_->verified; }
int64_t TlsConfig::ca_not_after() const { return impl_->ca_not_after; }
const std::vector<std::string>& TlsConfig::permitted_names() const { return impl_->permitted_names; }
const std::vector<peer::Fingerprint>& TlsConfig::permitted_fingerprints() const {
  return impl_->permitted_fps;
}
const std::string& TlsConfig::ca_file() const { return impl_->ca_file; }
const std::string& TlsConfig::crl_file() const { return impl_->crl_file; }

bool TlsConfig::lists_revoked(void* crt) const {
  const ImportedCrls* crls = impl_->crls.get();
  if (crls == nullptr || crt == nullptr) return false;
  return gnutls_x509_crt_check_revocation(static_cast<gnutls_x509_crt_t>(crt), crls->list, crls->n) == 1;
}

const char* TlsConfig::auth_mode_name(int mode) {
  switch (mode) {
    case SYSLOGTLS_AUTH_ANON: return "anon";
    case SYSLOGTLS_AUTH_X509_CERTVALID: return "x509/certvalid";
    case SYSLOGTLS_AUTH_X509_NAME: return "x509/name";
    case SYSLOGTLS_AUTH_X509_FINGERPRINT: return "x509/fingerprint";
    default: return "?";
  }
}

void* TlsConfig::gnutls_credentials() const { return impl_->cred.get(); }
void* TlsConfig::gnutls_priority() const { return impl_->prio.get(); }

}  // namespace syslogtls
