// gnutls_ptr.hpp - std::unique_ptr aliases with deleters for GnuTLS handles.
#pragma once

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <memory>
#include <type_traits>

namespace syslogtls {

struct GnutlsDeleter final {
  void operator()(gnutls_session_int* p) const noexcept { gnutls_deinit(p); }
  void operator()(gnutls_certificate_credentials_st* p) const noexcept {
    gnutls_certificate_free_credentials(p);
  }
  void operator()(gnutls_priority_st* p) const noexcept { gnutls_priority_deinit(p); }
  void operator()(gnutls_x509_crt_int* p) const noexcept { gnutls_x509_crt_deinit(p); }
  void operator()(gnutls_x509_privkey_int* p) const noexcept { gnutls_x509_privkey_deinit(p); }
  void operator()(gnutls_x509_crl_int* p) const noexcept { gnutls_x509_crl_deinit(p); }
  // with the certificates and CRLs added to it: the list owns those
  void operator()(gnutls_x509_trust_list_st* p) const noexcept { gnutls_x509_trust_list_deinit(p, 1); }
};

// Owning handles: SessionPtr s(raw) ... s.get() is the gnutls_session_t.
using SessionPtr = std::unique_ptr<gnutls_session_int, GnutlsDeleter>;
using CredentialsPtr = std::unique_ptr<gnutls_certificate_credentials_st, GnutlsDeleter>;
using PriorityPtr = std::unique_ptr<gnutls_priority_st, GnutlsDeleter>;
using X509CrtPtr = std::unique_ptr<gnutls_x509_crt_int, GnutlsDeleter>;
using X509KeyPtr = std::unique_ptr<gnutls_x509_privkey_int, GnutlsDeleter>;
using X509CrlPtr = std::unique_ptr<gnutls_x509_crl_int, GnutlsDeleter>;
using TrustListPtr = std::unique_ptr<gnutls_x509_trust_list_st, GnutlsDeleter>;

// The array of handles a GnuTLS *_list_import2 call allocated: each handle
// deinitialised, then the array freed, on scope exit.
template <typename Handle, void (*Deinit)(Handle)>
class ImportedList final {
 public:
  ImportedList() = default;
  ~ImportedList() {
    for (unsigned i = 0; i < n; ++i) Deinit(list[i]);
    gnutls_free(list);
  }
  ImportedList(const ImportedList&) = delete;
  ImportedList& operator=(const ImportedList&) = delete;
  Handle* list = nullptr;
  unsigned n = 0;
};
using ImportedCrts = ImportedList<gnutls_x509_crt_t, gnutls_x509_crt_deinit>;
using ImportedCrls = ImportedList<gnutls_x509_crl_t, gnutls_x509_crl_deinit>;

// A gnutls_datum_t whose data GnuTLS allocated (gnutls_free on scope exit).
class OwnedDatum final {
 public:
  OwnedDatum() = default;
  ~OwnedDatum() { gnutls_free(d.data); }
  OwnedDatum(const OwnedDatum&) = delete;
  OwnedDatum& operator=(const OwnedDatum&) = delete;
  gnutls_datum_t d{nullptr, 0};
};

}  // namespace syslogtls
