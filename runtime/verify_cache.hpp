// verify_cache.hpp - a TLS config's recently accepted peer chains, so that a
// resumed session does not verify its chain a second time.
//
// A resumed session carries the certificate chain of the full handshake its
// ticket (server role) or stored session data (client role) came from, and
// both exist only inside one TlsConfig: the server's ticket key is made by
// load() and the client's session store is kept by the config, which never
// changes after load() (a certificate or CRL reload builds a new config, with
// a new key and an empty cache). So such a chain was verified against exactly
// this config's CAs, CRLs and policy; what can have changed since is the
// time. An entry therefore holds for at most kTtl, and never past the
// earliest notAfter among the chain's certificates and the config's CAs.
// Only accepted chains are kept; full handshakes always verify (and store),
// only resumed ones look up.
//
// Key: the name checked (client role: the server name) and the SHA-256 of
// the chain's DER certificates, each preceded by its length. Bounded
// (kMaxEntries): when full, expired entries go first, then an arbitrary one.
//
// Concurrency & Locking: one mutex around the map; find() copies the
// identity out, so nothing points into the map outside the lock.
#pragma once

#include <gnutls/gnutls.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "peer_certificate.hpp"

namespace syslogtls {

class VerifyCache final {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kTtl{300};
  static constexpr size_t kMaxEntries = 512;

  // The key of certs[0..n) checked for server_name; "" if n is 0 or the
  // digest cannot be computed (then nothing is stored or found).
  static std::string key_of(const gnutls_datum_t* certs, unsigned n, const std::string& server_name);

  // The earliest notAfter (Unix seconds) among certs[0..n) and ca_not_after
  // (TlsConfig::ca_not_after: 0 = no CA, -1 = unknown); 0 if one cannot be
  // read or ca_not_after is -1 (then store() keeps nothing).
  static int64_t chain_not_after(const gnutls_datum_t* certs, unsigned n, int64_t ca_not_after);

  // The identity of key's entry if it is valid at now (steady) and wall
  // (Unix seconds): *id is set and true returned; false otherwise (an
  // expired entry is dropped).
  bool find(const std::string& key, Clock::time_point now, int64_t wall, PeerIdentity* id);
  // Keeps id for key until now + kTtl, and not at or past not_after (Unix
  // seconds; 0 = unknown: then nothing is kept).
  void store(const std::string& key, const PeerIdentity& id, Clock::time_point now, int64_t not_after);

  size_t size() const;
  // How many find() calls answered from the cache (for the tests).
  unsigned long long hits() const { return hits_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    PeerIdentity id;
    Clock::time_point until;
    int64_t not_after;
  };
  void make_room_locked(Clock::time_point now);

  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> map_;
  std::atomic<unsigned long long> hits_{0};
};

}  // namespace syslogtls
