// verify_cache_test.cpp - VerifyCache: keys, lifetime (TTL and notAfter),
// and its bound.
#include <doctest/doctest.h>

#include <string>

#include "verify_cache.hpp"

using syslogtls::PeerIdentity;
using syslogtls::VerifyCache;

namespace {

gnutls_datum_t datum(std::string& s) {
  return gnutls_datum_t{reinterpret_cast<unsigned char*>(&s[0]), static_cast<unsigned>(s.size())};
}

PeerIdentity identity(const std::string& subject) {
  PeerIdentity id;
  id.present = true;
  id.subject = subject;
  return id;
}

}  // namespace

TEST_CASE("verify cache: the key depends on every certificate, their order and the server name") {
  std::string a = "certificate a", b = "certificate b", ab = "certificate acertificate b";
  gnutls_datum_t chain[2] = {datum(a), datum(b)};
  gnutls_datum_t swapped[2] = {datum(b), datum(a)};
  gnutls_datum_t joined[1] = {datum(ab)};
  const std::string k = VerifyCache::key_of(chain, 2, "");
  CHECK_FALSE(k.empty());
  CHECK(k == VerifyCache::key_of(chain, 2, ""));
  CHECK(k != VerifyCache::key_of(chain, 1, ""));
  CHECK(k != VerifyCache::key_of(swapped, 2, ""));
  CHECK(k != VerifyCache::key_of(joined, 1, ""));  // lengths are part of the key
  CHECK(k != VerifyCache::key_of(chain, 2, "server.example.net"));
  CHECK(VerifyCache::key_of(chain, 0, "").empty());
  CHECK(VerifyCache::key_of(nullptr, 2, "").empty());
}

TEST_CASE("verify cache: an entry holds for the TTL and never at or past notAfter") {
  VerifyCache cache;
  std::string a = "certificate a";
  gnutls_datum_t chain[1] = {datum(a)};
  const std::string key = VerifyCache::key_of(chain, 1, "");
  const auto t0 = VerifyCache::Clock::now();
  const int64_t wall = 1800000000;
  PeerIdentity got;
  CHECK_FALSE(cache.find(key, t0, wall, &got));
  cache.store(key, identity("CN=a"), t0, wall + 1000);
  REQUIRE(cache.find(key, t0 + std::chrono::seconds(1), wall + 1, &got));
  CHECK(got.subject == "CN=a");
  CHECK(cache.hits() == 1);
  // past notAfter: gone, also for later lookups
  CHECK_FALSE(cache.find(key, t0 + std::chrono::seconds(2), wall + 1000, &got));
  CHECK(cache.size() == 0);
  // past the TTL
  cache.store(key, identity("CN=a"), t0, wall + 100000);
  CHECK(cache.find(key, t0 + VerifyCache::kTtl - std::chrono::seconds(1), wall, &got));
  CHECK_FALSE(cache.find(key, t0 + VerifyCache::kTtl, wall, &got));
  CHECK(cache.hits() == 2);
  // an unknown notAfter (0) is never kept
  cache.store(key, identity("CN=a"), t0, 0);
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.find(key, t0, wall, &got));
  CHECK_FALSE(cache.find("", t0, wall, &got));
}

TEST_CASE("verify cache: bounded; expired entries make room first") {
  VerifyCache cache;
  const auto t0 = VerifyCache::Clock::now();
  const int64_t wall = 1800000000;
  std::string first;
  for (size_t i = 0; i < VerifyCache::kMaxEntries; ++i) {
    std::string c = "certificate " + std::to_string(i);
    gnutls_datum_t d[1] = {datum(c)};
    const std::string key = VerifyCache::key_of(d, 1, "");
    if (i == 0) first = key;
    cache.store(key, identity("CN=" + std::to_string(i)), t0, wall + 1000);
  }
  CHECK(cache.size() == VerifyCache::kMaxEntries);
  std::string extra = "one more";
  gnutls_datum_t d[1] = {datum(extra)};
  const std::string extra_key = VerifyCache::key_of(d, 1, "");
  cache.store(extra_key, identity("CN=extra"), t0, wall + 1000);
  CHECK(cache.size() == VerifyCache::kMaxEntries);
  PeerIdentity got;
  CHECK(cache.find(extra_key, t0, wall, &got));
  // full again, and every entry stored at t0 has expired by the TTL: the
  // next store clears them all instead of dropping an arbitrary one
  std::string late = "late";
  gnutls_datum_t l[1] = {datum(late)};
  const std::string late_key = VerifyCache::key_of(l, 1, "");
  cache.store(late_key, identity("CN=late"), t0 + VerifyCache::kTtl, wall + 1000);
  CHECK(cache.size() == 1);
  CHECK(cache.find(late_key, t0 + VerifyCache::kTtl, wall, &got));
  CHECK(got.subject == "CN=late");
}

TEST_CASE("verify cache: the lifetime bound of a chain is its earliest notAfter and the CAs'") {
  std::string junk = "not a certificate";
  gnutls_datum_t d[1] = {datum(junk)};
  CHECK(VerifyCache::chain_not_after(d, 1, 0) == 0);  // unreadable: not cacheable
  CHECK(VerifyCache::chain_not_after(d, 0, 0) == 0);
  CHECK(VerifyCache::chain_not_after(d, 1, -1) == 0);
}
