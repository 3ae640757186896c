// test_certs.hpp - certificates generated at test time (no committed keys).
//
// Usage:
//   testcerts::TempDir dir;                        // removed with its files at scope exit
//   testcerts::Ca ca(dir);                         // self-signed CA, PEM at ca.cert_file()
//   auto srv = ca.issue({"server.example.net", {"server.example.net"}, {"127.0.0.1", "::1"}});
//   srv.cert / srv.key                             // PEM file paths inside dir
//   srv.subject                                    // "CN=server.example.net"
//   srv.sha256 / srv.sha1                          // "SHA256:AB:CD:..", "SHA1:.."
//   auto old = ca.issue({"old", {}, {}, -30, -1}); // expired yesterday
//   auto rogue = testcerts::self_signed(dir, {"rogue"});
//   std::string p = dir.write("junk.pem", "not pem");  // any file
//   std::string crl = ca.crl({srv.cert});          // a CRL revoking srv
//   testcerts::Ca sub(ca, "sub CA");               // an intermediate CA signed by ca
//
// Keys are ECDSA P-256 (a fraction of a millisecond each), certificates
// X.509 v3 signed with SHA-256; leaves carry both TLS server and client key
// purposes. Every function throws std::runtime_error on failure.
// Thread: objects are not shared between threads; distinct objects may be
// used on distinct threads.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace testcerts {

class TempDir final {
 public:
  TempDir();   // mkdtemp under $TMPDIR or /tmp
  ~TempDir();  // removes the directory and everything in it
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name (nothing is created).
  std::string file(const std::string& name) const;
  // Writes content to file(name) and returns that path.
  std::string write(const std::string& name, const std::string& content) const;
  // A fresh unique file name with the given suffix ("cert-3.pem").
  std::string unique(const std::string& stem, const std::string& suffix);

 private:
  std::string path_;
  unsigned counter_ = 0;
};

struct CertOptions {
  CertOptions() = default;
  // Brace form: {"cn", {"dns", ...}, {"ip", ...}, not_before_days, not_after_days}.
  CertOptions(std::string cn_, std::vector<std::string> dns_ = {}, std::vector<std::string> ips_ = {},
              int not_before = -1, int not_after = 365)
      : cn(std::move(cn_)), dns(std::move(dns_)), ips(std::move(ips_)),
        not_before_days(not_before), not_after_days(not_after) {}

  std::string cn = "localhost";    // subject CN ("" = no CN)
  std::vector<std::string> dns;    // SAN dNSName entries
  std::vector<std::string> ips;    // SAN iPAddress entries ("127.0.0.1", "::1")
  int not_before_days = -1;        // activation, days from now
  int not_after_days = 365;        // expiration, days from now (negative = expired)
  bool ips_first = false;          // SAN order: the iPAddress entries before the dNSName ones
  std::vector<unsigned char> serial;  // serial number bytes (empty = random, unique)
};

struct CertFiles {
  std::string cert;     // PEM certificate path
  std::string key;      // PEM private key path (unencrypted PKCS#8)
  std::string subject;  // RFC 4514 subject DN, "CN=..."
  std::string sha256;   // "SHA256:AB:CD:.." of the DER certificate
  std::string sha1;     // "SHA1:.."
};

class Ca final {
 public:
  explicit Ca(TempDir& dir, const std::string& cn = "syslogtls test CA", int not_after_days = 3650);
  // An intermediate CA signed by parent (same TempDir as the parent's).
  Ca(const Ca& parent, const std::string& cn);
  ~Ca();
  Ca(const Ca&) = delete;
  Ca& operator=(const Ca&) = delete;

  const std::string& cert_file() const { return files_.cert; }
  const CertFiles& files() const { return files_; }
  // A leaf certificate signed by this CA, written into the CA's TempDir.
  CertFiles issue(const CertOptions& opts) const;
  // A CRL signed by this CA listing the certificates of the given PEM files
  // (each issued by this CA), valid from an hour ago for next_update_days;
  // written into the CA's TempDir. Returns its path.
  std::string crl(const std::vector<std::string>& revoked_cert_files, int next_update_days = 30) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  CertFiles files_;
};

// The whole content of a file (throws if it cannot be read).
std::string read_text(const std::string& path);

// A self-signed leaf certificate (not a CA) written into dir.
CertFiles self_signed(TempDir& dir, const CertOptions& opts);

}  // namespace testcerts
