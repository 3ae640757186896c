// cert_list.cpp - reads the certificates of a PEM file into CertFacts.
#include "cert_list.hpp"

#include <cerrno>
#include <cstring>

#include "error.hpp"
#include "x509_facts.hpp"

namespace syslogtls {

CertList::CertList(const std::string& path) {
  const std::string what = std::string(syslogtls_setting_name(SYSLOGTLS_SETTING_CERT_FILE)) + " '" + path + "': ";
  std::string pem;
  const int e = x509::read_pem_file(path, &pem);
  if (e == EFBIG) throw Error(SYSLOGTLS_E_FILE, what + "file too large for a PEM file");
  if (e != 0) throw Error(SYSLOGTLS_E_FILE, what + std::strerror(e));
  if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
    throw Error(SYSLOGTLS_E_FILE, what + "no certificate found (no \"BEGIN CERTIFICATE\" block)");
  ImportedCrts crts;
  gnutls_datum_t d{reinterpret_cast<unsigned char*>(&pem[0]), static_cast<unsigned>(pem.size())};
  const int rc = gnutls_x509_crt_list_import2(&crts.list, &crts.n, &d, GNUTLS_X509_FMT_PEM, 0);
  if (rc == GNUTLS_E_MEMORY_ERROR) throw std::bad_alloc();
  if (rc < 0) throw Error(SYSLOGTLS_E_FILE, what + "not a PEM certificate (" + gnutls_strerror(rc) + ")");
  if (crts.n == 0) throw Error(SYSLOGTLS_E_FILE, what + "no certificate found");
  certs_.reserve(crts.n);
  for (unsigned i = 0; i < crts.n; ++i) {
    gnutls_x509_crt_t crt = crts.list[i];
    std::string der;
    if (!x509::export_der(crt, &der))
      throw Error(SYSLOGTLS_E_FILE, what + "certificate " + std::to_string(i + 1) + " cannot be encoded");
    const gnutls_datum_t dd{reinterpret_cast<unsigned char*>(&der[0]), static_cast<unsigned>(der.size())};
    CertFacts f;
    f.subject = x509::subject_of(crt);
    f.issuer = x509::issuer_of(crt);
    f.sha256 = x509::fingerprint_text(dd, peer::FpAlg::sha256);
    f.sha1 = x509::fingerprint_text(dd, peer::FpAlg::sha1);
    f.serial = x509::serial_of(crt);
    f.not_before = x509::not_before_of(crt);
    f.not_after = x509::not_after_of(crt);
    f.ca = x509::is_ca(crt);
    f.names = x509::names_of(crt);
    f.names_text = peer::describe_names(f.names);
    certs_.push_back(std::move(f));
  }
}

}  // namespace syslogtls
