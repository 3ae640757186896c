// x509_facts_test.cpp - dates, serial spelling and the PEM reader shared by
// the peer checks and the certificate list; syslogtls_format_utc.
#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "cert_list.hpp"
#include "syslogtls.h"
#include "test_certs.hpp"
#include "x509_facts.hpp"

namespace x509 = syslogtls::x509;

TEST_CASE("format_utc: known dates in the library's spelling") {
  CHECK(x509::utc_date(0) == "1970-01-01 00:00:00 UTC");
  CHECK(x509::utc_date(1798761599) == "2026-12-31 23:59:59 UTC");
  CHECK(x509::utc_date(1798761600) == "2027-01-01 00:00:00 UTC");
  CHECK(x509::utc_date(951782400) == "2000-02-29 00:00:00 UTC");  // leap day
  CHECK(x509::utc_date(-1) == "1969-12-31 23:59:59 UTC");
  CHECK(x509::utc_date(253402300799) == "9999-12-31 23:59:59 UTC");
}

TEST_CASE("syslogtls_format_utc: size protocol and errors") {
  char buf[64];
  REQUIRE(syslogtls_format_utc(0, buf, sizeof buf) == SYSLOGTLS_OK);
  CHECK(std::string(buf) == "1970-01-01 00:00:00 UTC");
  REQUIRE(syslogtls_format_utc(1798761599, buf, sizeof buf) == SYSLOGTLS_OK);
  CHECK(std::string(buf) == "2026-12-31 23:59:59 UTC");
  // 23 characters and the NUL fit exactly in 24 bytes; 23 are too few
  std::memset(buf, 'x', sizeof buf);
  CHECK(syslogtls_format_utc(1798761599, buf, 24) == SYSLOGTLS_OK);
  CHECK(std::strlen(buf) == 23);
  std::memset(buf, 'x', sizeof buf);
  CHECK(syslogtls_format_utc(1798761599, buf, 23) == SYSLOGTLS_E_SPACE);
  CHECK(buf[0] == 'x');  // nothing written
  CHECK(std::string(syslogtls_errmsg()).find("too small") != std::string::npos);
  CHECK(syslogtls_format_utc(0, buf, 0) == SYSLOGTLS_E_SPACE);
  CHECK(syslogtls_format_utc(0, nullptr, 64) == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_format_utc(INT64_MAX, buf, sizeof buf) == SYSLOGTLS_E_INVAL);
}

TEST_CASE("serial: lower-case hex bytes after 0x, leading zero bytes left out") {
  testcerts::TempDir dir;
  testcerts::Ca ca(dir);
  struct {
    std::vector<unsigned char> bytes;
    const char* spelled;
  } cases[] = {
      {{0x1a, 0x2b, 0x3c}, "0x1a2b3c"},
      {{0x00, 0xc2, 0x01}, "0xc201"},  // DER sign byte
      {{0x0a, 0xbc}, "0x0abc"},        // a leading zero nibble stays
      {{0x7f}, "0x7f"},
      {{0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0xff},
       "0x01000000000000000000000000000000000000ff"},  // 20 octets, the RFC 5280 maximum
  };
  for (const auto& c : cases) {
    INFO(c.spelled);
    testcerts::CertOptions o("serial.example");
    o.serial = c.bytes;
    const auto files = ca.issue(o);
    CHECK(syslogtls::CertList(files.cert).certs().at(0).serial == c.spelled);
  }
}

TEST_CASE("read_pem_file: contents, errno of a failure") {
  testcerts::TempDir dir;
  std::string data = "x";
  CHECK(x509::read_pem_file(dir.write("a.pem", "hello\n"), &data) == 0);
  CHECK(data == "hello\n");
  CHECK(x509::read_pem_file(dir.file("missing.pem"), &data) == ENOENT);
  CHECK(data.empty());
  CHECK(x509::read_pem_file(dir.path(), &data) == EISDIR);
  CHECK(x509::read_pem_file(dir.write("big.pem", std::string(x509::kMaxPemFile + 1, 'A')), &data) == EFBIG);
  CHECK(data.empty());
}
