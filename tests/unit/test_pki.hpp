// test_pki.hpp - the unit tests' shared PKI fixture: one test CA and the
// server and client certificates most tests need, generated at test time.
//
// Usage (as a member, or as a doctest fixture base):
//   testpki::Pki pki;
//   pki.ca.cert_file()        // the CA certificate (PEM path)
//   pki.server                // CN=localhost; DNS localhost; IP 127.0.0.1, 127.0.0.2, ::1
//   pki.named_server          // CN=server.example.net; DNS server.example.net; IP 127.0.0.1, ::1
//   pki.client                // CN=client.example.net; DNS client.example.net
//   pki.ca.issue({...}), testcerts::self_signed(pki.dir, {...})  // anything else
// All files live in pki.dir and are removed with the fixture. Header-only:
// any test binary that compiles test_certs.cpp can use it.
#pragma once

#include "test_certs.hpp"

namespace testpki {

struct Pki {
  testcerts::TempDir dir;
  testcerts::Ca ca{dir};
  testcerts::CertFiles server = ca.issue({"localhost", {"localhost"}, {"127.0.0.1", "127.0.0.2", "::1"}});
  testcerts::CertFiles named_server = ca.issue({"server.example.net", {"server.example.net"}, {"127.0.0.1", "::1"}});
  testcerts::CertFiles client = ca.issue({"client.example.net", {"client.example.net"}, {}});
};

}  // namespace testpki
