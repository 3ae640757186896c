// address.hpp - what the modules need to know about a host or address text: loopback, IP literal.
//
// Concurrency & Locking: pure functions, no state.
#pragma once

#include <string>

namespace host {

// True for "localhost" (with or without the trailing dot), "ip6-localhost",
// "*.localhost" (RFC 6761), 127.0.0.0/8, ::1 and ::ffff:127.x.y.z: the
// places where plaintext (tls="off") never leaves the machine.
bool isLoopback(const std::string& host);
// True if host is an IPv4 or IPv6 literal.
bool isIpLiteral(const std::string& host);

}  // namespace host
