// cert-make.hpp - makes a key pair and a certificate (self-signed or issued
// by a CA) with GnuTLS and writes them as PEM files: the subcommands
// selfsigned, ca and issue of syslogtls-cert.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "cert-common.hpp"

namespace certcmd {

enum class KeyType { ecdsa, rsa };  // ECDSA P-256 / RSA 3072 bits

// What goes into one certificate.
struct CertSpec {
  bool is_ca = false;         // CA:TRUE, keyCertSign + cRLSign; else a TLS end entity
  bool self_anchor = false;   // end entity that is its own trust anchor (selfsigned):
                              // also CA:TRUE, path length 0, keyCertSign, as GnuTLS
                              // (and so imtls and omtls) trust only CA certificates
  std::string cn;             // subject CN (the whole subject DN)
  std::vector<AltName> sans;  // subjectAltName entries in this order; none: no extension
  bool tls_server = true;     // end entities: extended key usage serverAuth ...
  bool tls_client = true;     // ... and clientAuth
  time_t not_before = 0;
  time_t not_after = 0;
  KeyType key_type = KeyType::ecdsa;
};

// The issuing CA of "issue": its certificate and key.
struct Issuer {
  CrtPtr crt;
  KeyPtr key;
};

// Reads the CA files cert_path and key_path; Failure when they cannot be
// read, the key does not belong to the certificate or it is not a CA.
Issuer load_issuer(const std::string& cert_path, const std::string& key_path);

// Generates the key, makes the certificate (signed by issuer, or by its own
// key when issuer is null), and writes key_path (mode 0600) and cert_path
// (mode 0644), creating the directories of both; existing files are not
// overwritten. Failure names the file or step that failed.
void make_certificate(const CertSpec& spec, const Issuer* issuer, const std::string& key_path,
                      const std::string& cert_path);

}  // namespace certcmd
