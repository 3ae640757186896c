// tls_params.hpp - the tls.* parameters of imtls and omtls: one table, one
// rule for module() defaults, one builder of the runtime's TLS config.
//
// Adding a tls.* parameter = one row in kTlsParams (plus a field in
// TlsValues and its runtime setter in buildTlsConfig).
//
// Concurrency & Locking: the table is constant; everything here runs on
// rsyslog's main thread during config load.
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
  std::optional<std::string> caFile, certFile, keyFile, authMode, priorityString, serverName;
  std::optional<std::vector<std::string>> permittedPeers;
  std::optional<long long> handshakeTimeout;  // seconds
};

// Stores one given value into its TlsValues field.
template <auto Field>
void setTlsValue(TlsValues& t, const ParamValue& v) {
  typename std::remove_reference_t<decltype(t.*Field)>::value_type x{};
  v.to(x);
  t.*Field = std::move(x);
}

struct TlsParamRow {
  const char* name;
  rs::ecslCmdHdrlType type;
  unsigned scope;            // TlsScope bits
  int setting;               // SYSLOGTLS_SETTING_* the runtime reports for it
  const char* contractDefault;  // as documented in the README
  void (*apply)(TlsValues&, const ParamValue&);
};

// Every tls.* parameter of both modules.
inline constexpr TlsParamRow kTlsParams[] = {
    // name                  type                 scope                                  runtime setting / default
    {"tls.caFile", rs::eCmdHdlrString, kTlsInput | kTlsAction | kTlsModule, SYSLOGTLS_SETTING_CA_FILE, "none",
     &setTlsValue<&TlsValues::caFile>},
    {"tls.certFile", rs::eCmdHdlrString, kTlsInput | kTlsAction | kTlsModule, SYSLOGTLS_SETTING_CERT_FILE, "none",
     &setTlsValue<&TlsValues::certFile>},
    {"tls.keyFile", rs::eCmdHdlrString, kTlsInput | kTlsAction | kTlsModule, SYSLOGTLS_SETTING_KEY_FILE, "none",
     &setTlsValue<&TlsValues::keyFile>},
    {"tls.authMode", rs::eCmdHdlrGetWord, kTlsInput | kTlsAction | kTlsModule, SYSLOGTLS_SETTING_AUTH_MODE,
     "by role", &setTlsValue<&TlsValues::authMode>},
    {"tls.permittedPeer", rs::eCmdHdlrArray, kTlsInput | kTlsAction | kTlsModule, SYSLOGTLS_SETTING_PERMITTED_PEER,
     "none", &setTlsValue<&TlsValues::permittedPeers>},
    {"tls.priorityString", rs::eCmdHdlrString, kTlsInput | kTlsAction | kTlsModule, SYSLOGTLS_SETTING_PRIORITY,
     "SYSLOGTLS_DEFAULT_PRIORITY", &setTlsValue<&TlsValues::priorityString>},
    {"tls.handshakeTimeout", rs::eCmdHdlrNonNegInt, kTlsInput | kTlsAction | kTlsModule,
     SYSLOGTLS_SETTING_HANDSHAKE_TIMEOUT, "10", &setTlsValue<&TlsValues::handshakeTimeout>},
    {"tls.serverName", rs::eCmdHdlrGetWord, kTlsAction, SYSLOGTLS_SETTING_NONE, "the target",
     &setTlsValue<&TlsValues::serverName>},
};
inline constexpr std::size_t kTlsParamCount = sizeof kTlsParams / sizeof kTlsParams[0];

// The parameter name of a runtime setting ("tls.caFile" for
// SYSLOGTLS_SETTING_CA_FILE); nullptr if no row has it.
const char* tlsParamName(int setting) noexcept;

// The one inheritance rule: a value given in the instance wins, else the
// module() value; an empty string (or list) clears the module() value.
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
