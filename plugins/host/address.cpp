// address.cpp - loopback and IP-literal tests of host names and addresses.
//
// Concurrency & Locking: pure functions, no state.
#include "address.hpp"

#include <arpa/inet.h>
#include <strings.h>

#include <cstring>

namespace host {
namespace {

bool endsWithNoCase(const std::string& s, const char* suffix) {
  const std::size_t n = std::strlen(suffix);
  return s.size() >= n && strcasecmp(s.c_str() + (s.size() - n), suffix) == 0;
}

}  // namespace

bool isIpLiteral(const std::string& host) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool isLoopback(const std::string& host) {
  const char* h = host.c_str();
  if (strcasecmp(h, "localhost") == 0 || strcasecmp(h, "localhost.") == 0 || strcasecmp(h, "ip6-localhost") == 0 ||
      endsWithNoCase(host, ".localhost"))
    return true;
  struct in_addr a4;
  if (inet_pton(AF_INET, h, &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  struct in6_addr a6;
  if (inet_pton(AF_INET6, h, &a6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&a6)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&a6)) return a6.s6_addr[12] == 127;
  }
  return false;
}

}  // namespace host
