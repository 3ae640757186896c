// omtls_config.cpp - validates omtls action settings and loads the TLS policy of each target.
#include "omtls_config.hpp"

#include <arpa/inet.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <strings.h>
#include <type_traits>

namespace omtls {

namespace {

bool endsWithNoCase(const std::string& s, const char* suffix) {
  const std::size_t n = std::strlen(suffix);
  return s.size() >= n && strcasecmp(s.c_str() + (s.size() - n), suffix) == 0;
}

// "name 'x': reason" for files that must be readable at config time.
bool checkReadable(const char* param, const std::string& path, std::string& err) {
  if (access(path.c_str(), R_OK) == 0) return true;
  const int e = errno;
  err = std::string("parameter '") + param + "': cannot read '" + path + "': " + std::strerror(e);
  return false;
}

std::string lastError(int rc) {
  const char* m = syslogtls_errmsg();
  if (m != nullptr && *m != '\0') return m;
  return syslogtls_strerror(rc);
}

// Resolves one tls.* value: the action's, else the module default. An
// empty string given in the action clears a module default (e.g.
// tls.certFile="" = no client certificate for this action).
template <typename T>
std::optional<T> pick(const std::optional<T>& action, const std::optional<T>& module) {
  const std::optional<T>& v = action ? action : module;
  if constexpr (!std::is_arithmetic_v<T>) {
    if (v && v->empty()) return std::nullopt;
  }
  return v;
}

}  // namespace

bool isIpLiteral(const std::string& host) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool isLoopbackTarget(const std::string& host) {
  if (strcasecmp(host.c_str(), "localhost") == 0 || strcasecmp(host.c_str(), "localhost.") == 0 ||
      strcasecmp(host.c_str(), "ip6-localhost") == 0 || endsWithNoCase(host, ".localhost"))
    return true;
  struct in_addr a4;
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  struct in6_addr a6;
  if (inet_pton(AF_INET6, host.c_str(), &a6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&a6)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&a6)) return a6.s6_addr[12] == 127;
  }
  return false;
}

std::unique_ptr<ActionConfig> ActionConfig::build(const ActionSettings& s, const TlsDefaults& md, std::string& err,
                                                  std::vector<std::string>& warnings) {
  std::unique_ptr<ActionConfig> c(new ActionConfig());

  // target
  if (s.targets.empty()) {
    err = "parameter 'target' is required (host name or IP address of the receiver)";
    return nullptr;
  }
  std::vector<std::string> hosts;
  for (std::string t : s.targets) {
    if (t.size() > 2 && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2);  // "[::1]"
    if (t.empty()) {
      err = "parameter 'target': empty host name";
      return nullptr;
    }
    hosts.push_back(std::move(t));
  }
  // port
  if (s.port < 1 || s.port > 65535) {
    err = "parameter 'port': " + std::to_string(s.port) + " is out of range (1-65535)";
    return nullptr;
  }
  c->port_ = static_cast<unsigned>(s.port);
  // framing
  int framing = 0;
  if (syslogtls_framing_parse(s.framing.c_str(), &framing) != SYSLOGTLS_OK ||
      (framing != SYSLOGTLS_FRAMING_OCTET_COUNTED && framing != SYSLOGTLS_FRAMING_LF)) {
    err = "parameter 'framing': unknown value '" + s.framing + "' (use octet-counted or lf)";
    return nullptr;
  }
  c->framing_ = framing;
  // timeouts and counters
  if (s.connectTimeout == 0) {
    err = "parameter 'connectTimeout': must be at least 1 second";
    return nullptr;
  }
  c->connectTimeoutMs_ = s.connectTimeout * 1000u;
  c->failbackIntervalMs_ = s.failbackInterval * 1000u;
  c->rebindInterval_ = s.rebindInterval;
  c->keepAlive_ = s.keepAlive;
  c->templateName_ = s.templateName.empty() ? "RSYSLOG_SyslogProtocol23Format" : s.templateName;
  c->statsName_ = "omtls(" + (s.actionName.empty() ? hosts.front() : s.actionName) + ")";
  c->tls_ = s.tls;

  if (!s.tls) {
    for (const auto& t : hosts) {
      if (!isLoopbackTarget(t)) {
        err = "parameter 'tls': \"off\" is allowed only toward a loopback target, not '" + t +
              "' (messages would cross the network in clear text)";
        return nullptr;
      }
    }
    for (const auto& t : hosts) c->targets_.push_back(Target{t, t, nullptr, false});
    warnings.push_back("omtls: tls=\"off\": sending in clear text to " + c->describe());
    return c;
  }

  // tls.* values: action, else module default, else contract default.
  const TlsDefaults& a = s.tlsSettings;
  const auto caFile = pick(a.caFile, md.caFile);
  const auto certFile = pick(a.certFile, md.certFile);
  const auto keyFile = pick(a.keyFile, md.keyFile);
  const std::string authText = pick(a.authMode, md.authMode).value_or("x509/name");
  const auto priority = pick(a.priorityString, md.priorityString);
  const auto peers = pick(a.permittedPeers, md.permittedPeers);
  const unsigned hsTimeout = pick(a.handshakeTimeout, md.handshakeTimeout).value_or(10u);

  int auth = 0;
  if (syslogtls_auth_mode_parse(authText.c_str(), &auth) != SYSLOGTLS_OK) {
    err = "parameter 'tls.authMode': unknown value '" + authText +
          "' (use x509/name, x509/certvalid, x509/fingerprint or anon)";
    return nullptr;
  }
  if (hsTimeout == 0) {
    err = "parameter 'tls.handshakeTimeout': must be at least 1 second";
    return nullptr;
  }
  if ((auth == SYSLOGTLS_AUTH_X509_NAME || auth == SYSLOGTLS_AUTH_X509_CERTVALID) && !caFile) {
    err = "parameter 'tls.caFile' is required with tls.authMode=\"" + authText +
          "\" (the CA that signed the server's certificate)";
    return nullptr;
  }
  if (auth == SYSLOGTLS_AUTH_X509_FINGERPRINT && (!peers || peers->empty())) {
    err = "parameter 'tls.permittedPeer' is required with tls.authMode=\"x509/fingerprint\" "
          "(the server certificate's SHA-256 or SHA-1 fingerprint)";
    return nullptr;
  }
  if (certFile.has_value() != keyFile.has_value()) {
    err = std::string("parameter '") + (certFile ? "tls.keyFile" : "tls.certFile") +
          "' is missing: tls.certFile and tls.keyFile must be given together";
    return nullptr;
  }
  if (caFile && !checkReadable("tls.caFile", *caFile, err)) return nullptr;
  if (certFile && !checkReadable("tls.certFile", *certFile, err)) return nullptr;
  if (keyFile && !checkReadable("tls.keyFile", *keyFile, err)) return nullptr;
  if (auth == SYSLOGTLS_AUTH_ANON)
    warnings.push_back("omtls: tls.authMode=\"anon\": the server's certificate is NOT checked toward " +
                       std::string(hosts.front()) + "; anyone on the path can read and alter the messages");

  for (const auto& host : hosts) {
    Target t;
    t.host = host;
    t.serverName = s.serverName && !s.serverName->empty() ? *s.serverName : host;
    syslogtls_tls_config* raw = nullptr;
    int rc = syslogtls_tls_config_new(&raw, SYSLOGTLS_ROLE_CLIENT);
    if (rc != SYSLOGTLS_OK) {
      err = "cannot create the TLS configuration: " + lastError(rc);
      return nullptr;
    }
    t.tls.reset(raw);
    t.hasClientCert = certFile.has_value();
    const auto fail = [&](const char* param, int code) {
      err = std::string("parameter '") + param + "': " + lastError(code);
      return nullptr;
    };
    if (caFile && (rc = syslogtls_tls_config_set_ca_file(raw, caFile->c_str())) != SYSLOGTLS_OK)
      return fail("tls.caFile", rc);
    if (certFile && (rc = syslogtls_tls_config_set_cert_file(raw, certFile->c_str())) != SYSLOGTLS_OK)
      return fail("tls.certFile", rc);
    if (keyFile && (rc = syslogtls_tls_config_set_key_file(raw, keyFile->c_str())) != SYSLOGTLS_OK)
      return fail("tls.keyFile", rc);
    if ((rc = syslogtls_tls_config_set_priority(raw, priority ? priority->c_str() : nullptr)) != SYSLOGTLS_OK)
      return fail("tls.priorityString", rc);
    if ((rc = syslogtls_tls_config_set_auth_mode(raw, auth)) != SYSLOGTLS_OK) return fail("tls.authMode", rc);
    if ((rc = syslogtls_tls_config_set_handshake_timeout(raw, hsTimeout * 1000u)) != SYSLOGTLS_OK)
      return fail("tls.handshakeTimeout", rc);
    if (peers) {
      for (const auto& p : *peers)
        if ((rc = syslogtls_tls_config_add_permitted_peer(raw, p.c_str())) != SYSLOGTLS_OK)
          return fail("tls.permittedPeer", rc);
    } else if (auth == SYSLOGTLS_AUTH_X509_NAME && t.serverName != host) {
      // Default permitted peer = the target name, even when the SNI differs.
      if ((rc = syslogtls_tls_config_add_permitted_peer(raw, host.c_str())) != SYSLOGTLS_OK)
        return fail("target", rc);
    }
    if ((rc = syslogtls_tls_config_load(raw)) != SYSLOGTLS_OK) {
      err = "TLS settings (tls.*) rejected: " + lastError(rc);
      return nullptr;
    }
    c->targets_.push_back(std::move(t));
  }
  return c;
}

std::string ActionConfig::describe() const {
  std::string d = "target '" + (targets_.empty() ? std::string() : targets_.front().host) + "'";
  if (targets_.size() > 1) {
    d += " (failover:";
    for (std::size_t i = 1; i < targets_.size(); ++i) d += (i > 1 ? ", '" : " '") + targets_[i].host + "'";
    d += ")";
  }
  d += " port " + std::to_string(port_);
  return d;
}

}  // namespace omtls
