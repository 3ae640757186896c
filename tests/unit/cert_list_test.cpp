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

namespace {

// Certificates of every shape of name, one file, in this order.
struct NamesFixture {
  testcerts::TempDir dir;
  testcerts::Ca ca{dir, "names test CA", 3650};
  enum { kNamed, kCnOnly, kCnBesideSan, kWildcard, kIdn, kCnIp, kCount };
  std::string pem(const testcerts::CertOptions& opts) const { return testcerts::read_text(ca.issue(opts).cert); }
  std::string file = dir.write(
      "names.pem", pem({"named.example.net", {"named.example.net", "*.wild.example.net"}, {"192.0.2.7", "2001:db8::5"}}) +
                       pem({"cn-only.example.net", {}, {"192.0.2.9"}}) + pem({"cn.example.net", {"san.example.net"}}) +
                       pem({"*.example.org", {"*.example.org"}}) +
                       pem({"xn--bcher-kva.example", {"xn--bcher-kva.example"}}) + pem({"192.0.2.44"}));
  syslogtls_cert_list* list = nullptr;
  NamesFixture() { REQUIRE(syslogtls_cert_list_read(&list, file.c_str()) == SYSLOGTLS_OK); }
  ~NamesFixture() { syslogtls_cert_list_free(list); }
  int match(size_t i, const char* name) const { return syslogtls_cert_list_match_name(list, i, name); }
};

}  // namespace

TEST_CASE_FIXTURE(NamesFixture, "C API: syslogtls_cert_list_names lists what the peer checks match") {
  REQUIRE(syslogtls_cert_list_count(list) == kCount);
  CHECK(std::string(syslogtls_cert_list_names(list, kNamed)) ==
        "[DNS:named.example.net, DNS:*.wild.example.net, IP:192.0.2.7, IP:2001:db8::5]");
  // the CN only where there is no dNSName SAN
  CHECK(std::string(syslogtls_cert_list_names(list, kCnOnly)) == "[IP:192.0.2.9, CN:cn-only.example.net]");
  CHECK(std::string(syslogtls_cert_list_names(list, kCnBesideSan)) == "[DNS:san.example.net]");
  CHECK(std::string(syslogtls_cert_list_names(list, kCnIp)) == "[CN:192.0.2.44]");
  // the words of the runtime's refusals
  CHECK(syslogtls::CertList(file).certs()[kNamed].names_text == syslogtls_cert_list_names(list, kNamed));
  CHECK(syslogtls::CertList(file).certs()[kNamed].names.dns.size() == 2);
  CHECK(std::string(syslogtls_cert_list_names(list, kCount)).empty());
  CHECK(std::string(syslogtls_cert_list_names(nullptr, 0)).empty());
}

TEST_CASE_FIXTURE(NamesFixture, "C API: syslogtls_cert_list_match_name by the rules of permitted peers") {
  // exact, any case, one trailing dot
  CHECK(match(kNamed, "named.example.net") == SYSLOGTLS_NAME_MATCH);
  CHECK(match(kNamed, "NAMED.Example.NET.") == SYSLOGTLS_NAME_MATCH);
  CHECK(match(kNamed, "other.example.net") == SYSLOGTLS_NAME_NO_MATCH);
  CHECK(match(kNamed, "example.net") == SYSLOGTLS_NAME_NO_MATCH);
  // IP literals against the IP SANs, as addresses
  CHECK(match(kNamed, "192.0.2.7") == SYSLOGTLS_NAME_MATCH);
  CHECK(match(kNamed, "::ffff:192.0.2.7") == SYSLOGTLS_NAME_MATCH);
  CHECK(match(kNamed, "2001:db8:0:0::5") == SYSLOGTLS_NAME_MATCH);
  CHECK(match(kNamed, "[2001:db8::5]") == SYSLOGTLS_NAME_MATCH);
  CHECK(match(kNamed, "192.0.2.8") == SYSLOGTLS_NAME_NO_MATCH);
  CHECK(match(kCnBesideSan, "192.0.2.7") == SYSLOGTLS_NAME_NO_MATCH);
  // a wildcard certificate name: one left-most label, and only as a wildcard
  CHECK(match(kNamed, "x.wild.example.net") == SYSLOGTLS_NAME_WILDCARD_ONLY);
  CHECK(match(kNamed, "a.b.wild.example.net") == SYSLOGTLS_NAME_NO_MATCH);
  CHECK(match(kNamed, "wild.example.net") == SYSLOGTLS_NAME_NO_MATCH);
  CHECK(match(kWildcard, "a.example.org") == SYSLOGTLS_NAME_WILDCARD_ONLY);
  CHECK(match(kWildcard, "A.EXAMPLE.ORG.") == SYSLOGTLS_NAME_WILDCARD_ONLY);
  CHECK(match(kWildcard, "example.org") == SYSLOGTLS_NAME_NO_MATCH);
  // a wildcard name is a pattern, as in tls.permittedPeer
  CHECK(match(kNamed, "*.example.net") == SYSLOGTLS_NAME_MATCH);
  CHECK(match(kCnBesideSan, "*.example.net") == SYSLOGTLS_NAME_MATCH);
  CHECK(match(kCnBesideSan, "*.example.org") == SYSLOGTLS_NAME_NO_MATCH);
  // the CN only without a dNSName SAN
  CHECK(match(kCnOnly, "cn-only.example.net") == SYSLOGTLS_NAME_MATCH);
  CHECK(match(kCnOnly, "192.0.2.9") == SYSLOGTLS_NAME_MATCH);
  CHECK(match(kCnBesideSan, "cn.example.net") == SYSLOGTLS_NAME_NO_MATCH);
  CHECK(match(kCnBesideSan, "san.example.net") == SYSLOGTLS_NAME_MATCH);
  CHECK(match(kCnIp, "192.0.2.44") == SYSLOGTLS_NAME_MATCH);
  CHECK(match(kCnIp, "localhost") == SYSLOGTLS_NAME_NO_MATCH);
  // an internationalised name against its A-label
  CHECK(match(kIdn, "bücher.example") == SYSLOGTLS_NAME_MATCH);
  CHECK(match(kIdn, "xn--bcher-kva.example") == SYSLOGTLS_NAME_MATCH);
  CHECK(match(kIdn, "bucher.example") == SYSLOGTLS_NAME_NO_MATCH);
  CHECK(syslogtls_errmsg()[0] == '\0');
}

TEST_CASE_FIXTURE(NamesFixture, "C API: syslogtls_cert_list_match_name refuses what is not a host name") {
  // the reason words of add_permitted_peer, for the same entry
  auto peer_words = [](const char* entry) {
    syslogtls_tls_config* cfg = nullptr;
    REQUIRE(syslogtls_tls_config_new(&cfg, SYSLOGTLS_ROLE_SERVER) == SYSLOGTLS_OK);
    CHECK(syslogtls_tls_config_add_permitted_peer(cfg, entry) == SYSLOGTLS_E_INVAL);
    const std::string words = syslogtls_errmsg();
    syslogtls_tls_config_free(cfg);
    return words;
  };
  for (const char* bad : {"", "a b.example.net", "a.example.net,b.example.net", "f*o.example.net", "a.*.example.net",
                          "*.", "\xff.example", "a..example.net"}) {
    CAPTURE(bad);
    CHECK(match(kNamed, bad) == SYSLOGTLS_E_INVAL);
    const std::string words = syslogtls_errmsg();
    CHECK(has(words, "'" + std::string(bad) + "': "));
    CHECK(peer_words(bad) == "permitted peer " + words);
  }
  CHECK(match(kNamed, "f*o.example.net") == SYSLOGTLS_E_INVAL);
  CHECK(std::string(syslogtls_errmsg()) ==
        "'f*o.example.net': wildcard '*' is allowed only as the whole left-most label followed by a domain "
        "(e.g. *.example.com)");
  CHECK(match(kNamed, "\xff.example") == SYSLOGTLS_E_INVAL);
  CHECK(has(syslogtls_errmsg(), "not a valid internationalised domain name"));
  // a fingerprint is no name here
  CHECK(match(kNamed, syslogtls_cert_list_fingerprint(list, kNamed)) == SYSLOGTLS_E_INVAL);
  CHECK(has(syslogtls_errmsg(), "a fingerprint, not a host name or IP address"));
  // bad arguments
  CHECK(syslogtls_cert_list_match_name(nullptr, 0, "named.example.net") == SYSLOGTLS_E_INVAL);
  CHECK(std::string(syslogtls_errmsg()) == "list is NULL");
  CHECK(match(kCount, "named.example.net") == SYSLOGTLS_E_INVAL);
  CHECK(std::string(syslogtls_errmsg()) == "no certificate 6 (the list has 6)");
  CHECK(match(kNamed, nullptr) == SYSLOGTLS_E_INVAL);
  CHECK(std::string(syslogtls_errmsg()) == "name is NULL");
}
