// omtls_params.cpp - omtls's module() and action() parameter tables over the host layer's ParamTable.
#include "omtls_params.hpp"

#include "params.hpp"

namespace omtls {

namespace {

using host::ParamTable;
using host::ParamValue;

unsigned toUnsigned(const ParamValue& v) {
  const long long n = v.number();
  return n < 0 ? 0u : (n > 4000000 ? 4000000u : static_cast<unsigned>(n));
}

// The tls.* parameters shared by module() and action(); S has a TlsDefaults
// reachable through Get.
template <typename S, TlsDefaults& (*Get)(S&)>
struct TlsParams {
  static void caFile(S& s, const ParamValue& v) { Get(s).caFile = v.string(); }
  static void certFile(S& s, const ParamValue& v) { Get(s).certFile = v.string(); }
  static void keyFile(S& s, const ParamValue& v) { Get(s).keyFile = v.string(); }
  static void authMode(S& s, const ParamValue& v) { Get(s).authMode = v.string(); }
  static void permittedPeer(S& s, const ParamValue& v) { Get(s).permittedPeers = v.strings(); }
  static void priority(S& s, const ParamValue& v) { Get(s).priorityString = v.string(); }
  static void handshakeTimeout(S& s, const ParamValue& v) { Get(s).handshakeTimeout = toUnsigned(v); }
};

TlsDefaults& moduleTls(TlsDefaults& d) { return d; }
TlsDefaults& actionTls(ActionSettings& s) { return s.tlsSettings; }

using ModTls = TlsParams<TlsDefaults, moduleTls>;
using ActTls = TlsParams<ActionSettings, actionTls>;

const ParamTable<TlsDefaults>& moduleTable() {
  static const ParamTable<TlsDefaults> t{
      {"tls.caFile", rs::eCmdHdlrString, 0, ModTls::caFile},
      {"tls.certFile", rs::eCmdHdlrString, 0, ModTls::certFile},
      {"tls.keyFile", rs::eCmdHdlrString, 0, ModTls::keyFile},
      {"tls.authMode", rs::eCmdHdlrGetWord, 0, ModTls::authMode},
      {"tls.permittedPeer", rs::eCmdHdlrArray, 0, ModTls::permittedPeer},
      {"tls.priorityString", rs::eCmdHdlrString, 0, ModTls::priority},
      {"tls.handshakeTimeout", rs::eCmdHdlrPositiveInt, 0, ModTls::handshakeTimeout},
  };
  return t;
}

const ParamTable<ActionSettings>& actionTable() {
  static const ParamTable<ActionSettings> t{
      {"target", rs::eCmdHdlrArray, rs::CNFPARAM_REQUIRED,
       [](ActionSettings& s, const ParamValue& v) { s.targets = v.strings(); }},
      {"target.failbackInterval", rs::eCmdHdlrNonNegInt, 0,
       [](ActionSettings& s, const ParamValue& v) { s.failbackInterval = toUnsigned(v); }},
      {"port", rs::eCmdHdlrInt, 0, [](ActionSettings& s, const ParamValue& v) { s.port = v.number(); }},
      {"template", rs::eCmdHdlrGetWord, 0,
       [](ActionSettings& s, const ParamValue& v) { s.templateName = v.string(); }},
      {"framing", rs::eCmdHdlrGetWord, 0, [](ActionSettings& s, const ParamValue& v) { s.framing = v.string(); }},
      {"tls", rs::eCmdHdlrBinary, 0, [](ActionSettings& s, const ParamValue& v) { s.tls = v.number() != 0; }},
      {"tls.caFile", rs::eCmdHdlrString, 0, ActTls::caFile},
      {"tls.certFile", rs::eCmdHdlrString, 0, ActTls::certFile},
      {"tls.keyFile", rs::eCmdHdlrString, 0, ActTls::keyFile},
      {"tls.authMode", rs::eCmdHdlrGetWord, 0, ActTls::authMode},
      {"tls.permittedPeer", rs::eCmdHdlrArray, 0, ActTls::permittedPeer},
      {"tls.serverName", rs::eCmdHdlrGetWord, 0,
       [](ActionSettings& s, const ParamValue& v) { s.serverName = v.string(); }},
      {"tls.priorityString", rs::eCmdHdlrString, 0, ActTls::priority},
      {"tls.handshakeTimeout", rs::eCmdHdlrPositiveInt, 0, ActTls::handshakeTimeout},
      {"connectTimeout", rs::eCmdHdlrPositiveInt, 0,
       [](ActionSettings& s, const ParamValue& v) { s.connectTimeout = toUnsigned(v); }},
      {"rebindInterval", rs::eCmdHdlrNonNegInt, 0,
       [](ActionSettings& s, const ParamValue& v) { s.rebindInterval = toUnsigned(v); }},
      {"keepAlive", rs::eCmdHdlrBinary, 0,
       [](ActionSettings& s, const ParamValue& v) { s.keepAlive = v.number() != 0; }},
      // The core's own action "name" (also read by the core): names the
      // impstats object "omtls(<name>)".
      {"name", rs::eCmdHdlrGetWord, 0, [](ActionSettings& s, const ParamValue& v) { s.actionName = v.string(); }},
  };
  return t;
}

}  // namespace

bool parseModuleParams(rs::nvlst* lst, TlsDefaults& d) { return moduleTable().apply(lst, d); }

bool parseActionParams(rs::nvlst* lst, ActionSettings& s) { return actionTable().apply(lst, s); }

}  // namespace omtls
