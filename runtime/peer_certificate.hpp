// peer_certificate.hpp - X.509 inspection of the peer's certificate (subject,
// names, fingerprints) and the policy decision the TLS verify callback makes.
//
// Stateless and thread-safe; the pure matching rules live in peer_verify.hpp.
#pragma once

#include <gnutls/gnutls.h>

#include <cstdint>
#include <string>

#include "peer_verify.hpp"
#include "syslogtls.h"
#include "tls_config.hpp"

namespace syslogtls {

// What the policy decided about a peer.
struct PeerVerdict {
  bool accepted = false;
  int reason = SYSLOGTLS_REASON_NONE;  // SYSLOGTLS_REASON_* when refused
  std::string why;                     // refusal in words ("certificate not trusted: ...")
};

// Who the peer's leaf certificate says it is, extracted once per session
// (for syslogtls_conn_peer_* and the name checks). All "" / empty when the
// peer presented no certificate (present == false).
struct PeerIdentity {
  bool present = false;     // a leaf certificate was presented and parsed
  std::string subject;      // subject DN, RFC 4514
  std::string cn;           // first subject CN ("" if none)
  std::string issuer;       // issuer DN, RFC 4514
  std::string san;          // dNSName and iPAddress SANs, certificate order, ","-separated
  std::string fingerprint;  // "SHA256:AB:CD:.."
  std::string hostname;     // first dNSName SAN, else CN
  int64_t not_after = 0;    // notAfter, Unix seconds (0 if none)
  peer::CertNames names;    // for matching
};

// Subject DN (RFC 4514) of a DER certificate; "" if it cannot be parsed.
std::string certificate_subject(const gnutls_datum_t& der);

// The identity of a DER leaf certificate (present == false if it cannot be
// parsed). Throws only std::bad_alloc.
PeerIdentity certificate_identity(const gnutls_datum_t& der);
// The identity of the leaf the peer of session s presented (present ==
// false if none).
PeerIdentity session_peer_identity(gnutls_session_t s);

// Applies the auth mode of cfg to the certificates the peer of session s
// presented. server_name: the name to match in x509/name when cfg has no
// permitted names (client role; already an A-label). *id gets the leaf's
// identity (present == false if none). Throws only std::bad_alloc.
PeerVerdict check_peer_certificate(gnutls_session_t s, const TlsConfig& cfg, const std::string& server_name,
                                   PeerIdentity* id);

}  // namespace syslogtls
