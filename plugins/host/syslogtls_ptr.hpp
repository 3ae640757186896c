// syslogtls_ptr.hpp - owning smart pointers for the runtime's C handles, and its
// error text, shared by imtls and omtls.
//
// Concurrency & Locking: none of its own; a handle is freed by whichever
// thread drops the last owner (the runtime's *_free functions join or
// close what the handle runs).
#pragma once

#include <memory>
#include <string>

#include "syslogtls.h"

namespace host {

struct TlsConfigDeleter final {
  void operator()(syslogtls_tls_config* c) const noexcept { syslogtls_tls_config_free(c); }
};
struct ServerDeleter final {
  void operator()(syslogtls_server* s) const noexcept { syslogtls_server_free(s); }
};
struct ClientDeleter final {
  void operator()(syslogtls_client* c) const noexcept { syslogtls_client_free(c); }
};

using TlsConfigPtr = std::unique_ptr<syslogtls_tls_config, TlsConfigDeleter>;
using ServerPtr = std::unique_ptr<syslogtls_server, ServerDeleter>;
using ClientPtr = std::unique_ptr<syslogtls_client, ClientDeleter>;

// The runtime's detail text of the failure that returned rc (call it right
// after the failing call, on the same thread), or the code's name when the
// runtime gave none.
inline std::string runtimeErrorText(int rc) {
  const char* m = syslogtls_errmsg();
  if (m != nullptr && *m != '\0') return m;
  return syslogtls_strerror(rc);
}

}  // namespace host
