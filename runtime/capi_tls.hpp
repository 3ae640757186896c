// capi_tls.hpp - the C handle behind syslogtls_tls_config (for other C API
// files that need the shared TlsConfig out of a handle).
#pragma once

#include <memory>

#include "tls_config.hpp"

// Owns one reference to the config; servers and clients built from the
// handle copy `rep` (so the handle may be freed before them).
struct syslogtls_tls_config {
  std::shared_ptr<syslogtls::TlsConfig> rep;
};

namespace syslogtls {

// The config of a handle for a server/client: Error(E_INVAL) if cfg is
// NULL, Error(E_STATE) if it was not loaded.
std::shared_ptr<const TlsConfig> loaded_config(const syslogtls_tls_config* cfg);

}  // namespace syslogtls
