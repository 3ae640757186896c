// session.cpp - per-session identity metadata and HOSTNAME reports.
//
// Concurrency & Locking: see session.hpp.
#include "session.hpp"

#include "log.hpp"

namespace imtls {
namespace {

int matchPeerName(const void* conn, const char* name) {
  return syslogtls_conn_peer_name_matches(static_cast<const syslogtls_conn*>(conn), name);
}

const char* orNone(const std::string& s) { return s.empty() ? "none" : s.c_str(); }

}  // namespace

Session::Session(const syslogtls_conn* conn, const SessionOptions& o) {
  const std::string subject = syslogtls_conn_peer_subject(conn);
  const std::string fingerprint = syslogtls_conn_peer_fingerprint(conn);
  const bool certified = o.certificates && !fingerprint.empty();
  peerText_ = std::string(syslogtls_conn_peer_ip(conn)) + ":" + std::to_string(syslogtls_conn_peer_port(conn));
  if (certified) peerText_ += " (subject '" + subject + "')";
  if (certified) {
    cn_ = syslogtls_conn_peer_cn(conn);
    san_ = syslogtls_conn_peer_san(conn);
  }
  if (o.addPeerMetadata) {
    values_.reserve(8);  // the pointers below stay valid: no reallocation
    if (certified) {
      add("tls_peer_cn", cn_.c_str());
      add("tls_peer_subject", subject.c_str());
      add("tls_peer_san", san_.c_str());
      add("tls_peer_fingerprint", fingerprint.c_str());
      add("tls_peer_issuer", syslogtls_conn_peer_issuer(conn));
    }
    const char* version = syslogtls_conn_tls_version(conn);
    if (*version != '\0') {  // "" = plaintext (tls="off"): nothing at all
      add("tls_version", version);
      add("tls_cipher", syslogtls_conn_cipher(conn));
    }
    const char* proxy = syslogtls_conn_proxy_ip(conn);
    if (*proxy != '\0') add("proxy_peer", proxy);  // the balancer; fromhost-ip is the client
  }
  fixed_ = names_.size();
  names_.push_back(nullptr);  // the message's own entry
  valuePtrs_.push_back(nullptr);
  if (certified && o.hostnameCheck != HostnameCheck::kOff)
    policy_ = std::make_unique<HostnamePolicy>(o.hostnameCheck, &matchPeerName, conn,
                                               syslogtls_conn_peer_hostname(conn));
}

void Session::add(const char* name, const char* value) {
  values_.emplace_back(value);
  names_.push_back(name);
  valuePtrs_.push_back(values_.back().c_str());
}

rs::rsRetVal Session::attachMetadata(rs::smsg_t* m, const char* extraName, std::string_view extraValue) {
  std::size_t n = fixed_;
  if (extraName != nullptr) {
    extra_.assign(extraValue.data(), extraValue.size());
    names_[n] = extraName;
    valuePtrs_[n] = extra_.c_str();
    ++n;
  }
  return host::addMetadata(m, names_.data(), valuePtrs_.data(), static_cast<int>(n));
}

void Session::reportHostname(const HostnameDecision& d, const std::string& prefix) const {
  const HostnameCheck mode = policy_ ? policy_->mode() : HostnameCheck::kOff;
  const std::string claim = d.field.present ? "HOSTNAME '" + std::string(d.claimed) + "'" : "no HOSTNAME";
  std::string what;
  switch (d.action) {
    case HostnameDecision::kDrop:
      what = "dropped (counter hostname.dropped)";
      break;
    case HostnameDecision::kTag:
      what = "tagged with $!metadata!tls_hostname_mismatch";
      break;
    case HostnameDecision::kReplaced:
      what = "HOSTNAME replaced by '" + policy_->primaryName() + "', the original kept in $!metadata!tls_claimed_hostname";
      break;
    case HostnameDecision::kPass:
      what = d.unfit ? "left unchanged: the certificate's name '" + policy_->primaryName() + "' cannot stand as " +
                           (d.field.format == SyslogFormat::kRfc5424 ? "an RFC 5424" : "an RFC 3164") + " HOSTNAME"
                     : "counted (counter hostname.mismatch)";
      break;
  }
  const std::string line = prefix + "peer " + peerText_ + ", certificate CN '" + cn_ + "' SAN '" + orNone(san_) +
                           "': a message with " + claim + (d.field.present ? " that matches none of the certificate's names" : "") +
                           ": " + what + " (tls.hostnameCheck=\"" + hostnameCheckName(mode) +
                           "\"); further mismatches of this session are counted, not logged";
  if (d.action == HostnameDecision::kDrop)
    host::logError(rs::NO_ERRCODE, "%s", line.c_str());
  else
    host::logWarning(rs::NO_ERRCODE, "%s", line.c_str());
}

void Session::reportMetadataFailure(rs::rsRetVal rc, const std::string& prefix) {
  if (metadataFailureReported_) return;
  metadataFailureReported_ = true;
  host::logError(rc, "%speer %s: rsyslog could not attach the message metadata (error %d); such messages of this "
                 "session are dropped and counted in submit.refused",
                 prefix.c_str(), peerText_.c_str(), rc);
}

}  // namespace imtls
