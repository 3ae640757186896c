// test_certs.cpp - generates CAs and leaf certificates with GnuTLS at test time.
#include "test_certs.hpp"

#include <arpa/inet.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>

namespace testcerts {
namespace {

void check(int rc, const char* what) {
  if (rc < 0) throw std::runtime_error(std::string("test_certs: ") + what + ": " + gnutls_strerror(rc));
}

struct Crt {
  gnutls_x509_crt_t p = nullptr;
  Crt() { check(gnutls_x509_crt_init(&p), "crt_init"); }
  ~Crt() { gnutls_x509_crt_deinit(p); }
  Crt(const Crt&) = delete;
  Crt& operator=(const Crt&) = delete;
};

struct Key {
  gnutls_x509_privkey_t p = nullptr;
  Key() {
    check(gnutls_x509_privkey_init(&p), "privkey_init");
    check(gnutls_x509_privkey_generate(p, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
          "privkey_generate");
  }
  ~Key() { gnutls_x509_privkey_deinit(p); }
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;
};

struct Datum {
  gnutls_datum_t d{nullptr, 0};
  ~Datum() { gnutls_free(d.data); }
  std::string str() const { return std::string(reinterpret_cast<const char*>(d.data), d.size); }
};

std::string fingerprint(gnutls_x509_crt_t crt, gnutls_digest_algorithm_t alg, const char* prefix) {
  unsigned char buf[64];
  size_t size = sizeof buf;
  check(gnutls_x509_crt_get_fingerprint(crt, alg, buf, &size), "get_fingerprint");
  std::string out = prefix;
  for (size_t i = 0; i < size; ++i) {
    char h[4];
    std::snprintf(h, sizeof h, ":%02X", buf[i]);
    out += h;
  }
  return out;
}

// Fills the fields common to CA and leaf certificates.
void fill(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, const CertOptions& o, bool ca) {
  static unsigned serial_counter = 0;
  check(gnutls_x509_crt_set_version(crt, 3), "set_version");
  unsigned char serial[9];
  check(gnutls_rnd(GNUTLS_RND_NONCE, serial, 8), "rnd");
  serial[0] &= 0x7f;
  serial[8] = static_cast<unsigned char>(++serial_counter);
  if (o.serial.empty())
    check(gnutls_x509_crt_set_serial(crt, serial, sizeof serial), "set_serial");
  else
    check(gnutls_x509_crt_set_serial(crt, o.serial.data(), o.serial.size()), "set_serial");
  if (!o.cn.empty())
    check(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, o.cn.data(),
                                        static_cast<unsigned>(o.cn.size())),
          "set_dn");
  const time_t now = time(nullptr);
  check(gnutls_x509_crt_set_activation_time(crt, now + static_cast<time_t>(o.not_before_days) * 86400), "activation");
  check(gnutls_x509_crt_set_expiration_time(crt, now + static_cast<time_t>(o.not_after_days) * 86400), "expiration");
  check(gnutls_x509_crt_set_key(crt, key), "set_key");
  auto add_dns = [&] {
    for (const std::string& d : o.dns)
      check(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, d.data(), static_cast<unsigned>(d.size()),
                                                 GNUTLS_FSAN_APPEND),
            "san dns");
  };
  auto add_ips = [&] {
    for (const std::string& ip : o.ips) {
      unsigned char raw[16];
      unsigned len = 4;
      if (inet_pton(AF_INET, ip.c_str(), raw) != 1) {
        if (inet_pton(AF_INET6, ip.c_str(), raw) != 1) throw std::runtime_error("test_certs: bad IP " + ip);
        len = 16;
      }
      check(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, raw, len, GNUTLS_FSAN_APPEND), "san ip");
    }
  };
  if (o.ips_first) {
    add_ips();
    add_dns();
  } else {
    add_dns();
    add_ips();
  }
  check(gnutls_x509_crt_set_basic_constraints(crt, ca ? 1 : 0, -1), "basic_constraints");
  if (ca) {
    check(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN), "key_usage");
  } else {
    check(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE), "key_usage");
    check(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0), "purpose");
    check(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_CLIENT, 0), "purpose");
  }
  unsigned char id[64];
  size_t id_size = sizeof id;
  check(gnutls_x509_crt_get_key_id(crt, 0, id, &id_size), "key_id");
  check(gnutls_x509_crt_set_subject_key_id(crt, id, id_size), "subject_key_id");
}

CertFiles write_out(TempDir& dir, gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, const std::string& stem) {
  Datum cert_pem, key_pem, dn;
  check(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cert_pem.d), "export crt");
  check(gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, nullptr, GNUTLS_PKCS_PLAIN, &key_pem.d),
        "export key");
  check(gnutls_x509_crt_get_dn3(crt, &dn.d, 0), "get_dn3");
  CertFiles f;
  f.cert = dir.write(dir.unique(stem + "-cert", ".pem"), cert_pem.str());
  f.key = dir.write(dir.unique(stem + "-key", ".pem"), key_pem.str());
  f.subject = dn.str();
  f.sha256 = fingerprint(crt, GNUTLS_DIG_SHA256, "SHA256");
  f.sha1 = fingerprint(crt, GNUTLS_DIG_SHA1, "SHA1");
  return f;
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/syslogtls-test-XXXXXX";
  if (mkdtemp(&templ[0]) == nullptr) throw std::runtime_error("test_certs: mkdtemp failed for " + templ);
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::file(const std::string& name) const { return path_ + "/" + name; }

std::string TempDir::write(const std::string& name, const std::string& content) const {
  std::string p = file(name);
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) throw std::runtime_error("test_certs: cannot write " + p);
  return p;
}

std::string TempDir::unique(const std::string& stem, const std::string& suffix) {
  return stem + "-" + std::to_string(++counter_) + suffix;
}

struct Ca::Impl {
  TempDir* dir = nullptr;
  Crt crt;
  Key key;
};

Ca::Ca(TempDir& dir, const std::string& cn, int not_after_days) : impl_(new Impl) {
  impl_->dir = &dir;
  CertOptions o;
  o.cn = cn;
  o.not_before_days = -2;
  o.not_after_days = not_after_days;
  fill(impl_->crt.p, impl_->key.p, o, true);
  check(gnutls_x509_crt_sign2(impl_->crt.p, impl_->crt.p, impl_->key.p, GNUTLS_DIG_SHA256, 0), "sign ca");
  files_ = write_out(dir, impl_->crt.p, impl_->key.p, "ca");
}

Ca::Ca(const Ca& parent, const std::string& cn) : impl_(new Impl) {
  impl_->dir = parent.impl_->dir;
  CertOptions o;
  o.cn = cn;
  o.not_before_days = -2;
  o.not_after_days = 3650;
  fill(impl_->crt.p, impl_->key.p, o, true);
  unsigned char id[64];
  size_t id_size = sizeof id;
  check(gnutls_x509_crt_get_subject_key_id(parent.impl_->crt.p, id, &id_size, nullptr), "parent key id");
  check(gnutls_x509_crt_set_authority_key_id(impl_->crt.p, id, id_size), "authority_key_id");
  check(gnutls_x509_crt_sign2(impl_->crt.p, parent.impl_->crt.p, parent.impl_->key.p, GNUTLS_DIG_SHA256, 0),
        "sign intermediate");
  files_ = write_out(*impl_->dir, impl_->crt.p, impl_->key.p, "subca");
}

Ca::~Ca() = default;

CertFiles Ca::issue(const CertOptions& opts) const {
  Crt crt;
  Key key;
  fill(crt.p, key.p, opts, false);
  unsigned char id[64];
  size_t id_size = sizeof id;
  check(gnutls_x509_crt_get_subject_key_id(impl_->crt.p, id, &id_size, nullptr), "ca key id");
  check(gnutls_x509_crt_set_authority_key_id(crt.p, id, id_size), "authority_key_id");
  check(gnutls_x509_crt_sign2(crt.p, impl_->crt.p, impl_->key.p, GNUTLS_DIG_SHA256, 0), "sign leaf");
  return write_out(*impl_->dir, crt.p, key.p, "leaf");
}

std::string Ca::crl(const std::vector<std::string>& revoked_cert_files, int next_update_days) const {
  gnutls_x509_crl_t crl = nullptr;
  check(gnutls_x509_crl_init(&crl), "crl_init");
  std::unique_ptr<gnutls_x509_crl_int, void (*)(gnutls_x509_crl_t)> owned(crl, gnutls_x509_crl_deinit);
  const time_t now = time(nullptr);
  check(gnutls_x509_crl_set_version(crl, 2), "crl version");
  check(gnutls_x509_crl_set_this_update(crl, now - 3600), "crl this_update");
  check(gnutls_x509_crl_set_next_update(crl, now + static_cast<time_t>(next_update_days) * 86400), "crl next_update");
  for (const std::string& file : revoked_cert_files) {
    std::string pem = read_text(file);
    Crt crt;
    gnutls_datum_t d{reinterpret_cast<unsigned char*>(&pem[0]), static_cast<unsigned>(pem.size())};
    check(gnutls_x509_crt_import(crt.p, &d, GNUTLS_X509_FMT_PEM), "crl: import revoked");
    check(gnutls_x509_crl_set_crt(crl, crt.p, now - 60), "crl set_crt");
  }
  unsigned char id[64];
  size_t id_size = sizeof id;
  check(gnutls_x509_crt_get_subject_key_id(impl_->crt.p, id, &id_size, nullptr), "ca key id");
  check(gnutls_x509_crl_set_authority_key_id(crl, id, id_size), "crl authority_key_id");
  check(gnutls_x509_crl_sign2(crl, impl_->crt.p, impl_->key.p, GNUTLS_DIG_SHA256, 0), "crl sign");
  Datum pem;
  check(gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_PEM, &pem.d), "crl export");
  return impl_->dir->write(impl_->dir->unique("crl", ".pem"), pem.str());
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("test_certs: cannot read " + path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

CertFiles self_signed(TempDir& dir, const CertOptions& opts) {
  Crt crt;
  Key key;
  fill(crt.p, key.p, opts, false);
  check(gnutls_x509_crt_sign2(crt.p, crt.p, key.p, GNUTLS_DIG_SHA256, 0), "self sign");
  return write_out(dir, crt.p, key.p, "self");
}

}  // namespace testcerts
