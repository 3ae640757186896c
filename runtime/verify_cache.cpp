// verify_cache.cpp - see verify_cache.hpp.
#include "verify_cache.hpp"

#include <gnutls/crypto.h>

#include "x509_facts.hpp"

namespace syslogtls {

constexpr std::chrono::seconds VerifyCache::kTtl;
constexpr size_t VerifyCache::kMaxEntries;

std::string VerifyCache::key_of(const gnutls_datum_t* certs, unsigned n, const std::string& server_name) {
  if (certs == nullptr || n == 0) return std::string();
  gnutls_hash_hd_t h = nullptr;
  if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) return std::string();
  bool ok = true;
  for (unsigned i = 0; i < n && ok; ++i) {
    const unsigned char len[4] = {static_cast<unsigned char>(certs[i].size >> 24),
                                  static_cast<unsigned char>(certs[i].size >> 16),
                                  static_cast<unsigned char>(certs[i].size >> 8),
                                  static_cast<unsigned char>(certs[i].size)};
    ok = gnutls_hash(h, len, sizeof len) >= 0 && gnutls_hash(h, certs[i].data, certs[i].size) >= 0;
  }
  unsigned char digest[32];
  gnutls_hash_deinit(h, digest);
  if (!ok) return std::string();
  std::string key = server_name;
  key.push_back('\0');
  key.append(reinterpret_cast<const char*>(digest), sizeof digest);
  return key;
}

int64_t VerifyCache::chain_not_after(const gnutls_datum_t* certs, unsigned n, int64_t ca_not_after) {
  if (ca_not_after < 0 || certs == nullptr || n == 0) return 0;
  int64_t earliest = ca_not_after;
  for (unsigned i = 0; i < n; ++i) {
    X509CrtPtr crt = x509::import_der(certs[i]);
    const int64_t t = crt ? x509::not_after_of(crt.get()) : 0;
    if (t <= 0) return 0;
    if (earliest == 0 || t < earliest) earliest = t;
  }
  return earliest;
}

bool VerifyCache::find(const std::string& key, Clock::time_point now, int64_t wall, PeerIdentity* id) {
  if (key.empty()) return false;
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = map_.find(key);
  if (it == map_.end()) return false;
  if (now >= it->second.until || wall >= it->second.not_after) {
    map_.erase(it);
    return false;
  }
  *id = it->second.id;
  hits_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void VerifyCache::make_room_locked(Clock::time_point now) {
  for (auto it = map_.begin(); it != map_.end();) {
    if (now >= it->second.until)
      it = map_.erase(it);
    else
      ++it;
  }
  if (map_.size() >= kMaxEntries) map_.erase(map_.begin());
}

void VerifyCache::store(const std::string& key, const PeerIdentity& id, Clock::time_point now, int64_t not_after) {
  if (key.empty() || not_after <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = map_.find(key);
  if (it == map_.end()) {
    if (map_.size() >= kMaxEntries) make_room_locked(now);
    map_.emplace(key, Entry{id, now + kTtl, not_after});
  } else {
    it->second = Entry{id, now + kTtl, not_after};
  }
}

size_t VerifyCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return map_.size();
}

}  // namespace syslogtls
