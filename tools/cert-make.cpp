// cert-make.cpp - key generation, certificate construction and the PEM
// files of syslogtls-cert selfsigned, ca and issue (GnuTLS).
#include "cert-make.hpp"

#include <fcntl.h>
#include <gnutls/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace certcmd {

namespace {

constexpr unsigned kRsaBits = 3072;
constexpr size_t kSerialBytes = 16;

KeyPtr generate_key(KeyType type) {
  gnutls_x509_privkey_t raw = nullptr;
  check_gnutls(gnutls_x509_privkey_init(&raw), "cannot create a key");
  KeyPtr key(raw);
  if (type == KeyType::ecdsa)
    check_gnutls(gnutls_x509_privkey_generate(key.get(), GNUTLS_PK_ECDSA,
                                              GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
                 "cannot generate an ECDSA P-256 key");
  else
    check_gnutls(gnutls_x509_privkey_generate(key.get(), GNUTLS_PK_RSA, kRsaBits, 0),
                 "cannot generate an RSA key");
  return key;
}

// The SHA-1 key identifier of a certificate's public key (RFC 5280 4.2.1.2).
std::vector<unsigned char> key_id_of(gnutls_x509_crt_t crt) {
  unsigned char buf[64];
  size_t size = sizeof buf;
  check_gnutls(gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA1, buf, &size), "cannot compute the key id");
  return std::vector<unsigned char>(buf, buf + size);
}

void add_extensions(gnutls_x509_crt_t crt, const CertSpec& spec) {
  for (const AltName& n : spec.sans) {
    if (n.ip)
      check_gnutls(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, n.addr.data(),
                                                        static_cast<unsigned>(n.addr.size()), GNUTLS_FSAN_APPEND),
                   "cannot set the IP address " + n.text);
    else
      check_gnutls(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, n.text.data(),
                                                        static_cast<unsigned>(n.text.size()), GNUTLS_FSAN_APPEND),
                   "cannot set the DNS name " + n.text);
  }
  if (spec.is_ca)
    check_gnutls(gnutls_x509_crt_set_basic_constraints(crt, 1, -1), "cannot set basic constraints");
  else
    check_gnutls(gnutls_x509_crt_set_basic_constraints(crt, spec.self_anchor ? 1 : 0, spec.self_anchor ? 0 : -1),
                 "cannot set basic constraints");
  unsigned usage;
  if (spec.is_ca) {
    usage = GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN;
  } else {
    usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
    if (spec.key_type == KeyType::rsa) usage |= GNUTLS_KEY_KEY_ENCIPHERMENT;
    if (spec.self_anchor) usage |= GNUTLS_KEY_KEY_CERT_SIGN;
  }
  check_gnutls(gnutls_x509_crt_set_key_usage(crt, usage), "cannot set the key usage");
  if (!spec.is_ca) {
    if (spec.tls_server)
      check_gnutls(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0),
                   "cannot set the extended key usage");
    if (spec.tls_client)
      check_gnutls(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_CLIENT, 0),
                   "cannot set the extended key usage");
  }
}

CrtPtr build_certificate(const CertSpec& spec, gnutls_x509_privkey_t key, const Issuer* issuer) {
  gnutls_x509_crt_t raw = nullptr;
  check_gnutls(gnutls_x509_crt_init(&raw), "cannot create a certificate");
  CrtPtr crt(raw);
  check_gnutls(gnutls_x509_crt_set_version(crt.get(), 3), "cannot set the version");
  unsigned char serial[kSerialBytes];
  check_gnutls(gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial), "cannot make a serial number");
  serial[0] = static_cast<unsigned char>((serial[0] & 0x7f) | 0x40);  // positive, no leading zero byte
  check_gnutls(gnutls_x509_crt_set_serial(crt.get(), serial, sizeof serial), "cannot set the serial number");
  check_gnutls(gnutls_x509_crt_set_dn_by_oid(crt.get(), GNUTLS_OID_X520_COMMON_NAME, 0, spec.cn.data(),
                                             static_cast<unsigned>(spec.cn.size())),
               "cannot set the common name '" + spec.cn + "'");
  check_gnutls(gnutls_x509_crt_set_activation_time(crt.get(), spec.not_before), "cannot set the start date");
  check_gnutls(gnutls_x509_crt_set_expiration_time(crt.get(), spec.not_after), "cannot set the end date");
  check_gnutls(gnutls_x509_crt_set_key(crt.get(), key), "cannot set the public key");
  add_extensions(crt.get(), spec);
  const std::vector<unsigned char> ski = key_id_of(crt.get());
  check_gnutls(gnutls_x509_crt_set_subject_key_id(crt.get(), ski.data(), ski.size()),
               "cannot set the subject key id");
  const std::vector<unsigned char> aki = issuer != nullptr ? key_id_of(issuer->crt.get()) : ski;
  check_gnutls(gnutls_x509_crt_set_authority_key_id(crt.get(), aki.data(), aki.size()),
               "cannot set the authority key id");
  gnutls_x509_crt_t signer_crt = issuer != nullptr ? issuer->crt.get() : crt.get();
  gnutls_x509_privkey_t signer_key = issuer != nullptr ? issuer->key.get() : key;
  check_gnutls(gnutls_x509_crt_sign2(crt.get(), signer_crt, signer_key, GNUTLS_DIG_SHA256, 0),
               "cannot sign the certificate");
  return crt;
}

// mkdir -p for the directory part of path.
void make_parent_dirs(const std::string& path) {
  for (size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1)) {
    const std::string dir = path.substr(0, pos);
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) failed("cannot create directory '" + dir + "': " + std::strerror(errno));
  }
}

void refuse_existing(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) failed("'" + path + "' exists: remove it first (files are never overwritten)");
}

// Creates path (which must not exist) with exactly mode, and writes data.
void write_new_file(const std::string& path, const gnutls_datum_t& data, mode_t mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) failed("cannot create '" + path + "': " + std::strerror(errno));
  bool ok = fchmod(fd, mode) == 0;  // the umask may have taken bits away: set exactly mode
  size_t done = 0;
  while (ok && done < data.size) {
    ssize_t n = write(fd, data.data + done, data.size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = false; else done += static_cast<size_t>(n);
  }
  const int saved = errno;
  if (close(fd) != 0) ok = false;
  if (!ok) {
    unlink(path.c_str());
    failed("cannot write '" + path + "': " + std::strerror(saved != 0 ? saved : EIO));
  }
}

}  // namespace

Issuer load_issuer(const std::string& cert_path, const std::string& key_path) {
  Issuer is;
  std::vector<CrtPtr> crts = read_certificates(cert_path);
  is.crt = std::move(crts.front());
  is.key = read_private_key(key_path);
  unsigned char kid[64];
  size_t ksize = sizeof kid;
  check_gnutls(gnutls_x509_privkey_get_key_id(is.key.get(), GNUTLS_KEYID_USE_SHA1, kid, &ksize),
               "'" + key_path + "': cannot compute the key id");
  if (std::vector<unsigned char>(kid, kid + ksize) != key_id_of(is.crt.get()))
    failed("CA key '" + key_path + "' does not match CA certificate '" + cert_path + "'");
  unsigned critical = 0;
  if (gnutls_x509_crt_get_ca_status(is.crt.get(), &critical) <= 0)
    failed("'" + cert_path + "' is not a CA certificate (no CA basic constraint)");
  return is;
}

void make_certificate(const CertSpec& spec, const Issuer* issuer, const std::string& key_path,
                      const std::string& cert_path) {
  refuse_existing(key_path);
  refuse_existing(cert_path);
  KeyPtr key = generate_key(spec.key_type);
  CrtPtr crt = build_certificate(spec, key.get(), issuer);
  OwnedDatum key_pem, crt_pem;
  check_gnutls(gnutls_x509_privkey_export2_pkcs8(key.get(), GNUTLS_X509_FMT_PEM, nullptr, GNUTLS_PKCS_PLAIN,
                                                 &key_pem.d),
               "cannot encode the key");
  check_gnutls(gnutls_x509_crt_export2(crt.get(), GNUTLS_X509_FMT_PEM, &crt_pem.d), "cannot encode the certificate");
  make_parent_dirs(key_path);
  make_parent_dirs(cert_path);
  write_new_file(key_path, key_pem.d, 0600);
  try {
    write_new_file(cert_path, crt_pem.d, 0644);
  } catch (...) {
    unlink(key_path.c_str());
    throw;
  }
}

}  // namespace certcmd
