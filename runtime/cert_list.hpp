// cert_list.hpp - CertList: the facts of every certificate of a PEM file
// (syslogtls_cert_list), read once and immutable afterwards, so any number
// of threads may read one list at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "peer_verify.hpp"

namespace syslogtls {

struct CertFacts {
  std::string subject, issuer;  // RFC 4514 DNs
  std::string sha256, sha1;     // "SHA256:AB:..", "SHA1:AB:.."
  std::string serial;           // "0x1a2b3c"
  int64_t not_before = 0, not_after = 0;  // Unix seconds
  bool ca = false;                        // basicConstraints CA:TRUE
  peer::CertNames names;                  // the names peer checks match
  std::string names_text;                 // peer::describe_names(names)
};

class CertList final {
 public:
  // Reads every certificate of the PEM file at path. Throws
  // Error(SYSLOGTLS_E_FILE, "certificate file '/x': reason") when the file
  // cannot be read or holds no parsable certificate; std::bad_alloc.
  explicit CertList(const std::string& path);

  const std::vector<CertFacts>& certs() const { return certs_; }

 private:
  std::vector<CertFacts> certs_;
};

}  // namespace syslogtls
