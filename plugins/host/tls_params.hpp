// tls_params.hpp - the tls.* parameters of imtls and omtls: one table, one
// rule for module() defaults, one builder of the runtime's TLS config.
//
// Adding a tls.* parameter = its field in TlsValues and one row in
// kTlsParams naming the runtime's setter; table, inheritance and builder
// derive the rest.
//
// Concurrency & Locking: the table is constant; parsing and inheritance run
// on rsyslog's main thread during config load; buildTlsConfig also runs on
// the certificate watcher thread (reloads, host::Credentials) and shares
// nothing between calls.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "params.hpp"
#include "syslogtls.h"
#include "syslogtls_ptr.hpp"

namespace host {

// Where a row applies (bit set).
enum TlsScope : unsigned {
  kTlsInput = 1u,   // imtls input()
  kTlsAction = 2u,  // omtls action()
  kTlsModule = 4u,  // also in module(), as the default of every instance
};

// tls.* values as given in one module(), input() or action().
// std::nullopt = not given there.
struct TlsValues {
  std::optional<bool> acceptWildcardCertificates;  // default on (runtime default)
  std::optional<bool> sessionResumption;           // default on (runtime default)
  std::optional<std::string> caFile, certFile, keyFile, crlFile, authMode, priorityString, serverName;
  std::optional<std::vector<std::string>> permittedPeers;
  std::optional<long long> handshakeTimeout;  // seconds
  // Certificate lifecycle, read by host::Credentials (no runtime setting).
  std::optional<long long> reloadCheckInterval;  // seconds, 0 = off
  std::optional<long long> expiryWarningDays;    // days, 0 = no warnings
  // imtls only, read by the module itself (no runtime setting).
  std::optional<bool> addPeerMetadata;
  std::optional<std::string> hostnameCheck;  // off|warn|tag|enforce|replace, checked by imtls
};

// The one inheritance rule, per field: a value given in the instance wins,
// else the module() value; an empty string (or list) clears the module()
// value.
template <typename T>
std::optional<T> pickTls(const std::optional<T>& instance, const std::optional<T>& module) {
  const std::optional<T>& v = instance ? instance : module;
  if constexpr (!std::is_arithmetic_v<T>) {
    if (v && v->empty()) return std::nullopt;
  }
  return v;
}

// Row building blocks, one instance per field.
template <auto Field>
void setTlsValue(TlsValues& t, const ParamValue& v) {
  typename std::remove_reference_t<decltype(t.*Field)>::value_type x{};
  v.to(x);
  t.*Field = std::move(x);
}
template <auto Field>
void inheritTlsValue(TlsValues& out, const TlsValues& instance, const TlsValues& module) {
  out.*Field = pickTls(instance.*Field, module.*Field);
}
// Hands a string value to the runtime's setter (nothing when unset).
template <auto Field, int (*Setter)(syslogtls_tls_config*, const char*)>
int loadTlsString(syslogtls_tls_config* c, const TlsValues& v) {
  return (v.*Field) ? Setter(c, (v.*Field)->c_str()) : SYSLOGTLS_OK;
}
// Hands each entry of a list value to the runtime's adder.
template <auto Field, int (*Adder)(syslogtls_tls_config*, const char*)>
int loadTlsEach(syslogtls_tls_config* c, const TlsValues& v) {
  if (!(v.*Field)) return SYSLOGTLS_OK;
  for (const auto& e : *(v.*Field)) {
    const int rc = Adder(c, e.c_str());
    if (rc != SYSLOGTLS_OK) return rc;
  }
  return SYSLOGTLS_OK;
}
int loadTlsHandshakeTimeout(syslogtls_tls_config* c, const TlsValues& v);  // seconds -> ms
int loadTlsAcceptWildcard(syslogtls_tls_config* c, const TlsValues& v);
int loadTlsSessionResumption(syslogtls_tls_config* c, const TlsValues& v);

using TlsLoadFn = int (*)(syslogtls_tls_config*, const TlsValues&);

struct TlsParamRow {
  const char* name;
  rs::ecslCmdHdrlType type;
  unsigned scope;               // TlsScope bits
  int setting;                  // SYSLOGTLS_SETTING_* the runtime reports for it
  const char* contractDefault;  // as documented in the README
  void (*apply)(TlsValues&, const ParamValue&);                        // store a given value
  void (*inherit)(TlsValues&, const TlsValues&, const TlsValues&);     // the rule above
  TlsLoadFn load;  // into the runtime config; nullptr = the role decides (authMode, serverName)
};

template <auto Field, TlsLoadFn Load>
constexpr TlsParamRow tlsRow(const char* name, rs::ecslCmdHdrlType type, unsigned scope, int setting,
                             const char* contractDefault) {
  return TlsParamRow{name, type, scope, setting, contractDefault, &setTlsValue<Field>, &inheritTlsValue<Field>, Load};
}

constexpr unsigned kTlsAll = kTlsInput | kTlsAction | kTlsModule;

// Every tls.* parameter of both modules: one row each.
inline constexpr TlsParamRow kTlsParams[] = {
    tlsRow<&TlsValues::caFile, &loadTlsString<&TlsValues::caFile, &syslogtls_tls_config_set_ca_file>>(
        "tls.caFile", rs::eCmdHdlrString, kTlsAll, SYSLOGTLS_SETTING_CA_FILE, "none"),
    tlsRow<&TlsValues::certFile, &loadTlsString<&TlsValues::certFile, &syslogtls_tls_config_set_cert_file>>(
        "tls.certFile", rs::eCmdHdlrString, kTlsAll, SYSLOGTLS_SETTING_CERT_FILE, "none"),
    tlsRow<&TlsValues::keyFile, &loadTlsString<&TlsValues::keyFile, &syslogtls_tls_config_set_key_file>>(
        "tls.keyFile", rs::eCmdHdlrString, kTlsAll, SYSLOGTLS_SETTING_KEY_FILE, "none"),
    tlsRow<&TlsValues::crlFile, &loadTlsString<&TlsValues::crlFile, &syslogtls_tls_config_set_crl_file>>(
        "tls.crlFile", rs::eCmdHdlrString, kTlsAll, SYSLOGTLS_SETTING_CRL_FILE, "none"),
    tlsRow<&TlsValues::authMode, nullptr>(  // parsed with the role's default (tlsAuthMode)
        "tls.authMode", rs::eCmdHdlrGetWord, kTlsAll, SYSLOGTLS_SETTING_AUTH_MODE, "by role"),
    tlsRow<&TlsValues::permittedPeers,
           &loadTlsEach<&TlsValues::permittedPeers, &syslogtls_tls_config_add_permitted_peer>>(
        "tls.permittedPeer", rs::eCmdHdlrArray, kTlsAll, SYSLOGTLS_SETTING_PERMITTED_PEER, "none"),
    tlsRow<&TlsValues::acceptWildcardCertificates, &loadTlsAcceptWildcard>(  // RFC 5425 5.2
        "tls.acceptWildcardCertificates", rs::eCmdHdlrBinary, kTlsAll, SYSLOGTLS_SETTING_ACCEPT_WILDCARD, "on"),
    tlsRow<&TlsValues::sessionResumption, &loadTlsSessionResumption>(  // imtls: tickets; omtls: resumes
        "tls.sessionResumption", rs::eCmdHdlrBinary, kTlsAll, SYSLOGTLS_SETTING_NONE, "on"),
    tlsRow<&TlsValues::priorityString,
           &loadTlsString<&TlsValues::priorityString, &syslogtls_tls_config_set_priority>>(
        "tls.priorityString", rs::eCmdHdlrString, kTlsAll, SYSLOGTLS_SETTING_PRIORITY, "SYSLOGTLS_DEFAULT_PRIORITY"),
    tlsRow<&TlsValues::handshakeTimeout, &loadTlsHandshakeTimeout>(  // range checked by role
        "tls.handshakeTimeout", rs::eCmdHdlrNonNegInt, kTlsAll, SYSLOGTLS_SETTING_HANDSHAKE_TIMEOUT, "10"),
    tlsRow<&TlsValues::reloadCheckInterval, nullptr>(  // host::Credentials: poll the files
        "tls.reloadCheckInterval", rs::eCmdHdlrNonNegInt, kTlsAll, SYSLOGTLS_SETTING_NONE, "0"),
    tlsRow<&TlsValues::expiryWarningDays, nullptr>(  // host::Credentials: own, CA and peer certificates
        "tls.expiryWarningDays", rs::eCmdHdlrNonNegInt, kTlsAll, SYSLOGTLS_SETTING_NONE, "30"),
    tlsRow<&TlsValues::serverName, nullptr>(  // omtls: SNI and default permitted peer
        "tls.serverName", rs::eCmdHdlrGetWord, kTlsAction, SYSLOGTLS_SETTING_NONE, "the target"),
    tlsRow<&TlsValues::addPeerMetadata, nullptr>(  // imtls: $!metadata!tls_* on every message
        "tls.addPeerMetadata", rs::eCmdHdlrBinary, kTlsInput | kTlsModule, SYSLOGTLS_SETTING_NONE, "off"),
    tlsRow<&TlsValues::hostnameCheck, nullptr>(  // imtls: HOSTNAME versus certificate policy
        "tls.hostnameCheck", rs::eCmdHdlrGetWord, kTlsInput | kTlsModule, SYSLOGTLS_SETTING_NONE, "off"),
};
inline constexpr std::size_t kTlsParamCount = sizeof kTlsParams / sizeof kTlsParams[0];

// The parameter name of a runtime setting ("tls.caFile" for
// SYSLOGTLS_SETTING_CA_FILE); nullptr if no row has it.
const char* tlsParamName(int setting) noexcept;

// Every row's inherit (pickTls): the instance's resolved values.
TlsValues inheritTls(const TlsValues& instance, const TlsValues& module);

// The role-specific part of a TLS config.
struct TlsRole {
  int role;                      // SYSLOGTLS_ROLE_*
  unsigned minHandshakeTimeout;  // seconds
  unsigned maxHandshakeTimeout;  // seconds
};

// Parses tls.authMode (fallback when not given). false with err =
// "parameter 'tls.authMode': ..." if unknown.
bool tlsAuthMode(const TlsValues& v, const std::string& fallback, int& mode, std::string& err);

// Turns resolved values (inheritTls applied) into a loaded runtime config
// (tls.serverName is the caller's: it is not part of the config). On failure
// returns null with err = "parameter '<name>': <the runtime's reason>".
TlsConfigPtr buildTlsConfig(const TlsRole& role, const TlsValues& v, int authMode, std::string& err);

namespace detail {
template <auto Member, typename S, std::size_t I>
void applyTlsRow(S& s, const ParamValue& v) {
  if constexpr (std::is_same_v<S, TlsValues>)
    kTlsParams[I].apply(s, v);
  else
    kTlsParams[I].apply(s.*Member, v);
}
template <auto Member, typename S, std::size_t... I>
void addTlsRows(std::vector<ParamEntry<S>>& out, unsigned scope, std::index_sequence<I...>) {
  ((void)((kTlsParams[I].scope & scope) == scope
              ? (out.push_back(ParamEntry<S>{kTlsParams[I].name, kTlsParams[I].type, 0, &applyTlsRow<Member, S, I>}),
                 0)
              : 0),
   ...);
}
}  // namespace detail

// own + the tls.* rows of scope (e.g. kTlsInput | kTlsModule), bound to the
// TlsValues member of S (Member = nullptr when S is TlsValues itself): the
// entries of one ParamTable<S>.
template <auto Member, typename S>
std::vector<ParamEntry<S>> withTlsParams(std::initializer_list<ParamEntry<S>> own, unsigned scope) {
  std::vector<ParamEntry<S>> out(own);
  detail::addTlsRows<Member, S>(out, scope, std::make_index_sequence<kTlsParamCount>{});
  return out;
}

}  // namespace host
