// cert-check.cpp - syslogtls-cert check. The files are loaded by the runtime
// exactly as imtls and omtls load them (syslogtls_tls_config_load: readable,
// PEM, key matches certificate, CRL parses), so those findings use the
// daemon's words. Chain, validity, names and revocation are then checked
// offline with GnuTLS, with the reason words of the runtime's peer checks
// ("certificate not trusted", "certificate expired", "name mismatch",
// "certificate revoked"); the name is matched by the runtime itself
// (syslogtls_cert_list_match_name).
#include "cert-check.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <memory>

#include "cert-common.hpp"
#include "cert-facts.hpp"
#include "syslogtls.h"

namespace certcmd {

namespace {

constexpr int64_t kDay = 86400;

class Report final {
 public:
  void ok(const std::string& topic, const std::string& text) { std::printf("ok: %s: %s\n", topic.c_str(), text.c_str()); }
  void fail(const std::string& topic, const std::string& text) {
    std::printf("FAIL: %s: %s\n", topic.c_str(), text.c_str());
    ++failures_;
  }
  int failures() const { return failures_; }

 private:
  int failures_ = 0;
};

struct ConfigDeleter final {
  void operator()(syslogtls_tls_config* p) const noexcept { syslogtls_tls_config_free(p); }
};
using ConfigPtr = std::unique_ptr<syslogtls_tls_config, ConfigDeleter>;

// Loads the given files into a client-role configuration as the modules do.
// Returns "" when it loads, else the runtime's words; *setting gets the
// runtime's name of the setting that failed ("private key file", ...).
std::string runtime_load(const std::string& ca, const std::string& cert, const std::string& key,
                         const std::string& crl, std::string* setting) {
  syslogtls_tls_config* raw = nullptr;
  if (syslogtls_tls_config_new(&raw, SYSLOGTLS_ROLE_CLIENT) != SYSLOGTLS_OK) return syslogtls_errmsg();
  ConfigPtr cfg(raw);
  int rc = syslogtls_tls_config_set_auth_mode(cfg.get(), ca.empty() ? SYSLOGTLS_AUTH_ANON : SYSLOGTLS_AUTH_X509_CERTVALID);
  if (rc == SYSLOGTLS_OK && !ca.empty()) rc = syslogtls_tls_config_set_ca_file(cfg.get(), ca.c_str());
  if (rc == SYSLOGTLS_OK && !cert.empty()) rc = syslogtls_tls_config_set_cert_file(cfg.get(), cert.c_str());
  if (rc == SYSLOGTLS_OK && !key.empty()) rc = syslogtls_tls_config_set_key_file(cfg.get(), key.c_str());
  if (rc == SYSLOGTLS_OK && !crl.empty()) rc = syslogtls_tls_config_set_crl_file(cfg.get(), crl.c_str());
  if (rc == SYSLOGTLS_OK) rc = syslogtls_tls_config_load(cfg.get());
  if (rc == SYSLOGTLS_OK) return std::string();
  const std::string why = syslogtls_errmsg();
  const int s = syslogtls_tls_config_failed_setting(cfg.get());
  *setting = s != SYSLOGTLS_SETTING_NONE ? syslogtls_setting_name(s) : "files";
  return why;
}

std::string octal_mode(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

void check_key_mode(Report& r, const std::string& key) {
  struct stat st;
  if (stat(key.c_str(), &st) != 0) return;  // unreadable: the files finding says so
  const mode_t m = st.st_mode & 07777;
  if ((m & 0077) != 0)
    r.fail("key file mode", "'" + key + "' has mode " + octal_mode(m) +
                                ": users other than its owner may read or change the private key "
                                "(imtls and omtls load it, but it is exposed): chmod 600 '" + key + "'");
  else
    r.ok("key file mode", octal_mode(m) + " (only its owner can read it)");
}

// The words of the runtime's peer checks for GnuTLS verification status bits.
std::string chain_problem(unsigned status, const std::string& ca, const std::string& issuer) {
  if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
    return "certificate not trusted: issuer not found among the CA certificates of '" + ca + "' (issuer '" + issuer +
           "')";
  if (status & GNUTLS_CERT_SIGNER_NOT_CA) return "certificate not trusted: its issuer is not a CA";
  if (status & GNUTLS_CERT_INSECURE_ALGORITHM) return "certificate not trusted: signed with an insecure algorithm";
  if (status & GNUTLS_CERT_SIGNATURE_FAILURE) return "certificate not trusted: bad signature";
  OwnedDatum text;
  if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text.d, 0) >= 0 && text.d.data)
    return "certificate not trusted: " + std::string(reinterpret_cast<const char*>(text.d.data), text.d.size);
  return "certificate not trusted";
}

TrustListPtr trust_list_of(const std::vector<CrtPtr>& cas) {
  gnutls_x509_trust_list_t raw = nullptr;
  check_gnutls(gnutls_x509_trust_list_init(&raw, 0), "cannot create a trust list");
  TrustListPtr tl(raw);
  std::vector<gnutls_x509_crt_t> list;
  for (const CrtPtr& c : cas) {
    gnutls_x509_crt_t copy = nullptr;
    check_gnutls(gnutls_x509_crt_init(&copy), "cannot copy a CA certificate");
    CrtPtr owned(copy);
    OwnedDatum der;
    check_gnutls(gnutls_x509_crt_export2(c.get(), GNUTLS_X509_FMT_DER, &der.d), "cannot copy a CA certificate");
    check_gnutls(gnutls_x509_crt_import(copy, &der.d, GNUTLS_X509_FMT_DER), "cannot copy a CA certificate");
    list.push_back(owned.release());  // the trust list owns them from here
  }
  int rc = gnutls_x509_trust_list_add_cas(tl.get(), list.data(), static_cast<unsigned>(list.size()), 0);
  if (rc < 0) {
    for (gnutls_x509_crt_t c : list) gnutls_x509_crt_deinit(c);
    check_gnutls(rc, "cannot use the CA certificates");
  }
  return tl;
}

// Chain to a CA of the CA file, dates ignored (they are a finding of their own).
bool check_chain(Report& r, const std::string& ca_path, const std::vector<CrtPtr>& cas,
                 const std::vector<CrtPtr>& chain, const CertFacts& leaf) {
  TrustListPtr tl = trust_list_of(cas);
  std::vector<gnutls_x509_crt_t> list;
  for (const CrtPtr& c : chain) list.push_back(c.get());
  unsigned status = 0;
  const unsigned flags = GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS;
  check_gnutls(gnutls_x509_trust_list_verify_crt2(tl.get(), list.data(), static_cast<unsigned>(list.size()), nullptr,
                                                  0, flags, &status, nullptr),
               "cannot verify the certificate");
  if (status != 0) {
    r.fail("chain", chain_problem(status, ca_path, leaf.issuer));
    return false;
  }
  r.ok("chain", "'" + leaf.subject + "' chains to a CA of '" + ca_path + "' (issuer '" + leaf.issuer + "')");
  return true;
}

// The leaf and the other certificates of its file, and the CA of ca_path that
// issued the last of them.
void check_validity(Report& r, const std::vector<CertFacts>& chain, const std::vector<CertFacts>& cas) {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::vector<std::pair<std::string, const CertFacts*>> all;
  for (size_t i = 0; i < chain.size(); ++i)
    all.emplace_back(i == 0 ? "certificate" : "chain certificate '" + chain[i].subject + "'", &chain[i]);
  for (const CertFacts& ca : cas)
    if (ca.subject == chain.back().issuer) all.emplace_back("CA certificate '" + ca.subject + "'", &ca);
  bool bad = false;
  for (const auto& [who, f] : all) {
    if (f->not_after < now) {
      r.fail("validity", who + " expired on " + utc_text(f->not_after) + " (certificate expired)");
      bad = true;
    } else if (f->not_before > now) {
      r.fail("validity", who + " not valid before " + utc_text(f->not_before) + " (certificate not yet valid)");
      bad = true;
    }
  }
  if (!bad) {
    const CertFacts& leaf = chain.front();
    r.ok("validity", "from " + utc_text(leaf.not_before) + " to " + utc_text(leaf.not_after) + " (" +
                         std::to_string((leaf.not_after - now + kDay - 1) / kDay) + " days left)");
  }
}

// The leaf's names, and with a name how imtls and omtls would match it (the
// runtime's own rules, syslogtls_cert_list_match_name).
void check_name(Report& r, const CertFile& file, const std::string& name) {
  const std::string& names = file.facts().front().names;
  if (name.empty()) {
    r.ok("names", names + " (give --name to check one)");
    return;
  }
  std::string why;
  const int m = file.match_name(0, name, &why);
  if (m < 0)
    r.fail("name", why);
  else if (m == SYSLOGTLS_NAME_MATCH)
    r.ok("name", "'" + name + "' matches the certificate names " + names);
  else if (m == SYSLOGTLS_NAME_WILDCARD_ONLY)
    r.ok("name", "'" + name + "' matches only through a wildcard name of " + names +
                     " (refused where tls.acceptWildcardCertificates=\"off\")");
  else
    r.fail("name", "name mismatch: certificate names " + names + " do not match '" + name + "'");
}

std::vector<CrlPtr> read_crls(const std::string& path) {
  const std::string pem = read_file(path);
  gnutls_datum_t d{reinterpret_cast<unsigned char*>(const_cast<char*>(pem.data())), static_cast<unsigned>(pem.size())};
  gnutls_x509_crl_t* list = nullptr;
  unsigned n = 0;
  int rc = gnutls_x509_crl_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM, 0);
  std::vector<CrlPtr> out;
  for (unsigned i = 0; rc >= 0 && i < n; ++i) out.emplace_back(list[i]);
  gnutls_free(list);
  if (rc < 0 || out.empty()) failed("'" + path + "': not a PEM CRL");
  return out;
}

void check_revocation(Report& r, const std::string& crl_path, const std::vector<CrtPtr>& cas, gnutls_x509_crt_t leaf,
                      const CertFacts& leaf_facts) {
  std::vector<CrlPtr> crls = read_crls(crl_path);
  std::vector<gnutls_x509_crt_t> ca_list;
  for (const CrtPtr& c : cas) ca_list.push_back(c.get());
  std::vector<gnutls_x509_crl_t> usable;
  for (const CrlPtr& crl : crls) {
    unsigned status = 0;
    if (gnutls_x509_crl_verify(crl.get(), ca_list.data(), static_cast<unsigned>(ca_list.size()), 0, &status) < 0 ||
        status != 0) {
      r.fail("revocation", "a CRL of '" + crl_path + "' is not signed by a CA of the CA file: its revocations are not used");
      continue;
    }
    usable.push_back(crl.get());
  }
  if (usable.empty()) return;
  int rc = gnutls_x509_crt_check_revocation(leaf, usable.data(), static_cast<unsigned>(usable.size()));
  if (rc == 1)
    r.fail("revocation", "certificate revoked (serial " + leaf_facts.serial + "), listed in '" + crl_path + "'");
  else if (rc == 0)
    r.ok("revocation", "serial " + leaf_facts.serial + " is not listed in '" + crl_path + "'");
  else
    r.fail("revocation", std::string("cannot check the CRL: ") + gnutls_strerror(rc));
}

}  // namespace

int run_check(const CheckArgs& a) {
  Report r;
  // The files, as the modules load them.
  std::string ca_topic, pair_topic, crl_topic;
  const std::string ca_err = runtime_load(a.ca, "", "", "", &ca_topic);
  const std::string pair_err = runtime_load("", a.cert, a.key, "", &pair_topic);
  const std::string crl_err =
      a.crl.empty() || !ca_err.empty() ? std::string() : runtime_load(a.ca, "", "", a.crl, &crl_topic);
  if (!ca_err.empty()) r.fail(ca_topic, ca_err);
  if (!pair_err.empty()) r.fail(pair_topic, pair_err);
  if (!crl_err.empty()) r.fail(crl_topic, crl_err);
  if (ca_err.empty() && pair_err.empty() && crl_err.empty())
    r.ok("files", "'" + a.ca + "', '" + a.cert + "', '" + a.key + "'" + (a.crl.empty() ? "" : ", '" + a.crl + "'") +
                      " load as imtls and omtls load them; the key matches the certificate");
  check_key_mode(r, a.key);
  // The rest needs the certificates; the runtime's words above tell why they cannot be read.
  std::vector<CrtPtr> chain, cas;
  std::unique_ptr<CertFile> chain_file;
  std::vector<CertFacts> ca_facts;
  try {
    chain = read_certificates(a.cert);
    chain_file = std::make_unique<CertFile>(a.cert);
  } catch (const Failure&) {
    chain.clear();
  }
  try {
    cas = read_certificates(a.ca);
    ca_facts = read_cert_facts(a.ca);
  } catch (const Failure&) {
    cas.clear();
  }
  if (!chain.empty() && chain_file && chain.size() == chain_file->facts().size()) {
    const std::vector<CertFacts>& chain_facts = chain_file->facts();
    if (!cas.empty()) check_chain(r, a.ca, cas, chain, chain_facts.front());
    check_validity(r, chain_facts, ca_facts);
    check_name(r, *chain_file, a.name);
    if (!a.crl.empty() && !cas.empty() && crl_err.empty()) {
      try {
        check_revocation(r, a.crl, cas, chain.front().get(), chain_facts.front());
      } catch (const Failure& e) {
        r.fail("revocation", e.what());
      }
    }
  }
  if (r.failures() == 0) {
    std::printf("accepted: imtls and omtls would accept this set\n");
    return kExitOk;
  }
  std::printf("refused: %d finding(s) above\n", r.failures());
  return kExitFailed;
}

}  // namespace certcmd
