// peer_certificate.hpp - X.509 inspection of the peer's certificate (subject,
// names, fingerprints) and the policy decision the TLS verify callback makes.
//
// Stateless and thread-safe; the pure matching rules live in peer_verify.hpp.
#pragma once

#include <gnutls/gnutls.h>

#include <string>

#include "syslogtls.h"
#include "tls_config.hpp"

namespace syslogtls {

// What the policy decided about a peer.
struct PeerVerdict {
  bool accepted = false;
  int reason = SYSLOGTLS_REASON_NONE;  // SYSLOGTLS_REASON_* when refused
  std::string why;                     // refusal in words ("certificate not trusted: ...")
};

// Subject DN (RFC 4514) of a DER certificate; "" if it cannot be parsed.
std::string certificate_subject(const gnutls_datum_t& der);

// Applies the auth mode of cfg to the certificates the peer of session s
// presented. server_name: the name to match in x509/name when cfg has no
// permitted names (client role). *subject gets the leaf's subject ("" if
// none). Throws only std::bad_alloc.
PeerVerdict check_peer_certificate(gnutls_session_t s, const TlsConfig& cfg, const std::string& server_name,
                                   std::string* subject);

}  // namespace syslogtls
