// cert-facts.cpp - certificate facts through libsyslogtls's certificate-list
// API (syslogtls_cert_list_*, syslogtls_format_utc).
#include "cert-facts.hpp"

#include <cctype>
#include <memory>

#include "cert-common.hpp"
#include "syslogtls.h"

namespace certcmd {

namespace {

struct ListDeleter final {
  void operator()(syslogtls_cert_list* p) const noexcept { syslogtls_cert_list_free(p); }
};
using ListPtr = std::unique_ptr<syslogtls_cert_list, ListDeleter>;

std::string text_or_empty(const char* s) { return s != nullptr ? std::string(s) : std::string(); }

}  // namespace

std::vector<CertFacts> read_cert_facts(const std::string& path) {
  syslogtls_cert_list* raw = nullptr;
  int rc = syslogtls_cert_list_read(&raw, path.c_str());
  ListPtr list(raw);
  if (rc != SYSLOGTLS_OK) failed(syslogtls_errmsg());
  std::vector<CertFacts> out;
  const size_t n = syslogtls_cert_list_count(list.get());
  for (size_t i = 0; i < n; ++i) {
    CertFacts f;
    f.subject = text_or_empty(syslogtls_cert_list_subject(list.get(), i));
    f.issuer = text_or_empty(syslogtls_cert_list_issuer(list.get(), i));
    f.sha256 = text_or_empty(syslogtls_cert_list_fingerprint(list.get(), i));
    f.sha1 = text_or_empty(syslogtls_cert_list_fingerprint_sha1(list.get(), i));
    f.serial = text_or_empty(syslogtls_cert_list_serial(list.get(), i));
    f.not_before = syslogtls_cert_list_not_before(list.get(), i);
    f.not_after = syslogtls_cert_list_not_after(list.get(), i);
    f.is_ca = syslogtls_cert_list_is_ca(list.get(), i) > 0;
    out.push_back(std::move(f));
  }
  if (out.empty()) failed("'" + path + "': not a PEM certificate");
  return out;
}

std::string utc_text(int64_t t) {
  char buf[64];
  if (syslogtls_format_utc(t, buf, sizeof buf) < 0) return "?";
  return buf;
}

std::string rfc5425_spelling(const std::string& fingerprint) {
  std::string alg, hex;
  const size_t colon = fingerprint.find(':');
  if (colon == std::string::npos) return fingerprint;
  const std::string head = fingerprint.substr(0, colon);
  alg = head == "SHA256" ? "sha-256" : head == "SHA1" ? "sha-1" : head;
  hex = fingerprint.substr(colon);
  for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return alg + hex;
}

}  // namespace certcmd
