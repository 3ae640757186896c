// sockaddr.cpp - socket addresses and socket set-up (see sockaddr.hpp).
#include "sockaddr.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>

#include <cerrno>
#include <cstring>

#include "error.hpp"

namespace syslogtls {

bool parse_ip_literal(const std::string& text, unsigned port, SockAddr* out) {
  if (text.empty()) return false;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  if (getaddrinfo(text.c_str(), service.c_str(), &hints, &res) != 0 || res == nullptr) return false;
  std::memcpy(&out->ss, res->ai_addr, res->ai_addrlen);
  out->len = res->ai_addrlen;
  freeaddrinfo(res);
  return true;
}

std::vector<SockAddr> resolve(const std::string& host, unsigned port, bool passive) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : AI_ADDRCONFIG);
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res);
  if (rc == EAI_BADFLAGS || (rc != 0 && !passive)) {
    // AI_ADDRCONFIG hides loopback-only families on hosts without other
    // addresses: retry without it.
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res);
  }
  if (rc != 0) {
    throw Error(SYSLOGTLS_E_ADDR, "cannot resolve '" + host + "': " +
                                      (rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc)));
  }
  std::vector<SockAddr> out;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    SockAddr a;
    std::memcpy(&a.ss, ai->ai_addr, ai->ai_addrlen);
    a.len = ai->ai_addrlen;
    out.push_back(a);
  }
  freeaddrinfo(res);
  if (out.empty()) throw Error(SYSLOGTLS_E_ADDR, "cannot resolve '" + host + "': no address");
  return out;
}

std::string format_ip(const SockAddr& a) {
  char buf[INET6_ADDRSTRLEN] = "";
  if (a.family() == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&a.ss);
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
  } else if (a.family() == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&a.ss);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
      inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], buf, sizeof buf);
    } else {
      inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    }
  }
  return buf;
}

unsigned addr_port(const SockAddr& a) {
  if (a.family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&a.ss)->sin_port);
  if (a.family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&a.ss)->sin6_port);
  return 0;
}

std::string format_endpoint(const std::string& ip, unsigned port) {
  if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
  return ip + ":" + std::to_string(port);
}

std::string format_endpoint(const SockAddr& a) { return format_endpoint(format_ip(a), addr_port(a)); }

SockAddr peer_address(int fd) {
  SockAddr a;
  a.len = sizeof a.ss;
  if (getpeername(fd, a.get(), &a.len) != 0) a.len = 0;
  return a;
}

SockAddr local_address(int fd) {
  SockAddr a;
  a.len = sizeof a.ss;
  if (getsockname(fd, a.get(), &a.len) != 0) a.len = 0;
  return a;
}

void set_nonblocking(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    throw Error(SYSLOGTLS_E_IO, std::string("cannot make socket non-blocking: ") + std::strerror(errno));
  }
}

void set_keepalive(int fd, bool on) noexcept {
  const int v = on ? 1 : 0;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v);
}

void set_nodelay(int fd) noexcept {
  const int v = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v);
}

namespace {

// Binds and listens on one address; returns the errno on failure.
int try_listen(const SockAddr& a, int backlog, bool dual_stack, Fd* out) {
  Fd fd(::socket(a.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return errno;
  const int one = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (a.family() == AF_INET6) {
    const int v6only = dual_stack ? 0 : 1;
    setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
  }
  if (::bind(fd.get(), a.get(), a.len) != 0 || ::listen(fd.get(), backlog) != 0) return errno;
  *out = std::move(fd);
  return 0;
}

}  // namespace

Fd listen_tcp(const std::string& address, unsigned port, int backlog, unsigned* bound_port) {
  if (port > 65535) throw Error(SYSLOGTLS_E_INVAL, "port " + std::to_string(port) + " out of range");
  std::vector<SockAddr> candidates;
  if (address.empty()) {
    SockAddr any6;
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&any6.ss);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_any;
    in6->sin6_port = htons(static_cast<uint16_t>(port));
    any6.len = sizeof(sockaddr_in6);
    SockAddr any4;
    auto* in4 = reinterpret_cast<sockaddr_in*>(&any4.ss);
    in4->sin_family = AF_INET;
    in4->sin_addr.s_addr = htonl(INADDR_ANY);
    in4->sin_port = htons(static_cast<uint16_t>(port));
    any4.len = sizeof(sockaddr_in);
    candidates = {any6, any4};
  } else {
    SockAddr a;
    if (parse_ip_literal(address, port, &a)) {
      candidates.push_back(a);
    } else {
      candidates.push_back(resolve(address, port, true).front());
    }
  }
  int err = 0;
  for (const SockAddr& a : candidates) {
    Fd fd;
    err = try_listen(a, backlog, address.empty(), &fd);
    if (err == 0) {
      *bound_port = addr_port(local_address(fd.get()));
      return fd;
    }
    if (!address.empty()) break;
  }
  const std::string shown = address.empty() ? "*:" + std::to_string(port) : format_endpoint(address, port);
  throw Error(SYSLOGTLS_E_ADDR, "cannot bind " + shown + ": " + std::strerror(err));
}

Wait wait_fd(int fd, short events, Clock::time_point deadline, const volatile int* abort) {
  for (;;) {
    if (aborted(abort)) return Wait::aborted;
    const auto now = Clock::now();
    if (now >= deadline) return Wait::timeout;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    if (abort != nullptr && left > 100) left = 100;
    if (left > 1000) left = 1000;  // re-check the clock; also keeps the int cast safe
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc > 0) return Wait::ready;
    if (rc < 0 && errno != EINTR) return Wait::ready;  // let the I/O call report it
  }
}

int connect_tcp(const SockAddr& addr, const SockAddr* source, Clock::time_point deadline,
                const volatile int* abort, Fd* out) {
  Fd fd(::socket(addr.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return errno;
  if (source != nullptr && source->len != 0) {
    if (source->family() != addr.family()) return EAFNOSUPPORT;
    if (::bind(fd.get(), source->get(), source->len) != 0) return errno;
  }
  if (::connect(fd.get(), addr.get(), addr.len) != 0) {
    if (errno != EINPROGRESS && errno != EINTR) return errno;
    switch (wait_fd(fd.get(), POLLOUT, deadline, abort)) {
      case Wait::timeout: return ETIMEDOUT;
      case Wait::aborted: return ECANCELED;
      case Wait::ready: break;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
    if (err != 0) return err;
  }
  *out = std::move(fd);
  return 0;
}

}  // namespace syslogtls
