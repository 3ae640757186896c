// cert-common.cpp - file, PEM and name helpers of syslogtls-cert.
#include "cert-common.hpp"

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace certcmd {

void check_gnutls(int rc, const std::string& what) {
  if (rc < 0) failed(what + ": " + gnutls_strerror(rc));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) failed("cannot read '" + path + "': " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) failed("cannot read '" + path + "': read error");
  return s.str();
}

namespace {

gnutls_datum_t datum_of(const std::string& s) {
  gnutls_datum_t d;
  d.data = reinterpret_cast<unsigned char*>(const_cast<char*>(s.data()));
  d.size = static_cast<unsigned>(s.size());
  return d;
}

}  // namespace

std::vector<CrtPtr> read_certificates(const std::string& path) {
  const std::string pem = read_file(path);
  gnutls_datum_t d = datum_of(pem);
  gnutls_x509_crt_t* list = nullptr;
  unsigned n = 0;
  int rc = gnutls_x509_crt_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM, 0);
  if (rc < 0 || n == 0) {
    gnutls_free(list);
    failed("'" + path + "': not a PEM certificate");
  }
  std::vector<CrtPtr> out;
  for (unsigned i = 0; i < n; ++i) out.emplace_back(list[i]);
  gnutls_free(list);
  return out;
}

KeyPtr read_private_key(const std::string& path) {
  const std::string pem = read_file(path);
  gnutls_x509_privkey_t raw = nullptr;
  check_gnutls(gnutls_x509_privkey_init(&raw), "cannot create a key");
  KeyPtr key(raw);
  gnutls_datum_t d = datum_of(pem);
  if (gnutls_x509_privkey_import2(key.get(), &d, GNUTLS_X509_FMT_PEM, nullptr, 0) < 0)
    failed("'" + path + "': not a PEM private key (encrypted keys are not supported)");
  return key;
}

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

bool parse_ip(const std::string& text, std::vector<unsigned char>* bytes) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) {
    bytes->assign(buf, buf + 4);
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) {
    bytes->assign(buf, buf + 16);
    return true;
  }
  return false;
}

std::string format_ip(const std::vector<unsigned char>& bytes) {
  char buf[INET6_ADDRSTRLEN];
  int af = bytes.size() == 4 ? AF_INET : AF_INET6;
  if ((bytes.size() != 4 && bytes.size() != 16) || inet_ntop(af, bytes.data(), buf, sizeof buf) == nullptr)
    return "?";
  return buf;
}

}  // namespace certcmd
