// idna.cpp - U-labels to A-labels through gnutls_idna_map.
#include "idna.hpp"

#include <gnutls/gnutls.h>

#include <new>

#include "gnutls_ptr.hpp"

namespace syslogtls {

bool is_ascii(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

bool to_alabel(std::string_view name, std::string* out, std::string* reason) {
  if (is_ascii(name)) {
    out->assign(name);
    return true;
  }
  std::string_view prefix;
  std::string_view rest = name;
  // gnutls_idna_map drops a '*' label: convert what follows it.
  if (rest.size() > 2 && rest[0] == '*' && rest[1] == '.') {
    prefix = rest.substr(0, 2);
    rest.remove_prefix(2);
  }
  OwnedDatum mapped;
  const int rc = gnutls_idna_map(rest.data(), static_cast<unsigned>(rest.size()), &mapped.d, 0);
  if (rc == GNUTLS_E_MEMORY_ERROR) throw std::bad_alloc();
  if (rc < 0 || mapped.d.data == nullptr) {
    *reason = std::string("not a valid internationalised domain name (IDNA2008): ") +
              (rc == GNUTLS_E_INVALID_UTF8_STRING ? "invalid UTF-8 or a label IDNA does not allow"
                                                  : gnutls_strerror(rc));
    return false;
  }
  std::string converted(reinterpret_cast<const char*>(mapped.d.data), mapped.d.size);
  if (!is_ascii(converted) || converted.empty()) {
    *reason = "not a valid internationalised domain name (IDNA2008)";
    return false;
  }
  out->assign(prefix);
  *out += converted;
  return true;
}

}  // namespace syslogtls
