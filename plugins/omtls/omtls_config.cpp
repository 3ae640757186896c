// omtls_config.cpp - validates omtls action settings and loads the TLS policy of each target.
//
// Concurrency & Locking: build() runs on rsyslog's main thread (newActInst);
// the ActionConfig it returns is immutable and read by every worker.
#include "omtls_config.hpp"

#include "address.hpp"

namespace omtls {

namespace {

// An internationalised host name must convert to A-labels (RFC 5425 section
// 5.2; the runtime converts it again when it connects). false with err =
// "parameter 'PARAM': 'name': not a valid internationalised domain name ...".
bool checkHostName(const std::string& name, const char* param, std::string& err) {
  std::size_t len = 0;
  const int rc = syslogtls_host_to_ascii(name.c_str(), nullptr, 0, &len);
  if (rc == SYSLOGTLS_OK || rc == SYSLOGTLS_E_SPACE) return true;
  err = std::string("parameter '") + param + "': " + host::runtimeErrorText(rc);
  return false;
}

}  // namespace

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
    if (!checkHostName(t, "target", err)) return nullptr;
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
      if (!host::isLoopback(t)) {
        err = "parameter 'tls': \"off\" is allowed only toward a loopback target, not '" + t +
              "' (messages would cross the network in clear text)";
        return nullptr;
      }
    }
    for (const auto& t : hosts) c->targets_.push_back(Target{t, t, false});
    warnings.push_back("omtls: tls=\"off\": sending in clear text to " + c->describe());
    return c;
  }

  // tls.* values: action, else module default (the one rule of the host layer).
  const host::TlsValues v = host::inheritTls(s.tlsSettings, md);
  int auth = 0;
  if (!host::tlsAuthMode(v, "x509/name", auth, err)) return nullptr;
  if (auth == SYSLOGTLS_AUTH_ANON)
    warnings.push_back("omtls: tls.authMode=\"anon\": the server's certificate is NOT checked toward " +
                       std::string(hosts.front()) + "; anyone on the path can read and alter the messages");

  if (v.serverName && !checkHostName(*v.serverName, "tls.serverName", err)) return nullptr;
  // One config for every target: the name the certificate must match is
  // given at connect.
  c->creds_ = std::make_unique<host::Credentials>(
      "omtls: action '" + (s.actionName.empty() ? hosts.front() : s.actionName) + "'", kTlsRole, v, auth);
  if (!c->creds_->load(err)) return nullptr;
  for (const auto& host : hosts) {
    Target t;
    t.host = host;
    // tls.serverName is the SNI and, without tls.permittedPeer, the name
    // the server certificate must match (as curl and openssl do).
    t.serverName = v.serverName.value_or(host);
    t.hasClientCert = v.certFile.has_value();
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
