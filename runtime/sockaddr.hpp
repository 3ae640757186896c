// sockaddr.hpp - socket addresses and socket set-up: parse, resolve, format,
// bind + listen, non-blocking connect with a deadline, keepalive.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <string>
#include <vector>

#include "fd.hpp"

namespace syslogtls {

using Clock = std::chrono::steady_clock;

// One IPv4 or IPv6 socket address with its length.
struct SockAddr {
  sockaddr_storage ss{};
  socklen_t len = 0;

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&ss); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&ss); }
  int family() const { return ss.ss_family; }
};

// Parses an IP literal ("127.0.0.1", "::1", "fe80::1%lo"); false if it is not one.
bool parse_ip_literal(const std::string& text, unsigned port, SockAddr* out);

// Resolves host (name or literal) to socket addresses (TCP), in resolver
// order. passive with an empty host gives the wildcard addresses.
// Throws Error(SYSLOGTLS_E_ADDR, "cannot resolve 'host': reason").
std::vector<SockAddr> resolve(const std::string& host, unsigned port, bool passive);

// The IP text of an address; IPv4-mapped IPv6 addresses as plain IPv4.
std::string format_ip(const SockAddr& a);
unsigned addr_port(const SockAddr& a);
// "192.0.2.1:514", "[2001:db8::1]:514" (mapped IPv4 shown plainly).
std::string format_endpoint(const std::string& ip, unsigned port);
std::string format_endpoint(const SockAddr& a);

// The peer / local address of a connected socket (len 0 on failure).
SockAddr peer_address(int fd);
SockAddr local_address(int fd);

void set_nonblocking(int fd);  // throws Error(SYSLOGTLS_E_IO)
void set_keepalive(int fd, bool on) noexcept;
void set_nodelay(int fd) noexcept;

// Binds a non-blocking listening TCP socket. address "" = all addresses (IPv6
// wildcard with IPv4 mapped, else 0.0.0.0). SO_REUSEADDR. *bound_port gets
// the real port (port 0 = ephemeral). Throws Error(SYSLOGTLS_E_ADDR,
// "cannot bind 127.0.0.1:6514: Address already in use").
Fd listen_tcp(const std::string& address, unsigned port, int backlog, unsigned* bound_port);

// Whether the caller's abort flag is set (a relaxed atomic read: the owner
// may set it from another thread at any time).
inline bool aborted(const volatile int* flag) {
  return flag != nullptr && __atomic_load_n(flag, __ATOMIC_RELAXED) != 0;
}

// What a bounded wait ended with.
enum class Wait { ready, timeout, aborted };

// Waits until fd has one of events (POLLIN/POLLOUT) or the deadline passes;
// looks at *abort (if non-null) at least every 100 ms. Errors and hang-ups
// count as ready (the next I/O call reports them).
Wait wait_fd(int fd, short events, Clock::time_point deadline, const volatile int* abort);

// Non-blocking connect of a new socket to addr (bound first to source when
// source->len != 0), finished within the deadline. Returns 0 and sets *out,
// or an errno value (ETIMEDOUT on timeout, ECANCELED when aborted).
int connect_tcp(const SockAddr& addr, const SockAddr* source, Clock::time_point deadline,
                const volatile int* abort, Fd* out);

}  // namespace syslogtls
