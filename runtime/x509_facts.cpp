// x509_facts.cpp - certificate facts in the library's spelling; PEM file reading.
#include "x509_facts.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>

namespace syslogtls {
namespace x509 {

int read_pem_file(const std::string& path, std::string* data) {
  data->clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  char buf[8192];
  int err = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    if (n == 0) break;
    data->append(buf, static_cast<size_t>(n));
    if (data->size() > kMaxPemFile) {
      err = EFBIG;
      break;
    }
  }
  ::close(fd);
  if (err != 0) data->clear();
  return err;
}

X509CrtPtr import_der(const gnutls_datum_t& der) {
  gnutls_x509_crt_t raw = nullptr;
  if (gnutls_x509_crt_init(&raw) < 0) return nullptr;
  X509CrtPtr crt(raw);
  if (gnutls_x509_crt_import(crt.get(), &der, GNUTLS_X509_FMT_DER) < 0) return nullptr;
  return crt;
}

bool export_der(gnutls_x509_crt_t crt, std::string* der) {
  OwnedDatum d;
  if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &d.d) < 0 || d.d.data == nullptr) return false;
  der->assign(reinterpret_cast<const char*>(d.d.data), d.d.size);
  return true;
}

std::string subject_of(gnutls_x509_crt_t crt) {
  OwnedDatum dn;
  if (gnutls_x509_crt_get_dn3(crt, &dn.d, 0) < 0 || dn.d.data == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(dn.d.data), dn.d.size);
}

std::string issuer_of(gnutls_x509_crt_t crt) {
  OwnedDatum dn;
  if (gnutls_x509_crt_get_issuer_dn3(crt, &dn.d, 0) < 0 || dn.d.data == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(dn.d.data), dn.d.size);
}

bool fingerprint_of(const gnutls_datum_t& der, peer::FpAlg alg, peer::Fingerprint* out) {
  unsigned char buf[64];
  size_t size = sizeof buf;
  gnutls_digest_algorithm_t dig = alg == peer::FpAlg::sha256 ? GNUTLS_DIG_SHA256 : GNUTLS_DIG_SHA1;
  if (gnutls_fingerprint(dig, &der, buf, &size) < 0) return false;
  out->alg = alg;
  out->digest.assign(buf, buf + size);
  return true;
}

std::string fingerprint_text(const gnutls_datum_t& der, peer::FpAlg alg) {
  peer::Fingerprint fp;
  return fingerprint_of(der, alg, &fp) ? peer::format_fingerprint(fp) : std::string();
}

std::string serial_of(gnutls_x509_crt_t crt) {
  unsigned char buf[64];  // RFC 5280: at most 20 octets
  size_t size = sizeof buf;
  if (gnutls_x509_crt_get_serial(crt, buf, &size) < 0) return "";
  size_t first = 0;
  while (first + 1 < size && buf[first] == 0) ++first;
  std::string out = "0x";
  if (size == 0) return out + "00";
  for (size_t i = first; i < size; ++i) {
    char h[3];
    std::snprintf(h, sizeof h, "%02x", buf[i]);
    out += h;
  }
  return out;
}

int64_t not_before_of(gnutls_x509_crt_t crt) {
  const time_t t = gnutls_x509_crt_get_activation_time(crt);
  return t == static_cast<time_t>(-1) ? 0 : static_cast<int64_t>(t);
}

int64_t not_after_of(gnutls_x509_crt_t crt) {
  const time_t t = gnutls_x509_crt_get_expiration_time(crt);
  return t == static_cast<time_t>(-1) ? 0 : static_cast<int64_t>(t);
}

bool is_ca(gnutls_x509_crt_t crt) {
  unsigned critical = 0, ca = 0;
  int path_len = 0;
  return gnutls_x509_crt_get_basic_constraints(crt, &critical, &ca, &path_len) >= 0 && ca != 0;
}

peer::CertNames names_of(gnutls_x509_crt_t crt, std::string* san) {
  peer::CertNames names;
  auto add_san = [&](const std::string& v) {
    if (san == nullptr) return;
    if (!san->empty()) *san += ',';
    *san += v;
  };
  for (unsigned i = 0;; ++i) {
    char buf[512];
    size_t size = sizeof buf;
    int type = gnutls_x509_crt_get_subject_alt_name(crt, i, buf, &size, nullptr);
    if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) break;
    if (type == GNUTLS_E_SHORT_MEMORY_BUFFER) continue;  // absurdly long name: skip it
    if (type < 0) break;
    if (type == GNUTLS_SAN_DNSNAME) {
      names.dns.emplace_back(buf, size);
      add_san(names.dns.back());
    } else if (type == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16)) {
      names.ips.emplace_back(reinterpret_cast<uint8_t*>(buf), reinterpret_cast<uint8_t*>(buf) + size);
      add_san(peer::format_ip(names.ips.back()));
    }
  }
  for (unsigned i = 0;; ++i) {
    char buf[512];
    size_t size = sizeof buf;
    int rc = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, i, 0, buf, &size);
    if (rc < 0) break;
    names.cns.emplace_back(buf, size);
  }
  return names;
}

bool format_utc(int64_t t, std::string* out) {
  const time_t tt = static_cast<time_t>(t);
  if (static_cast<int64_t>(tt) != t) return false;
  struct tm tm {};
  if (gmtime_r(&tt, &tm) == nullptr) return false;
  char buf[64];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  if (n == 0) return false;
  out->assign(buf, n);
  return true;
}

std::string utc_date(int64_t t) {
  std::string s;
  return format_utc(t, &s) ? s : std::string();
}

}  // namespace x509
}  // namespace syslogtls
