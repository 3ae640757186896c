// session.hpp - what imtls keeps per TLS session: the %fromhost% props, the
// peer's identity as rsyslog message metadata, and the tls.hostnameCheck
// state.
//
// The identity ($!metadata!tls_peer_cn ... tls_cipher) is read from the
// runtime once, when the session opens, and attached to each message of the
// session with one msgAddMultiMetadata call (ABI.md §16), together with the
// message's own entry (tls_hostname_mismatch or tls_claimed_hostname), if
// any: the core merges a second call into $! instead of $!metadata.
//
// Concurrency & Locking: a Session belongs to one connection; the runtime
// calls back for one connection on one thread at a time, so no locking.
// Created in on_open (or at the first frames), deleted in on_close.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hostname_policy.hpp"
#include "rsyslog_abi.hpp"
#include "submit.hpp"
#include "syslogtls.h"

namespace imtls {

// The listener's choices, the same for each of its sessions.
struct SessionOptions {
  bool addPeerMetadata = false;
  HostnameCheck hostnameCheck = HostnameCheck::kOff;
  // Peers are authenticated by certificates (tls on, tls.authMode not anon):
  // only then is a presented certificate's identity used.
  bool certificates = false;
};

class Session final {
 public:
  // conn must stay valid for the Session's life (on_open .. on_close).
  Session(const syslogtls_conn* conn, const SessionOptions& options);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  host::Prop fromHost;    // %fromhost% cache
  host::Prop fromHostIp;  // %fromhost-ip% cache

  // nullptr when this session's HOSTNAMEs are not checked (check off, no
  // peer certificate).
  HostnamePolicy* hostnamePolicy() noexcept { return policy_.get(); }

  // Adds the session's metadata and, if extraName is not null, the entry
  // extraName = extraValue, in one call. RS_RET_OK when there is nothing to add.
  rs::rsRetVal attachMetadata(rs::smsg_t* m, const char* extraName, std::string_view extraValue);

  // The session's one log line about its HOSTNAMEs (call for the decision
  // whose firstReport is set).
  void reportHostname(const HostnameDecision& d, const std::string& logPrefix) const;
  // The session's one log line about metadata rsyslog did not take.
  void reportMetadataFailure(rs::rsRetVal rc, const std::string& logPrefix);

  // "127.0.0.1:41234 (subject 'CN=...')" for log lines.
  const std::string& peerText() const noexcept { return peerText_; }

 private:
  void add(const char* name, const char* value);

  std::vector<std::string> values_;  // the session's metadata values ...
  std::vector<const char*> names_;   // ... and names; plus one spare slot for the message's entry
  std::vector<const char*> valuePtrs_;
  std::size_t fixed_ = 0;            // entries of the session (without the spare slot)
  std::string extra_;                // NUL-terminated copy of the message's entry value
  std::string peerText_;
  std::string cn_, san_;
  std::unique_ptr<HostnamePolicy> policy_;
  bool metadataFailureReported_ = false;
};

}  // namespace imtls
