// capi_cert.cpp - extern "C" forwarders for certificate facts, names and dates.
#include <cstring>
#include <memory>

#include "cert_list.hpp"
#include "error.hpp"
#include "syslogtls.h"
#include "tls_config.hpp"
#include "x509_facts.hpp"

struct syslogtls_cert_list {
  explicit syslogtls_cert_list(const std::string& path) : rep(path) {}
  syslogtls::CertList rep;
};

using syslogtls::Error;
using syslogtls::guarded;

namespace {

// Certificate i of list, or null for a NULL list or i out of range.
const syslogtls::CertFacts* facts(const syslogtls_cert_list* list, size_t i) {
  if (list == nullptr || i >= list->rep.certs().size()) return nullptr;
  return &list->rep.certs()[i];
}

}  // namespace

extern "C" {

int syslogtls_cert_list_read(syslogtls_cert_list** out, const char* path) {
  return guarded([&] {
    if (out == nullptr) throw Error(SYSLOGTLS_E_INVAL, "out is NULL");
    *out = nullptr;
    if (path == nullptr || *path == '\0') throw Error(SYSLOGTLS_E_INVAL, "certificate file: empty path");
    *out = std::make_unique<syslogtls_cert_list>(path).release();
    return SYSLOGTLS_OK;
  });
}

void syslogtls_cert_list_free(syslogtls_cert_list* list) { delete list; }

size_t syslogtls_cert_list_count(const syslogtls_cert_list* list) {
  return list != nullptr ? list->rep.certs().size() : 0;
}

const char* syslogtls_cert_list_subject(const syslogtls_cert_list* list, size_t i) {
  const syslogtls::CertFacts* f = facts(list, i);
  return f ? f->subject.c_str() : "";
}

const char* syslogtls_cert_list_issuer(const syslogtls_cert_list* list, size_t i) {
  const syslogtls::CertFacts* f = facts(list, i);
  return f ? f->issuer.c_str() : "";
}

const char* syslogtls_cert_list_fingerprint(const syslogtls_cert_list* list, size_t i) {
  const syslogtls::CertFacts* f = facts(list, i);
  return f ? f->sha256.c_str() : "";
}

const char* syslogtls_cert_list_fingerprint_sha1(const syslogtls_cert_list* list, size_t i) {
  const syslogtls::CertFacts* f = facts(list, i);
  return f ? f->sha1.c_str() : "";
}

const char* syslogtls_cert_list_serial(const syslogtls_cert_list* list, size_t i) {
  const syslogtls::CertFacts* f = facts(list, i);
  return f ? f->serial.c_str() : "";
}

int64_t syslogtls_cert_list_not_before(const syslogtls_cert_list* list, size_t i) {
  const syslogtls::CertFacts* f = facts(list, i);
  return f ? f->not_before : 0;
}

int64_t syslogtls_cert_list_not_after(const syslogtls_cert_list* list, size_t i) {
  const syslogtls::CertFacts* f = facts(list, i);
  return f ? f->not_after : 0;
}

int syslogtls_cert_list_is_ca(const syslogtls_cert_list* list, size_t i) {
  const syslogtls::CertFacts* f = facts(list, i);
  return f && f->ca ? 1 : 0;
}

const char* syslogtls_cert_list_names(const syslogtls_cert_list* list, size_t i) {
  const syslogtls::CertFacts* f = facts(list, i);
  return f ? f->names_text.c_str() : "";
}

int syslogtls_cert_list_match_name(const syslogtls_cert_list* list, size_t i, const char* name) {
  return guarded([&] {
    if (list == nullptr) throw Error(SYSLOGTLS_E_INVAL, "list is NULL");
    const syslogtls::CertFacts* f = facts(list, i);
    if (f == nullptr)
      throw Error(SYSLOGTLS_E_INVAL, "no certificate " + std::to_string(i) + " (the list has " +
                                         std::to_string(list->rep.certs().size()) + ")");
    if (name == nullptr) throw Error(SYSLOGTLS_E_INVAL, "name is NULL");
    const std::string entry(name);
    if (syslogtls::peer::looks_like_fingerprint(entry))
      throw Error(SYSLOGTLS_E_INVAL, "'" + entry + "': a fingerprint, not a host name or IP address");
    std::string ascii, why;
    if (!syslogtls::permitted_name_entry(entry, &ascii, &why)) throw Error(SYSLOGTLS_E_INVAL, "'" + entry + "': " + why);
    const syslogtls::peer::NameMatch m = syslogtls::peer::match_names(f->names, {ascii});
    if (!m.matched) return SYSLOGTLS_NAME_NO_MATCH;
    return m.wildcard_only ? SYSLOGTLS_NAME_WILDCARD_ONLY : SYSLOGTLS_NAME_MATCH;
  });
}

int syslogtls_format_utc(int64_t unix_seconds, char* out, size_t cap) {
  return guarded([&] {
    if (out == nullptr) throw Error(SYSLOGTLS_E_INVAL, "out is NULL");
    std::string text;
    if (!syslogtls::x509::format_utc(unix_seconds, &text))
      throw Error(SYSLOGTLS_E_INVAL, "time " + std::to_string(unix_seconds) + " cannot be converted to a date");
    if (cap < text.size() + 1) throw Error(SYSLOGTLS_E_SPACE, "output buffer too small for '" + text + "'");
    std::memcpy(out, text.c_str(), text.size() + 1);
    return SYSLOGTLS_OK;
  });
}

}  // extern "C"
