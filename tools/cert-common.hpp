// cert-common.hpp - what the parts of syslogtls-cert share: owning GnuTLS
// handles, the failure type that ends a subcommand with an exit status, and
// file helpers.
#pragma once

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "gnutls_ptr.hpp"

namespace certcmd {

// Exit statuses (also in --help and syslogtls-cert(1)).
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;  // check: the set would be refused; others: could not make or read a file
constexpr int kExitUsage = 2;   // bad command line

// Ends the subcommand: main prints "syslogtls-cert: <what()>" as one line
// and exits with status().
class Failure final : public std::runtime_error {
 public:
  Failure(int status, const std::string& msg) : std::runtime_error(msg), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

[[noreturn]] inline void usage_error(const std::string& msg) { throw Failure(kExitUsage, msg); }
[[noreturn]] inline void failed(const std::string& msg) { throw Failure(kExitFailed, msg); }

// GnuTLS handles and GnuTLS-allocated data: the runtime's owning types.
using CrtPtr = syslogtls::X509CrtPtr;
using KeyPtr = syslogtls::X509KeyPtr;
using CrlPtr = syslogtls::X509CrlPtr;
using TrustListPtr = syslogtls::TrustListPtr;
using syslogtls::OwnedDatum;

// Throws Failure(kExitFailed, "<what>: <GnuTLS's words>") for rc < 0.
void check_gnutls(int rc, const std::string& what);

// The whole file; Failure(kExitFailed, "cannot read 'PATH': ...") otherwise.
std::string read_file(const std::string& path);

// Every certificate of a PEM file, in file order (at least one), or Failure
// naming the file.
std::vector<CrtPtr> read_certificates(const std::string& path);
// The private key of a PEM file (PKCS#8 or the algorithm's own form), or
// Failure naming the file.
KeyPtr read_private_key(const std::string& path);

// "DIR/NAME" ("NAME" when dir is empty).
std::string join_path(const std::string& dir, const std::string& name);

// An IPv4 or IPv6 literal -> 4 or 16 bytes; false when text is not one.
bool parse_ip(const std::string& text, std::vector<unsigned char>* bytes);
// 4 or 16 bytes -> text ("192.0.2.1", "2001:db8::1").
std::string format_ip(const std::vector<unsigned char>& bytes);

// One subject alternative name of a certificate to make.
struct AltName {
  bool ip = false;                  // iPAddress, else dNSName
  std::string text;                 // the name, or the address as text
  std::vector<unsigned char> addr;  // the address bytes (ip only)
};

}  // namespace certcmd
