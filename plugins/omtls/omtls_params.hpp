// omtls_params.hpp - omtls's module() and action() parameter tables (names and defaults are the contract).
//
// Concurrency & Locking: main thread during config load only.
#pragma once

#include "omtls_config.hpp"
#include "rsyslog_abi.hpp"

namespace omtls {

// module(load="omtls" tls.caFile=... ...): fills d (which holds the
// previous values). false = the core rejected the list and said why.
bool parseModuleParams(rs::nvlst* lst, TlsDefaults& d);
// action(type="omtls" ...): fills s (which holds the defaults).
bool parseActionParams(rs::nvlst* lst, ActionSettings& s);

}  // namespace omtls
