// peer_certificate.cpp - reads the peer's X.509 certificate and decides
// whether the configured policy accepts it, with a reason code and words.
#include "peer_certificate.hpp"

#include <gnutls/x509.h>

#include <ctime>

#include "gnutls_ptr.hpp"
#include "peer_verify.hpp"
#include "x509_facts.hpp"

namespace syslogtls {

namespace {

using x509::import_der;
using x509::issuer_of;
using x509::subject_of;
using x509::fingerprint_of;
using x509::utc_date;
using x509::names_of;

// Bounds of a peer's chain, checked before it is verified. GnuTLS itself
// bounds a handshake message (the chain arrives in one) and verifies at
// most 16 certificates; a longer chain would be reported as an unknown
// issuer, and a real chain is a few KB.
constexpr unsigned kMaxChainCertificates = 16;
constexpr size_t kMaxChainBytes = 64 * 1024;

PeerVerdict refuse(int reason, std::string why) {
  PeerVerdict v;
  v.reason = reason;
  v.why = std::move(why);
  return v;
}

// The first certificate of the chain whose validity period excludes now.
PeerVerdict refuse_dates(unsigned status, const gnutls_datum_t* certs, unsigned n) {
  const int64_t now = static_cast<int64_t>(time(nullptr));
  for (unsigned i = 0; i < n; ++i) {
    X509CrtPtr crt = import_der(certs[i]);
    if (!crt) continue;
    const std::string who = i == 0 ? "certificate" : "issuer certificate '" + subject_of(crt.get()) + "'";
    const int64_t exp = x509::not_after_of(crt.get());
    const int64_t act = x509::not_before_of(crt.get());
    if (exp != 0 && exp < now)
      return refuse(SYSLOGTLS_REASON_EXPIRED, who + " expired on " + utc_date(exp));
    if (act != 0 && act > now)
      return refuse(SYSLOGTLS_REASON_NOT_YET_VALID, who + " not valid before " + utc_date(act));
  }
  return (status & GNUTLS_CERT_EXPIRED) ? refuse(SYSLOGTLS_REASON_EXPIRED, "a certificate of the chain expired")
                                        : refuse(SYSLOGTLS_REASON_NOT_YET_VALID,
                                                 "a certificate of the chain is not yet valid");
}

// The first certificate of the chain a CRL of cfg lists, named with its
// serial ("certificate revoked (serial 0x1a2b)"); false if none is listed.
bool find_revoked(const TlsConfig& cfg, const gnutls_datum_t* certs, unsigned n, PeerVerdict* v) {
  for (unsigned i = 0; i < n; ++i) {
    X509CrtPtr crt = import_der(certs[i]);
    if (!crt || !cfg.lists_revoked(crt.get())) continue;
    const std::string serial = " (serial " + x509::serial_of(crt.get()) + ")";
    *v = i == 0 ? refuse(SYSLOGTLS_REASON_REVOKED, "certificate revoked" + serial)
                : refuse(SYSLOGTLS_REASON_REVOKED,
                         "certificate revoked: issuer certificate '" + subject_of(crt.get()) + "'" + serial);
    return true;
  }
  return false;
}

// GnuTLS verification status bits -> reason and words.
PeerVerdict refuse_chain(const TlsConfig& cfg, unsigned status, const gnutls_datum_t* certs, unsigned n) {
  // Revocation first: a listed certificate says so whatever else is wrong
  // (GnuTLS does not flag an expired certificate as revoked).
  PeerVerdict revoked;
  if (find_revoked(cfg, certs, n, &revoked)) return revoked;
  if (status & GNUTLS_CERT_REVOKED)
    return refuse(SYSLOGTLS_REASON_REVOKED,
                  "certificate revoked: a certificate of its chain is listed in the CRL file ('" + cfg.crl_file() + "')");
  if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
    return refuse(SYSLOGTLS_REASON_UNTRUSTED,
                  "certificate not trusted: issuer not found among the configured CA certificates ('" +
                      cfg.ca_file() + "')");
  if (status & GNUTLS_CERT_SIGNER_NOT_CA)
    return refuse(SYSLOGTLS_REASON_UNTRUSTED, "certificate not trusted: its issuer is not a CA");
  if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
    return refuse(SYSLOGTLS_REASON_CERT_INVALID, "certificate not trusted: signed with an insecure algorithm");
  if (status & (GNUTLS_CERT_EXPIRED | GNUTLS_CERT_NOT_ACTIVATED)) return refuse_dates(status, certs, n);
  if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
    return refuse(SYSLOGTLS_REASON_CERT_INVALID, "certificate not trusted: bad signature");
  OwnedDatum text;
  if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text.d, 0) >= 0 &&
      text.d.data != nullptr)
    return refuse(SYSLOGTLS_REASON_CERT_INVALID,
                  "certificate not trusted: " + std::string(reinterpret_cast<const char*>(text.d.data), text.d.size));
  return refuse(SYSLOGTLS_REASON_CERT_INVALID, "certificate not trusted");
}

PeerVerdict check_fingerprint(const TlsConfig& cfg, const gnutls_datum_t& leaf_der) {
  peer::Fingerprint have256, have1;
  bool any_sha1 = false, any_sha256 = false;
  fingerprint_of(leaf_der, peer::FpAlg::sha256, &have256);
  fingerprint_of(leaf_der, peer::FpAlg::sha1, &have1);
  for (const auto& pin : cfg.permitted_fingerprints()) {
    (pin.alg == peer::FpAlg::sha1 ? any_sha1 : any_sha256) = true;
    if (pin == (pin.alg == peer::FpAlg::sha1 ? have1 : have256)) return PeerVerdict{true, SYSLOGTLS_REASON_NONE, ""};
  }
  return refuse(SYSLOGTLS_REASON_FINGERPRINT_MISMATCH,
                "fingerprint " + peer::format_fingerprint(any_sha1 && !any_sha256 ? have1 : have256) +
                    " not among the permitted peers");
}

PeerVerdict check_name(const TlsConfig& cfg, const peer::CertNames& names, const std::string& server_name) {
  std::vector<std::string> permitted = cfg.permitted_names();
  if (permitted.empty() && !server_name.empty()) permitted.push_back(server_name);
  if (permitted.empty())
    return refuse(SYSLOGTLS_REASON_NAME_MISMATCH, "no name to check: configure a permitted peer or the server name");
  const peer::NameMatch m = peer::match_names(names, permitted);
  if (!m.matched)
    return refuse(SYSLOGTLS_REASON_NAME_MISMATCH, "name mismatch: certificate names " + peer::describe_names(names) +
                                                      " match none of the permitted peers " +
                                                      peer::describe_list(permitted));
  if (m.wildcard_only && !cfg.accept_wildcard_certificates())
    return refuse(SYSLOGTLS_REASON_WILDCARD_REFUSED,
                  "wildcard certificate refused: only the wildcard name '" + m.wildcard +
                      "' of the certificate matches the permitted peers " + peer::describe_list(permitted) +
                      " (wildcard certificates are not accepted)");
  return PeerVerdict{true, SYSLOGTLS_REASON_NONE, ""};
}

PeerIdentity identity_of(gnutls_x509_crt_t crt, const gnutls_datum_t& der) {
  PeerIdentity id;
  id.present = true;
  id.subject = subject_of(crt);
  id.issuer = issuer_of(crt);
  id.names = names_of(crt, &id.san);
  if (!id.names.cns.empty()) id.cn = id.names.cns.front();
  id.fingerprint = x509::fingerprint_text(der, peer::FpAlg::sha256);
  id.not_after = x509::not_after_of(crt);
  id.hostname = !id.names.dns.empty() ? id.names.dns.front() : id.cn;
  return id;
}

}  // namespace

std::string certificate_subject(const gnutls_datum_t& der) {
  X509CrtPtr crt = import_der(der);
  return crt ? subject_of(crt.get()) : std::string();
}

PeerIdentity certificate_identity(const gnutls_datum_t& der) {
  X509CrtPtr crt = import_der(der);
  return crt ? identity_of(crt.get(), der) : PeerIdentity();
}

PeerIdentity session_peer_identity(gnutls_session_t s) {
  unsigned n = 0;
  const gnutls_datum_t* certs = gnutls_certificate_get_peers(s, &n);
  if (certs == nullptr || n == 0) return PeerIdentity();
  return certificate_identity(certs[0]);
}

PeerVerdict check_peer_certificate(gnutls_session_t s, const TlsConfig& cfg, const std::string& server_name,
                                   PeerIdentity* id) {
  unsigned n = 0;
  const gnutls_datum_t* certs = gnutls_certificate_get_peers(s, &n);
  X509CrtPtr leaf;
  if (certs != nullptr && n > 0) leaf = import_der(certs[0]);
  *id = leaf ? identity_of(leaf.get(), certs[0]) : PeerIdentity();
  const int mode = cfg.auth_mode();
  if (mode == SYSLOGTLS_AUTH_ANON) return PeerVerdict{true, SYSLOGTLS_REASON_NONE, ""};
  if (!leaf) {
    return n == 0 ? refuse(SYSLOGTLS_REASON_NO_CERTIFICATE, "no certificate presented")
                  : refuse(SYSLOGTLS_REASON_CERT_INVALID, "certificate cannot be parsed");
  }
  size_t chain_bytes = 0;
  for (unsigned i = 0; i < n; ++i) chain_bytes += certs[i].size;
  if (n > kMaxChainCertificates)
    return refuse(SYSLOGTLS_REASON_CERT_INVALID,
                  "certificate chain too long: " + std::to_string(n) + " certificates presented (at most " +
                      std::to_string(kMaxChainCertificates) + ")");
  if (chain_bytes > kMaxChainBytes)
    return refuse(SYSLOGTLS_REASON_CERT_INVALID,
                  "certificate chain too large: " + std::to_string(chain_bytes) + " bytes presented (at most " +
                      std::to_string(kMaxChainBytes) + ")");
  if (mode == SYSLOGTLS_AUTH_X509_FINGERPRINT) return check_fingerprint(cfg, certs[0]);
  unsigned status = 0;
  int rc = gnutls_certificate_verify_peers2(s, &status);
  if (rc < 0)
    return refuse(SYSLOGTLS_REASON_CERT_INVALID, std::string("certificate cannot be verified: ") + gnutls_strerror(rc));
  if (status != 0) return refuse_chain(cfg, status, certs, n);
  if (mode == SYSLOGTLS_AUTH_X509_NAME) return check_name(cfg, id->names, server_name);
  return PeerVerdict{true, SYSLOGTLS_REASON_NONE, ""};
}

}  // namespace syslogtls
