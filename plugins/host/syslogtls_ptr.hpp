// syslogtls_ptr.hpp - owning smart pointers for the runtime's C handles, shared by imtls and omtls.
//
// Concurrency & Locking: none of its own; a handle is freed by whichever
// thread drops the last owner (the runtime's *_free functions join or
// close what the handle runs).
#pragma once

#include <memory>

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

}  // namespace host
