// x509_facts.hpp - the facts of one X.509 certificate in the library's own
// spelling (DNs, names, fingerprints, serial, dates), shared by the peer checks,
// the session identity and syslogtls_cert_list, and the one reader of PEM
// files. Stateless and thread-safe.
#pragma once

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <cstdint>
#include <string>

#include "gnutls_ptr.hpp"
#include "peer_verify.hpp"

namespace syslogtls {
namespace x509 {

// Whole file into *data (at most kMaxPemFile bytes). Returns 0, or the errno
// of the failure (EFBIG when the file is larger).
constexpr size_t kMaxPemFile = 16u << 20;  // no credential file is larger
int read_pem_file(const std::string& path, std::string* data);

// A parsed DER certificate; null if it cannot be parsed (or no memory).
X509CrtPtr import_der(const gnutls_datum_t& der);
// The DER encoding of crt; false if it cannot be exported.
bool export_der(gnutls_x509_crt_t crt, std::string* der);

// Subject / issuer DN, RFC 4514 ("CN=a,O=b"); "" if unavailable.
std::string subject_of(gnutls_x509_crt_t crt);
std::string issuer_of(gnutls_x509_crt_t crt);
// The digest of a DER certificate; false if GnuTLS cannot compute it.
bool fingerprint_of(const gnutls_datum_t& der, peer::FpAlg alg, peer::Fingerprint* out);
// "SHA256:AB:.." / "SHA1:AB:.." of a DER certificate; "" on failure.
std::string fingerprint_text(const gnutls_datum_t& der, peer::FpAlg alg);
// "0x1a2b3c": the serial's bytes in lower-case hex, leading zero bytes left
// out ("0x00" for 0); "" if unavailable.
std::string serial_of(gnutls_x509_crt_t crt);
// Validity period as Unix seconds; 0 if unavailable.
int64_t not_before_of(gnutls_x509_crt_t crt);
int64_t not_after_of(gnutls_x509_crt_t crt);
// basicConstraints CA:TRUE.
bool is_ca(gnutls_x509_crt_t crt);
// The names peer checks match (dNSName and iPAddress SANs, subject CNs, in
// certificate order; a name longer than 511 bytes is left out). *san, if
// not null, gets the dNSName and iPAddress SANs ","-separated
// ("a.example.net,127.0.0.1").
peer::CertNames names_of(gnutls_x509_crt_t crt, std::string* san = nullptr);

// "2026-12-31 23:59:59 UTC"; false (and *out untouched) if the C library
// cannot convert t. utc_date() gives "" then.
bool format_utc(int64_t t, std::string* out);
std::string utc_date(int64_t t);

}  // namespace x509
}  // namespace syslogtls
