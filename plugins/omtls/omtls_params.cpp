// omtls_params.cpp - omtls's module() and action() parameter tables over the host layer's ParamTable.
//
// Concurrency & Locking: main thread during config load; the tables are
// function-local statics, then read-only.
#include "omtls_params.hpp"

#include "params.hpp"
#include "tls_params.hpp"

namespace omtls {

namespace {

using host::ParamTable;
using host::ParamValue;

unsigned toUnsigned(const ParamValue& v) {
  const long long n = v.number();
  return n < 0 ? 0u : (n > 4000000 ? 4000000u : static_cast<unsigned>(n));
}

// module(): the tls.* rows only (host::kTlsParams).
const ParamTable<TlsDefaults>& moduleTable() {
  static const ParamTable<TlsDefaults> t{
      host::withTlsParams<nullptr, TlsDefaults>({}, host::kTlsAction | host::kTlsModule)};
  return t;
}

const ParamTable<ActionSettings>& actionTable() {
  static const ParamTable<ActionSettings> t{host::withTlsParams<&ActionSettings::tlsSettings, ActionSettings>({
      {"target", rs::eCmdHdlrArray, rs::CNFPARAM_REQUIRED,
       [](ActionSettings& s, const ParamValue& v) { s.targets = v.strings(); }},
      {"target.failbackInterval", rs::eCmdHdlrNonNegInt, 0,
       [](ActionSettings& s, const ParamValue& v) { s.failbackInterval = toUnsigned(v); }},
      {"port", rs::eCmdHdlrInt, 0, [](ActionSettings& s, const ParamValue& v) { s.port = v.number(); }},
      {"template", rs::eCmdHdlrGetWord, 0,
       [](ActionSettings& s, const ParamValue& v) { s.templateName = v.string(); }},
      {"framing", rs::eCmdHdlrGetWord, 0, [](ActionSettings& s, const ParamValue& v) { s.framing = v.string(); }},
      {"tls", rs::eCmdHdlrBinary, 0, [](ActionSettings& s, const ParamValue& v) { s.tls = v.number() != 0; }},
      {"connectTimeout", rs::eCmdHdlrPositiveInt, 0,
       [](ActionSettings& s, const ParamValue& v) { s.connectTimeout = toUnsigned(v); }},
      {"rebindInterval", rs::eCmdHdlrNonNegInt, 0,
       [](ActionSettings& s, const ParamValue& v) { s.rebindInterval = toUnsigned(v); }},
      {"keepAlive", rs::eCmdHdlrBinary, 0,
       [](ActionSettings& s, const ParamValue& v) { s.keepAlive = v.number() != 0; }},
      // The core's own action "name" (also read by the core): names the
      // impstats object "omtls(<name>)".
      {"name", rs::eCmdHdlrGetWord, 0, [](ActionSettings& s, const ParamValue& v) { s.actionName = v.string(); }},
  }, host::kTlsAction)};
  return t;
}

}  // namespace

bool parseModuleParams(rs::nvlst* lst, TlsDefaults& d) { return moduleTable().apply(lst, d); }

bool parseActionParams(rs::nvlst* lst, ActionSettings& s) { return actionTable().apply(lst, s); }

}  // namespace omtls
