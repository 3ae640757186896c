// cert-facts.hpp - the facts of the certificates of a PEM file as the
// runtime (libsyslogtls) reads them: subject, issuer, fingerprints, serial,
// validity, names. The only part of syslogtls-cert that formats
// fingerprints, dates and names or matches a name against a certificate,
// and it leaves all of them to the runtime.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "syslogtls.h"

namespace certcmd {

struct CertFacts {
  std::string subject, issuer;  // DNs (RFC 4514)
  std::string sha256;           // "SHA256:AA:BB:..." (32 upper-case hex pairs)
  std::string sha1;             // "SHA1:AA:..."
  std::string serial;           // "0x..."
  int64_t not_before = 0, not_after = 0;  // Unix seconds
  bool is_ca = false;
  std::string names;  // "[DNS:a.example.net, IP:192.0.2.1]", as imtls and omtls match them
};

// The certificates of a PEM file, read once by the runtime.
class CertFile final {
 public:
  // Every certificate of path, in file order (at least one); Failure
  // (kExitFailed) with the runtime's words when the file cannot be read or
  // holds no PEM certificate.
  explicit CertFile(const std::string& path);

  const std::vector<CertFacts>& facts() const { return facts_; }
  // How name matches certificate i by the rules of tls.permittedPeer and of
  // omtls's target: SYSLOGTLS_NAME_MATCH, _WILDCARD_ONLY or _NO_MATCH; a
  // negative SYSLOGTLS_E_* with *why the runtime's words ("'x': reason")
  // when name is not a host name or IP address.
  int match_name(size_t i, const std::string& name, std::string* why) const;

 private:
  struct ListDeleter final {
    void operator()(syslogtls_cert_list* p) const noexcept { syslogtls_cert_list_free(p); }
  };
  std::unique_ptr<syslogtls_cert_list, ListDeleter> list_;
  std::vector<CertFacts> facts_;
};

// CertFile(path).facts().
std::vector<CertFacts> read_cert_facts(const std::string& path);

// "2026-12-31 23:59:59 UTC"
std::string utc_text(int64_t t);

// "SHA256:AA:BB" -> "sha-256:aa:bb", "SHA1:.." -> "sha-1:.." (RFC 5425
// section 4.2.2 spelling).
std::string rfc5425_spelling(const std::string& fingerprint);

}  // namespace certcmd
