// omtls_sender.cpp - one worker's TLS connection: connect through the failover list, write batches, recover.
//
// Concurrency & Locking: see omtls_sender.hpp (one worker thread per Sender;
// shared state only through ActionShared).
#include "omtls_sender.hpp"

#include <algorithm>
#include <thread>
#include <chrono>
#include <cstring>

namespace omtls {

namespace {

// The TLS stage failed (as opposed to reaching the server at all).
bool isHandshakeFailure(int reason) {
  switch (reason) {
    case SYSLOGTLS_REASON_HANDSHAKE_TIMEOUT:
    case SYSLOGTLS_REASON_UNTRUSTED:
    case SYSLOGTLS_REASON_NAME_MISMATCH:
    case SYSLOGTLS_REASON_FINGERPRINT_MISMATCH:
    case SYSLOGTLS_REASON_EXPIRED:
    case SYSLOGTLS_REASON_NOT_YET_VALID:
    case SYSLOGTLS_REASON_REVOKED:
    case SYSLOGTLS_REASON_NO_CERTIFICATE:
    case SYSLOGTLS_REASON_PLAINTEXT:
    case SYSLOGTLS_REASON_REJECTED_BY_PEER:
    case SYSLOGTLS_REASON_TLS_PROTOCOL:
    case SYSLOGTLS_REASON_CERT_INVALID:
    case SYSLOGTLS_REASON_WILDCARD_REFUSED:
      return true;
    default:
      return false;
  }
}

std::string orEmpty(const char* s) { return s != nullptr ? s : ""; }

}  // namespace

Sender::Sender(const ActionConfig& cfg, ActionShared& shared, Now now)
    : cfg_(cfg),
      sh_(shared),
      now_(std::move(now)),
      fo_(cfg.targets().size(), Millis(cfg.failbackIntervalMs())),
      batch_(cfg.framing()) {}

Sender::~Sender() { close(); }

bool Sender::aborted() const {
  const volatile int* f = sh_.abortFlag();
  return f != nullptr && *f != 0;
}

void Sender::pauseIfBackingOff() {
  if (fo_.mayAttempt(now_())) return;
  for (unsigned slept = 0; slept < kIdleCommitPauseMs && !aborted(); slept += 20)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

std::string Sender::where() const {
  const std::string& host = cfg_.targets()[fo_.current()].host;
  if (!client_) return "target '" + host + "'";
  return "target '" + host + "' (" + orEmpty(syslogtls_client_peer_ip(client_.get())) + ":" +
         std::to_string(syslogtls_client_peer_port(client_.get())) + ")";
}

ClientPtr Sender::connect(std::size_t idx, unsigned timeoutMs) {
  const Target& t = cfg_.targets()[idx];
  syslogtls_client* raw = nullptr;
  const host::SharedTlsConfig tls = cfg_.tlsConfig();  // the client keeps its own reference
  int rc = syslogtls_client_new(&raw, tls.get());
  if (rc != SYSLOGTLS_OK) {
    sh_.errorOnce(idx,
                  "omtls: cannot create a client for target '" + t.host + "': " + host::runtimeErrorText(rc));
    return nullptr;
  }
  ClientPtr cl(raw);
  syslogtls_client_set_abort_flag(cl.get(), sh_.abortFlag());
  if (cfg_.keepAlive()) syslogtls_client_set_keepalive(cl.get(), 1);
  rc = syslogtls_client_connect(cl.get(), t.host.c_str(), cfg_.port(), t.serverName.c_str(), timeoutMs);
  if (rc == SYSLOGTLS_OK) return cl;
  // A TLS 1.3 server refuses our certificate only after the handshake; the
  // runtime waits for that verdict inside connect and reports it here.
  std::string text = host::runtimeErrorText(rc);
  if (rc == SYSLOGTLS_E_REJECTED_BY_PEER)
    text += t.hasClientCert ? " (the server does not accept our client certificate?)"
                            : " (the server probably requires a client certificate: set tls.certFile and tls.keyFile)";
  bump(isHandshakeFailure(syslogtls_client_last_reason(cl.get())) ? sh_.counters.handshakeFailed
                                                                  : sh_.counters.connectFailed);
  if (rc != SYSLOGTLS_E_ABORTED)
    sh_.errorOnce(idx, "omtls: cannot connect to target '" + t.host + "' port " + std::to_string(cfg_.port()) +
                           ": " + text);
  return nullptr;
}

void Sender::adopt(ClientPtr cl, std::size_t idx) {
  client_ = std::move(cl);
  sentOnConn_ = 0;
  const bool changed = fo_.connectedTo(idx, now_());
  sh_.clearError(idx);
  bump(sh_.counters.connects);
  syslogtls_client* c = client_.get();
  std::string text = "omtls: connected to " + cfg_.targets()[idx].host + " (" +
                     orEmpty(syslogtls_client_peer_ip(c)) + ":" + std::to_string(syslogtls_client_peer_port(c)) + ")";
  if (cfg_.tls()) {
    text += ", " + orEmpty(syslogtls_client_tls_version(c)) + ", " + orEmpty(syslogtls_client_cipher(c)) +
            ", subject '" + orEmpty(syslogtls_client_peer_subject(c)) + "'";
    if (syslogtls_client_resumed(c) != 0) text += ", resumed";
    if (host::Credentials* cr = cfg_.credentials())
      cr->notePeer(syslogtls_client_peer_fingerprint(c), syslogtls_client_peer_subject(c),
                   "target '" + cfg_.targets()[idx].host + "'", syslogtls_client_peer_not_after(c), host::unixNow());
  } else {
    text += ", plaintext (tls=\"off\")";
  }
  sh_.log(Severity::Info, text);
  if (changed) {
    if (idx == 0)
      sh_.log(Severity::Info, "omtls: returned to primary target " + cfg_.targets()[0].host);
    else
      sh_.log(Severity::Warning, "omtls: switched to failover target " + cfg_.targets()[idx].host);
  }
}

bool Sender::runPass() {
  const TimePoint start = now_();
  if (!fo_.mayAttempt(start) || aborted()) return false;
  const std::size_t n = cfg_.targets().size();
  const std::size_t first = fo_.firstToTry(start);
  for (std::size_t k = 0; k < n; ++k) {
    if (aborted()) return false;
    const std::size_t i = (first + k) % n;
    ClientPtr cl = connect(i, cfg_.connectTimeoutMs());
    if (cl) {
      adopt(std::move(cl), i);
      return true;
    }
  }
  fo_.passFailed(now_());
  return false;
}

void Sender::failbackIfDue() {
  const TimePoint now = now_();
  if (!client_ || !fo_.failbackDue(now)) return;
  const unsigned timeout = std::min(cfg_.connectTimeoutMs(), kProbeTimeoutMs);
  for (std::size_t i = 0; i < fo_.current(); ++i) {
    ClientPtr cl = connect(i, timeout);
    if (cl) {
      syslogtls_client_close(client_.get(), kCloseTimeoutMs);
      client_.reset();
      adopt(std::move(cl), i);
      return;
    }
  }
  fo_.failbackFailed(now_());
}

void Sender::lost(const std::string& reason) {
  const std::size_t idx = fo_.current();
  sh_.errorOnce(idx,
                "omtls: connection to " + where() + " lost: " + reason +
                    "; the batch in flight stays queued and will be sent again",
                Severity::Warning);
  client_.reset();
  fo_.disconnected();
}

Sender::Result Sender::tryResume() {
  if (client_) {
    const int rc = syslogtls_client_check(client_.get());
    if (rc == SYSLOGTLS_OK) return Result::Ok;
    lost(host::runtimeErrorText(rc));
  }
  return runPass() ? Result::Ok : Result::Suspended;
}

Sender::Result Sender::begin() {
  if (client_ || runPass()) return Result::Ok;
  bump(sh_.counters.suspended);
  return Result::Suspended;
}

Sender::Result Sender::commit(const MsgView* msgs, std::size_t n) {
  if (n == 0) return Result::Ok;
  failbackIfDue();
  if (client_) {
    const int rc = syslogtls_client_check(client_.get());
    if (rc != SYSLOGTLS_OK) lost(host::runtimeErrorText(rc));
  }
  if (!client_ && !runPass()) {
    bump(sh_.counters.suspended);
    pauseIfBackingOff();
    return Result::Suspended;
  }

  const std::size_t framed = frameBatch(msgs, n);
  const int rc = batch_.size() == 0 ? SYSLOGTLS_OK
                                    : syslogtls_client_send(client_.get(), batch_.data(), batch_.size(), kSendTimeoutMs);
  if (rc != SYSLOGTLS_OK) {
    lost(host::runtimeErrorText(rc));
    batch_.trim();
    bump(sh_.counters.suspended);
    return Result::Suspended;
  }
  bump(sh_.counters.messagesSent, framed);
  bump(sh_.counters.messagesDropped, n - framed);
  bump(sh_.counters.bytesSent, batch_.size());
  batch_.trim();
  sentOnConn_ += framed;
  if (cfg_.rebindInterval() > 0 && sentOnConn_ >= cfg_.rebindInterval()) {
    // rebindInterval: start a new connection (and a new pass from the
    // primary) for the next batch.
    syslogtls_client_close(client_.get(), kCloseTimeoutMs);
    client_.reset();
    fo_.disconnected();
  }
  return Result::Ok;
}

// Frames the batch into batch_; returns how many messages it holds (the
// others could not be framed and are dropped, see BatchBuffer::Append).
std::size_t Sender::frameBatch(const MsgView* msgs, std::size_t n) {
  batch_.clear();
  std::size_t framed = 0;
  const std::string& host = cfg_.targets()[fo_.current()].host;
  for (std::size_t i = 0; i < n; ++i) {
    switch (batch_.append(msgs[i].data, msgs[i].len)) {
      case BatchBuffer::Append::LfReplaced:
        if (sh_.firstLfReplacement())
          sh_.log(Severity::Warning,
                  "omtls: a message to " + host +
                      " contained LF; with framing=\"lf\" each LF inside a message is sent as a space "
                      "(logged once; use framing=\"octet-counted\" to keep them)");
        ++framed;
        break;
      case BatchBuffer::Append::Dropped:
        if (sh_.firstDrop())
          sh_.log(Severity::Warning, "omtls: a message to " + host + " was dropped: " + batch_.why() +
                                         " (its template rendered it empty; counted in impstats counter "
                                         "messages.dropped; logged once)");
        break;
      case BatchBuffer::Append::Ok:
        ++framed;
        break;
    }
  }
  return framed;
}

void Sender::close() {
  if (!client_) return;
  syslogtls_client_close(client_.get(), kCloseTimeoutMs);
  client_.reset();
  fo_.disconnected();
}

}  // namespace omtls
