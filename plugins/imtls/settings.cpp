// settings.cpp - imtls parameter tables and validation.
//
// Concurrency & Locking: main thread only (config load). The tables are
// function-local statics built on first use during config load.
#include "settings.hpp"

#include "address.hpp"
#include "log.hpp"
#include "syslogtls.h"

namespace imtls {
namespace {

using rs::eCmdHdlrArray;
using rs::eCmdHdlrBinary;
using rs::eCmdHdlrGetWord;
using rs::eCmdHdlrInt;
using rs::eCmdHdlrNonNegInt;
using rs::eCmdHdlrPositiveInt;
using rs::eCmdHdlrSize;
using rs::eCmdHdlrString;
using host::applyField;
using Entry = host::ParamEntry<Settings>;

// Shared by module() and input(); the tls.* rows come from host::kTlsParams.
#define IMTLS_COMMON_PARAMS                                                         \
  Entry{"port", eCmdHdlrInt, 0, &applyField<&Settings::port>},                      \
      Entry{"address", eCmdHdlrGetWord, 0, &applyField<&Settings::address>},        \
      Entry{"ruleset", eCmdHdlrString, 0, &applyField<&Settings::ruleset>},         \
      Entry{"tls", eCmdHdlrBinary, 0, &applyField<&Settings::tls>},                 \
      Entry{"framing", eCmdHdlrGetWord, 0, &applyField<&Settings::framing>},        \
      Entry{"maxFrameSize", eCmdHdlrSize, 0, &applyField<&Settings::maxFrameSize>}, \
      Entry{"oversizeMode", eCmdHdlrGetWord, 0, &applyField<&Settings::oversizeMode>}, \
      Entry{"maxSessions", eCmdHdlrPositiveInt, 0, &applyField<&Settings::maxSessions>}, \
      Entry{"maxPendingHandshakes", eCmdHdlrInt, 0, &applyField<&Settings::maxPendingHandshakes>}, \
      Entry{"maxSessionsPerPeer", eCmdHdlrInt, 0, &applyField<&Settings::maxSessionsPerPeer>}, \
      Entry{"socketBacklog", eCmdHdlrInt, 0, &applyField<&Settings::socketBacklog>}, \
      Entry{"idleTimeout", eCmdHdlrNonNegInt, 0, &applyField<&Settings::idleTimeout>}, \
      Entry{"keepAlive", eCmdHdlrBinary, 0, &applyField<&Settings::keepAlive>},     \
      Entry{"sessionLog", eCmdHdlrBinary, 0, &applyField<&Settings::sessionLog>},   \
      Entry{"rateLimit.interval", eCmdHdlrNonNegInt, 0, &applyField<&Settings::rateLimitInterval>}, \
      Entry{"rateLimit.burst", eCmdHdlrNonNegInt, 0, &applyField<&Settings::rateLimitBurst>}, \
      Entry{"proxyProtocol", eCmdHdlrGetWord, 0, &applyField<&Settings::proxyProtocol>}, \
      Entry{"proxyProtocol.trustedSources", eCmdHdlrArray, 0, &applyField<&Settings::proxyTrustedSources>}

class Reporter final {
 public:
  explicit Reporter(const std::string& name) : name_(name) {}
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;
  void operator()(const char* param, const std::string& reason) {
    host::logError(rs::RS_RET_CONF_PARAM_INVLD, "imtls: input '%s': parameter '%s': %s", name_.c_str(), param,
                   reason.c_str());
    ok_ = false;
  }
  // err already reads "parameter '<name>': <reason>".
  void line(const std::string& err) {
    host::logError(rs::RS_RET_CONF_PARAM_INVLD, "imtls: input '%s': %s", name_.c_str(), err.c_str());
    ok_ = false;
  }
  bool ok() const { return ok_; }

 private:
  const std::string& name_;
  bool ok_ = true;
};

}  // namespace

const host::ParamTable<Settings>& moduleParams() {
  static const host::ParamTable<Settings> table{host::withTlsParams<&Settings::tlsValues, Settings>(
      {
          IMTLS_COMMON_PARAMS,
          Entry{"drainTimeout", eCmdHdlrInt, 0, &applyField<&Settings::drainTimeout>},
      },
      host::kTlsInput | host::kTlsModule)};
  return table;
}

const host::ParamTable<Settings>& inputParams() {
  static const host::ParamTable<Settings> table{host::withTlsParams<&Settings::tlsValues, Settings>(
      {
          IMTLS_COMMON_PARAMS,
          Entry{"name", eCmdHdlrGetWord, 0, &applyField<&Settings::name>},
          Entry{"listenPortFileName", eCmdHdlrString, 0, &applyField<&Settings::listenPortFileName>},
      },
      host::kTlsInput)};
  return table;
}

void inheritModuleTls(Settings& input, const Settings& module) {
  input.tlsValues = host::inheritTls(input.tlsValues, module.tlsValues);
}

bool validate(const Settings& s, ListenerConfig& out) {
  Reporter bad(s.name);
  out.s = s;
  if (s.name.empty()) bad("name", "must not be empty");
  if (s.port < 0 || s.port > 65535) {
    bad("port", "out of range (was " + std::to_string(s.port) + ", allowed 0-65535)");
  } else {
    out.port = static_cast<unsigned>(s.port);
    if (s.port == 0 && s.listenPortFileName.empty())
      bad("listenPortFileName", "required with port=\"0\" (ephemeral port)");
  }
  out.loopback = !s.address.empty() && host::isLoopback(s.address);
  if (!s.tls && !out.loopback) {
    bad("tls", "plaintext (tls=\"off\") is allowed only on a loopback address (127.0.0.1, ::1), but address is " +
                   (s.address.empty() ? std::string("all addresses") : "'" + s.address + "'"));
  }
  if (syslogtls_framing_parse(s.framing.c_str(), &out.framing) != SYSLOGTLS_OK)
    bad("framing", "unknown value '" + s.framing + "' (expected auto, octet-counted or lf)");
  if (syslogtls_oversize_parse(s.oversizeMode.c_str(), &out.oversize) != SYSLOGTLS_OK)
    bad("oversizeMode", "unknown value '" + s.oversizeMode + "' (expected truncate, discard or close)");
  if (s.maxFrameSize < 1) bad("maxFrameSize", "must be at least 1 byte");
  if (s.maxSessions < 1 || s.maxSessions > 1000000) bad("maxSessions", "out of range (1-1000000)");
  if (s.maxPendingHandshakes < 0 || s.maxPendingHandshakes > 1000000)
    bad("maxPendingHandshakes", "out of range (was " + std::to_string(s.maxPendingHandshakes) +
                                    ", allowed 0-1000000; 0 = no own budget)");
  if (s.maxSessionsPerPeer < 0 || s.maxSessionsPerPeer > 1000000)
    bad("maxSessionsPerPeer", "out of range (was " + std::to_string(s.maxSessionsPerPeer) +
                                  ", allowed 0-1000000; 0 = off)");
  if (s.socketBacklog < 1 || s.socketBacklog > 65535)
    bad("socketBacklog", "out of range (was " + std::to_string(s.socketBacklog) + ", allowed 1-65535)");
  if (s.idleTimeout < 0 || s.idleTimeout > 86400 * 365) bad("idleTimeout", "out of range");
  if (s.rateLimitInterval < 0 || s.rateLimitInterval > 0xffffffffLL) bad("rateLimit.interval", "out of range");
  if (s.rateLimitBurst < 0 || s.rateLimitBurst > 0xffffffffLL) bad("rateLimit.burst", "out of range");
  if (syslogtls_proxy_mode_parse(s.proxyProtocol.c_str(), &out.proxyProtocol) != SYSLOGTLS_OK) {
    bad("proxyProtocol", "unknown value '" + s.proxyProtocol + "' (expected off, v1, v2 or any)");
  } else if (out.proxyProtocol != SYSLOGTLS_PROXY_OFF && s.proxyTrustedSources.empty()) {
    bad("proxyProtocol.trustedSources",
        "required with proxyProtocol=\"" + s.proxyProtocol +
            "\": the addresses or CIDR ranges of the load balancers allowed to send the PROXY protocol header");
  }
  for (const std::string& src : s.proxyTrustedSources) {
    if (syslogtls_proxy_source_check(src.c_str()) != SYSLOGTLS_OK) bad("proxyProtocol.trustedSources", syslogtls_errmsg());
  }
  if (s.tls) {
    const host::TlsValues& t = s.tlsValues;
    std::string err;
    if (!host::tlsAuthMode(t, t.permittedPeers ? "x509/name" : "x509/certvalid", out.authMode, err))
      bad.line(err);
    // Certificate and key (required for the server role) are checked once,
    // by the runtime, when the Listener loads them.
  }
  out.addPeerMetadata = s.tlsValues.addPeerMetadata.value_or(false);
  const std::string check = s.tlsValues.hostnameCheck.value_or("off");
  if (!parseHostnameCheck(check, out.hostnameCheck)) {
    bad("tls.hostnameCheck", "unknown value '" + check + "' (expected off, warn, tag, enforce or replace)");
  } else if (out.hostnameCheck != HostnameCheck::kOff && (!s.tls || out.authMode == SYSLOGTLS_AUTH_ANON)) {
    host::logWarning(rs::NO_ERRCODE,
                     "imtls: input '%s': parameter 'tls.hostnameCheck': has no effect with %s: no client "
                     "certificate is checked, so no HOSTNAME is",
                     s.name.c_str(), s.tls ? "tls.authMode=\"anon\"" : "tls=\"off\"");
  }
  return bad.ok();
}

bool validateModule(const Settings& s) {
  if (s.drainTimeout < 0 || s.drainTimeout > 60000) {
    host::logError(rs::RS_RET_CONF_PARAM_INVLD,
                   "imtls: module(): parameter 'drainTimeout': out of range (was %lld, allowed 0-60000 ms); using 800",
                   s.drainTimeout);
    return false;
  }
  return true;
}

}  // namespace imtls
