// cert-facts.cpp - certificate facts and name matching through
// libsyslogtls's certificate-list API (syslogtls_cert_list_*,
// syslogtls_format_utc).
#include "cert-facts.hpp"

#include <cctype>

#include "cert-common.hpp"

namespace certcmd {

namespace {

std::string text_or_empty(const char* s) { return s != nullptr ? std::string(s) : std::string(); }

}  // namespace

CertFile::CertFile(const std::string& path) {
  syslogtls_cert_list* raw = nullptr;
  int rc = syslogtls_cert_list_read(&raw, path.c_str());
  list_.reset(raw);
  if (rc != SYSLOGTLS_OK) failed(syslogtls_errmsg());
  const size_t n = syslogtls_cert_list_count(list_.get());
  for (size_t i = 0; i < n; ++i) {
    CertFacts f;
    f.subject = text_or_empty(syslogtls_cert_list_subject(list_.get(), i));
    f.issuer = text_or_empty(syslogtls_cert_list_issuer(list_.get(), i));
    f.sha256 = text_or_empty(syslogtls_cert_list_fingerprint(list_.get(), i));
    f.sha1 = text_or_empty(syslogtls_cert_list_fingerprint_sha1(list_.get(), i));
    f.serial = text_or_empty(syslogtls_cert_list_serial(list_.get(), i));
    f.not_before = syslogtls_cert_list_not_before(list_.get(), i);
    f.not_after = syslogtls_cert_list_not_after(list_.get(), i);
    f.is_ca = syslogtls_cert_list_is_ca(list_.get(), i) > 0;
    f.names = text_or_empty(syslogtls_cert_list_names(list_.get(), i));
    facts_.push_back(std::move(f));
  }
  if (facts_.empty()) failed("'" + path + "': not a PEM certificate");
}

int CertFile::match_name(size_t i, const std::string& name, std::string* why) const {
  const int rc = syslogtls_cert_list_match_name(list_.get(), i, name.c_str());
  if (rc < 0) *why = syslogtls_errmsg();
  return rc;
}

std::vector<CertFacts> read_cert_facts(const std::string& path) { return CertFile(path).facts(); }

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
