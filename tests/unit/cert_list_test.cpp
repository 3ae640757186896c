// cert_list_test.cpp - the facts of every certificate of a PEM file
// (CertList and the syslogtls_cert_list_* C API).
#include <doctest/doctest.h>

#include <ctime>
#include <string>

#include "cert_list.hpp"
#include "error.hpp"
#include "syslogtls.h"
#include "test_certs.hpp"

namespace {

bool has(const std::string& text, const std::string& words) { return text.find(words) != std::string::npos; }

// Within a minute of want (certificate times are set from time(nullptr)).
bool near(int64_t have, int64_t want) { return have >= want - 60 && have <= want + 60; }

struct Fixture {
  testcerts::TempDir dir;
  testcerts::Ca ca{dir, "facts test CA", 3650};
  testcerts::CertFiles leaf = ca.issue({"leaf.example.net", {"leaf.example.net"}, {}, -3, 90});
  // the chain a sender presents: its own certificate, then the CA
  std::string chain = dir.write("chain.pem", testcerts::read_text(leaf.cert) + testcerts::read_text(ca.cert_file()));
  int64_t now = static_cast<int64_t>(time(nullptr));
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "a chain file: every certificate in file order, with its facts") {
  syslogtls::CertList list(chain);
  REQUIRE(list.certs().size() == 2);
  const auto& l = list.certs()[0];
  const auto& c = list.certs()[1];
  CHECK(l.subject == leaf.subject);
  CHECK(l.subject == "CN=leaf.example.net");
  CHECK(l.issuer == "CN=facts test CA");
  CHECK(l.sha256 == leaf.sha256);
  CHECK(l.sha1 == leaf.sha1);
  CHECK(l.sha256.size() == 7 + 32 * 3 - 1);
  CHECK(l.sha1.size() == 5 + 20 * 3 - 1);
  CHECK_FALSE(l.ca);
  CHECK(near(l.not_before, now - 3 * 86400));
  CHECK(near(l.not_after, now + 90 * 86400));
  CHECK(l.serial.rfind("0x", 0) == 0);
  CHECK(c.subject == "CN=facts test CA");
  CHECK(c.issuer == c.subject);
  CHECK(c.sha256 == ca.files().sha256);
  CHECK(c.ca);
  CHECK(near(c.not_after, now + 3650 * 86400));
  CHECK(l.serial != c.serial);
}

TEST_CASE_FIXTURE(Fixture, "unreadable files and files without a certificate are E_FILE with the reason") {
  auto code_of = [](const std::string& path, std::string* text) {
    try {
      syslogtls::CertList list(path);
    } catch (const syslogtls::Error& e) {
      *text = e.what();
      return e.code();
    }
    return 0;
  };
  std::string text;
  CHECK(code_of(dir.file("missing.pem"), &text) == SYSLOGTLS_E_FILE);
  CHECK(text == "certificate file '" + dir.file("missing.pem") + "': No such file or directory");
  CHECK(code_of(dir.path(), &text) == SYSLOGTLS_E_FILE);
  CHECK(text == "certificate file '" + dir.path() + "': Is a directory");
  CHECK(code_of(leaf.key, &text) == SYSLOGTLS_E_FILE);
  CHECK(text == "certificate file '" + leaf.key + "': no certificate found (no \"BEGIN CERTIFICATE\" block)");
  const std::string damaged = dir.write("damaged.pem", "-----BEGIN CERTIFICATE-----\nAAAA!!!!\n-----END CERTIFICATE-----\n");
  CHECK(code_of(damaged, &text) == SYSLOGTLS_E_FILE);
  CHECK(has(text, "certificate file '" + damaged + "': not a PEM certificate ("));
}

TEST_CASE_FIXTURE(Fixture, "C API: syslogtls_cert_list_* on a chain and a CA file; bad arguments") {
  syslogtls_cert_list* list = nullptr;
  REQUIRE(syslogtls_cert_list_read(&list, chain.c_str()) == SYSLOGTLS_OK);
  REQUIRE(syslogtls_cert_list_count(list) == 2);
  CHECK(std::string(syslogtls_cert_list_subject(list, 0)) == leaf.subject);
  CHECK(std::string(syslogtls_cert_list_issuer(list, 0)) == "CN=facts test CA");
  CHECK(std::string(syslogtls_cert_list_fingerprint(list, 0)) == leaf.sha256);
  CHECK(std::string(syslogtls_cert_list_fingerprint_sha1(list, 0)) == leaf.sha1);
  CHECK(std::string(syslogtls_cert_list_serial(list, 0)).rfind("0x", 0) == 0);
  CHECK(near(syslogtls_cert_list_not_before(list, 0), now - 3 * 86400));
  CHECK(near(syslogtls_cert_list_not_after(list, 0), now + 90 * 86400));
  CHECK(syslogtls_cert_list_is_ca(list, 0) == 0);
  CHECK(syslogtls_cert_list_is_ca(list, 1) == 1);
  CHECK(std::string(syslogtls_cert_list_fingerprint(list, 1)) == ca.files().sha256);
  // out of range and NULL: "" and 0, never NULL
  CHECK(std::string(syslogtls_cert_list_subject(list, 2)).empty());
  CHECK(std::string(syslogtls_cert_list_issuer(list, 2)).empty());
  CHECK(std::string(syslogtls_cert_list_fingerprint(list, 2)).empty());
  CHECK(std::string(syslogtls_cert_list_fingerprint_sha1(list, 2)).empty());
  CHECK(std::string(syslogtls_cert_list_serial(list, 2)).empty());
  CHECK(syslogtls_cert_list_not_before(list, 2) == 0);
  CHECK(syslogtls_cert_list_not_after(list, 2) == 0);
  CHECK(syslogtls_cert_list_is_ca(list, 2) == 0);
  CHECK(syslogtls_cert_list_count(nullptr) == 0);
  CHECK(std::string(syslogtls_cert_list_subject(nullptr, 0)).empty());
  CHECK(std::string(syslogtls_cert_list_serial(nullptr, 0)).empty());
  CHECK(syslogtls_cert_list_not_after(nullptr, 0) == 0);
  CHECK(syslogtls_cert_list_is_ca(nullptr, 0) == 0);
  syslogtls_cert_list_free(list);
  syslogtls_cert_list_free(nullptr);

  // a CA file of one certificate
  REQUIRE(syslogtls_cert_list_read(&list, ca.cert_file().c_str()) == SYSLOGTLS_OK);
  CHECK(syslogtls_cert_list_count(list) == 1);
  CHECK(syslogtls_cert_list_is_ca(list, 0) == 1);
  CHECK(std::string(syslogtls_cert_list_subject(list, 0)) == "CN=facts test CA");
  syslogtls_cert_list_free(list);

  // failures leave *out NULL and say why
  list = reinterpret_cast<syslogtls_cert_list*>(&list);
  CHECK(syslogtls_cert_list_read(&list, dir.file("missing.pem").c_str()) == SYSLOGTLS_E_FILE);
  CHECK(list == nullptr);
  CHECK(std::string(syslogtls_errmsg()) == "certificate file '" + dir.file("missing.pem") + "': No such file or directory");
  CHECK(syslogtls_cert_list_read(&list, leaf.key.c_str()) == SYSLOGTLS_E_FILE);
  CHECK(has(syslogtls_errmsg(), "no certificate found"));
  CHECK(syslogtls_cert_list_read(nullptr, chain.c_str()) == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_cert_list_read(&list, nullptr) == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_cert_list_read(&list, "") == SYSLOGTLS_E_INVAL);
  CHECK(list == nullptr);
}
