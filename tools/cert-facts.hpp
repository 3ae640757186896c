// cert-facts.hpp - the facts of the certificates of a PEM file as the
// runtime (libsyslogtls) reads them: subject, issuer, fingerprints, serial,
// validity. The only part of syslogtls-cert that formats fingerprints and
// dates, and it leaves both to the runtime.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace certcmd {

struct CertFacts {
  std::string subject, issuer;  // DNs (RFC 4514)
  std::string sha256;           // "SHA256:AA:BB:..." (32 upper-case hex pairs)
  std::string sha1;             // "SHA1:AA:..."
  std::string serial;           // "0x..."
  int64_t not_before = 0, not_after = 0;  // Unix seconds
  bool is_ca = false;
};

// Every certificate of path, in file order (at least one); Failure
// (kExitFailed) with the runtime's words when the file cannot be read or
// holds no PEM certificate.
std::vector<CertFacts> read_cert_facts(const std::string& path);

// "2026-12-31 23:59:59 UTC"
std::string utc_text(int64_t t);

// "SHA256:AA:BB" -> "sha-256:aa:bb", "SHA1:.." -> "sha-1:.." (RFC 5425
// section 4.2.2 spelling).
std::string rfc5425_spelling(const std::string& fingerprint);

}  // namespace certcmd
