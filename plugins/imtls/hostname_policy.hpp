// hostname_policy.hpp - tls.hostnameCheck: the HOSTNAME a message claims
// against the names of the certificate that authenticated its session.
//
// One HostnamePolicy per session with a peer certificate. decide() is called
// for each message of the session, in order; it caches the last claimed
// HOSTNAME and its result, so a sender that always claims the same HOSTNAME
// costs one comparison per message. The certificate's names are matched by
// a NameMatcher (in imtls: the runtime's tls.permittedPeer rules). A
// HOSTNAME holding a NUL byte matches nothing (the matcher takes C strings).
//
// Concurrency & Locking: a policy belongs to one session and is used by the
// one thread serving it at a time; no locking.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "hostname_check.hpp"
#include "syslog_header.hpp"

namespace imtls {

// 1 when name (NUL-terminated) is one of the certificate's names, else 0.
using NameMatcher = int (*)(const void* ctx, const char* name);

struct HostnameDecision {
  enum Action {
    kPass,      // submit unchanged
    kTag,       // submit with $!metadata!tls_hostname_mismatch = "1"
    kDrop,      // do not submit
    kReplaced,  // submit HostnamePolicy::rewritten(), original in $!metadata!tls_claimed_hostname
  };
  Action action = kPass;
  bool mismatch = false;     // count in hostname.mismatch
  bool firstReport = false;  // the session's first mismatch: log it (once per session)
  bool unfit = false;        // replace: the certificate's name cannot stand in this message's format
  HostnameField field;
  std::string_view claimed;  // into the message; "" if it claims none
};

class HostnamePolicy final {
 public:
  // primaryName: the name replace writes (first dNSName SAN, else CN).
  HostnamePolicy(HostnameCheck mode, NameMatcher match, const void* ctx, std::string primaryName);
  HostnamePolicy(const HostnamePolicy&) = delete;
  HostnamePolicy& operator=(const HostnamePolicy&) = delete;

  // The verdict for one raw message (data valid during the call; the
  // decision's views point into it).
  HostnameDecision decide(const char* data, std::size_t len);
  // The message with the certificate's name as HOSTNAME, after kReplaced.
  const std::string& rewritten() const noexcept { return rewritten_; }
  HostnameCheck mode() const noexcept { return mode_; }
  const std::string& primaryName() const noexcept { return primary_; }
  // How often the matcher was asked (the cache's effect; for tests).
  unsigned long long comparisons() const noexcept { return comparisons_; }

 private:
  bool matches(std::string_view name);

  HostnameCheck mode_;
  NameMatcher match_;
  const void* ctx_;
  std::string primary_;
  std::string lastClaimed_;  // cache: the last HOSTNAME compared ...
  bool lastMatched_ = false;  // ... and its result
  bool haveLast_ = false;
  bool reported_ = false;
  unsigned long long comparisons_ = 0;
  std::string rewritten_;
};

}  // namespace imtls
