// listener.cpp - one imtls input: TLS config, runtime server, frame submit.
//
// Concurrency & Locking: see listener.hpp. Callbacks (onOpen, onFrames,
// onClose, onLog) run on the runtime's event-loop threads behind their own
// exception firewall; they must never call back into the server.
#include "listener.hpp"

#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cert_watcher.hpp"
#include "core.hpp"
#include "firewall.hpp"
#include "log.hpp"
#include "session.hpp"

namespace imtls {
namespace {

// Callback firewall: logs like an entry point, never lets anything escape.
template <typename Fn>
void callbackGuard(const char* what, Fn&& fn) {
  (void)host::guarded(what, [&]() -> rs::rsRetVal {
    fn();
    return rs::RS_RET_OK;
  });
}

// Messages per hand-over to rsyslog's queue (see submit()).
constexpr short kSubmitChunk = 32;

}  // namespace

Listener::Listener(const ListenerConfig& cfg) : cfg_(cfg), logPrefix_("imtls[" + cfg.s.name + "]: ") {
  sessionOptions_.addPeerMetadata = cfg_.addPeerMetadata;
  sessionOptions_.hostnameCheck = cfg_.hostnameCheck;
  sessionOptions_.certificates = cfg_.s.tls && cfg_.authMode != SYSLOGTLS_AUTH_ANON;
  if (cfg_.s.tls) loadTls();
}

Listener::~Listener() {
  if (watched_) host::CertWatcher::instance().remove(creds_.get());  // no reload runs after this
  stop(0);
  stats_.reset();   // impstats reads the counters through pointers
  server_.reset();  // joins every runtime thread
  creds_.reset();
}

void Listener::loadTls() {
  std::string err;
  creds_ = std::make_unique<host::Credentials>("imtls: input '" + cfg_.s.name + "'", kTlsRole, cfg_.s.tlsValues,
                                               cfg_.authMode);
  if (!creds_->load(err)) {
    host::logError(rs::RS_RET_CONF_PARAM_INVLD, "imtls: input '%s': %s", cfg_.s.name.c_str(), err.c_str());
    throw host::Reported(rs::RS_RET_CONF_PARAM_INVLD);
  }
}

void Listener::reload() noexcept {
  if (creds_ == nullptr || server_ == nullptr) return;
  if (watched_) (void)host::guarded("doHUP", [&] { host::CertWatcher::instance().hup(creds_.get()); });
}

bool Listener::bindRuleset(rs::rsconf_t* conf) {
  if (cfg_.s.ruleset.empty()) return true;
  rs::rsRetVal r = host::findRuleset(conf, cfg_.s.ruleset, &ruleset_);
  if (r == rs::RS_RET_OK && ruleset_ != nullptr) return true;
  host::logError(rs::RS_RET_RULESET_NOT_FOUND, "imtls: input '%s': parameter 'ruleset': ruleset '%s' not found",
                 name().c_str(), cfg_.s.ruleset.c_str());
  return false;
}

bool Listener::bind() {
  const Settings& s = cfg_.s;
  syslogtls_server* raw = nullptr;
  auto failed = [&](const char* what, int rc) {
    const char* detail = syslogtls_errmsg();
    host::logError(rs::RS_RET_ERR, "imtls: input '%s': %s failed: %s%s%s", s.name.c_str(), what,
                   syslogtls_strerror(rc), detail && *detail ? ": " : "", detail ? detail : "");
    server_.reset();
    return false;
  };
  const host::SharedTlsConfig tls = creds_ ? creds_->current() : nullptr;
  int rc = syslogtls_server_new(&raw, tls.get());
  if (rc != SYSLOGTLS_OK) return failed("creating the server", rc);
  server_.reset(raw);
  const syslogtls_server_callbacks cb{&Listener::onOpen, &Listener::onFrames, &Listener::onClose, &Listener::onLog};
  if ((rc = syslogtls_server_set_address(raw, s.address.empty() ? nullptr : s.address.c_str(), cfg_.port)) ||
      (rc = syslogtls_server_set_framing(raw, cfg_.framing)) ||
      (rc = syslogtls_server_set_max_frame(raw, static_cast<size_t>(s.maxFrameSize), cfg_.oversize)) ||
      (rc = syslogtls_server_set_max_sessions(raw, static_cast<unsigned>(s.maxSessions))) ||
      (rc = syslogtls_server_set_max_pending_handshakes(raw, static_cast<unsigned>(s.maxPendingHandshakes))) ||
      (rc = syslogtls_server_set_max_sessions_per_peer(raw, static_cast<unsigned>(s.maxSessionsPerPeer))) ||
      (rc = syslogtls_server_set_backlog(raw, backlog())) ||
      (rc = syslogtls_server_set_idle_timeout(raw, static_cast<unsigned>(s.idleTimeout))) ||
      (rc = syslogtls_server_set_keepalive(raw, s.keepAlive ? 1 : 0)) ||
      (rc = syslogtls_server_set_session_log(raw, s.sessionLog ? 1 : 0)) ||
      (rc = syslogtls_server_set_proxy_protocol(raw, cfg_.proxyProtocol)) ||
      (rc = syslogtls_server_set_callbacks(raw, &cb, this))) {
    return failed("configuring the server", rc);
  }
  for (const std::string& src : s.proxyTrustedSources) {
    if ((rc = syslogtls_server_add_proxy_trusted_source(raw, src.c_str())) != SYSLOGTLS_OK)
      return failed("configuring the server", rc);
  }
  if ((rc = syslogtls_server_listen(raw)) != SYSLOGTLS_OK) return failed("listening", rc);
  const unsigned port = syslogtls_server_port(raw);
  if (!s.listenPortFileName.empty() && !writePortFile(port)) {
    server_.reset();
    return false;
  }
  host::logDebug("imtls: input '%s' listening on %s port %u", s.name.c_str(),
                 s.address.empty() ? "all addresses" : s.address.c_str(), port);
  return true;
}

// socketBacklog, capped by net.core.somaxconn (the kernel would cap it
// silently; the cap is logged once when it applies).
unsigned Listener::backlog() const {
  const unsigned wanted = static_cast<unsigned>(cfg_.s.socketBacklog);
  unsigned cap = 0;
  if (FILE* f = std::fopen("/proc/sys/net/core/somaxconn", "r")) {
    if (std::fscanf(f, "%u", &cap) != 1) cap = 0;
    std::fclose(f);
  }
  if (cap == 0 || wanted <= cap) return wanted;
  host::logWarning(rs::NO_ERRCODE,
                   "imtls: input '%s': parameter 'socketBacklog': %u is above net.core.somaxconn; using %u",
                   name().c_str(), wanted, cap);
  return cap;
}

bool Listener::writePortFile(unsigned port) {
  const std::string& path = cfg_.s.listenPortFileName;
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  FILE* f = std::fopen(tmp.c_str(), "w");
  bool ok = f != nullptr && std::fprintf(f, "%u\n", port) > 0;
  if (f != nullptr && std::fclose(f) != 0) ok = false;
  if (ok && std::rename(tmp.c_str(), path.c_str()) == 0) return true;
  const int err = errno;
  std::remove(tmp.c_str());
  host::logError(rs::RS_RET_ERR, "imtls: input '%s': parameter 'listenPortFileName': cannot write '%s': %s",
                 name().c_str(), path.c_str(), std::strerror(err));
  return false;
}

void Listener::activate() {
  inputName_ = host::Prop(cfg_.s.name);
  ratelimiter_ = std::make_unique<host::RateLimiter>("imtls", cfg_.s.name,
                                                     static_cast<unsigned>(cfg_.s.rateLimitInterval),
                                                     static_cast<unsigned>(cfg_.s.rateLimitBurst), true);
  auto stats = std::make_unique<host::StatsObj>("imtls(" + cfg_.s.name + ")", "imtls");
  stats->addCounter("submitted", &submitted_, true);
  stats->addCounter("submit.refused", &refused_, true);
  stats->addCounter("hostname.mismatch", &hostnameMismatch_, true);
  stats->addCounter("hostname.dropped", &hostnameDropped_, true);
  stats->addCounter("hostname.replaced", &hostnameReplaced_, true);
  stats->addGauge("cert.expiresInDays", creds_ ? creds_->expiresInDaysGauge() : &noCertGauge_);
  static const struct {
    const char* name;
    int id;
  } kCounters[] = {
      {"sessions.opened", SYSLOGTLS_CTR_SESSIONS_OPENED},   {"sessions.closed", SYSLOGTLS_CTR_SESSIONS_CLOSED},
      {"sessions.refused", SYSLOGTLS_CTR_SESSIONS_REFUSED}, {"handshake.failed", SYSLOGTLS_CTR_HANDSHAKE_FAILED},
      {"frames.oversize", SYSLOGTLS_CTR_FRAMES_OVERSIZE},   {"frames.invalid", SYSLOGTLS_CTR_FRAMES_INVALID},
      {"bytes.received", SYSLOGTLS_CTR_BYTES_RECEIVED},     {"sessions.drainTimeout", SYSLOGTLS_CTR_DRAIN_TIMEOUT},
      {"handshake.evicted", SYSLOGTLS_CTR_HANDSHAKE_EVICTED}, {"log.suppressed", SYSLOGTLS_CTR_LOG_SUPPRESSED},
      {"sessions.resumed", SYSLOGTLS_CTR_SESSIONS_RESUMED},
      {"proxy.healthchecks", SYSLOGTLS_CTR_PROXY_HEALTHCHECKS}, {"proxy.invalid", SYSLOGTLS_CTR_PROXY_INVALID},
  };
  if (server_ != nullptr) {
    for (const auto& c : kCounters) stats->addCounter(c.name, syslogtls_server_counter(server_.get(), c.id), false);
  }
  stats->finalize();
  stats_ = std::move(stats);
  if (creds_ != nullptr && server_ != nullptr) {
    syslogtls_server* srv = server_.get();
    creds_->setApply([srv](syslogtls_tls_config* c) { return syslogtls_server_set_tls_config(srv, c); });
    creds_->announce(host::unixNow());
    host::CertWatcher::instance().add(creds_.get());
    watched_ = true;
  }
  if (cfg_.s.tls && cfg_.authMode == SYSLOGTLS_AUTH_ANON) {
    host::logWarning(rs::NO_ERRCODE,
                     "imtls: input '%s': tls.authMode=\"anon\": client certificates are NOT checked; any client "
                     "can send messages",
                     name().c_str());
  }
}

bool Listener::start() {
  if (server_ == nullptr) return false;
  const int rc = syslogtls_server_start(server_.get());
  if (rc == SYSLOGTLS_OK) return true;
  const char* detail = syslogtls_errmsg();
  host::logError(rs::RS_RET_ERR, "imtls: input '%s': starting the server failed: %s%s%s", name().c_str(),
                 syslogtls_strerror(rc), detail && *detail ? ": " : "", detail ? detail : "");
  return false;
}

void Listener::stop(unsigned drainMs) noexcept {
  stopping_.store(true, std::memory_order_relaxed);
  if (server_ != nullptr) syslogtls_server_stop(server_.get(), drainMs);
  // stop() may run twice (runInput, then teardown): report each count once.
  const uint64_t refused = __atomic_load_n(&refused_, __ATOMIC_RELAXED);
  if (refused != reportedRefused_) {
    reportedRefused_ = refused;
    host::logError(rs::RS_RET_ERR,
                   "imtls: input '%s': %llu message(s) read from senders were dropped: rsyslog's queue refused "
                   "them (impstats counter submit.refused)",
                   name().c_str(), static_cast<unsigned long long>(refused));
  }
}

int Listener::onOpen(syslogtls_conn* conn, void* user) {
  auto* self = static_cast<Listener*>(user);
  int result = 1;  // refuse the session if we cannot set it up
  callbackGuard("session open", [&] {
    syslogtls_conn_set_userdata(conn, new Session(conn, self->sessionOptions_));
    result = 0;
    if (self->creds_ != nullptr && self->sessionOptions_.certificates) {
      const char* ip = syslogtls_conn_peer_ip(conn);
      self->creds_->notePeer(syslogtls_conn_peer_fingerprint(conn), syslogtls_conn_peer_subject(conn),
                             std::string(ip != nullptr ? ip : "") + ":" +
                                 std::to_string(syslogtls_conn_peer_port(conn)),
                             syslogtls_conn_peer_not_after(conn), host::unixNow());
    }
  });
  return result;
}

void Listener::onClose(syslogtls_conn* conn, void*) {
  callbackGuard("session close", [&] {
    auto* st = static_cast<Session*>(syslogtls_conn_userdata(conn));
    syslogtls_conn_set_userdata(conn, nullptr);
    delete st;
  });
}

int Listener::onFrames(syslogtls_conn* conn, const syslogtls_frame* frames, size_t n, void* user) {
  auto* self = static_cast<Listener*>(user);
  int result = SYSLOGTLS_FRAMES_CONTINUE;
  callbackGuard("submit", [&] { result = self->submit(conn, frames, n); });
  return result;
}

int Listener::submit(syslogtls_conn* conn, const syslogtls_frame* frames, size_t n) {
  auto* st = static_cast<Session*>(syslogtls_conn_userdata(conn));
  if (st == nullptr) {  // no on_open seen: keep the state for the rest of the session
    st = new Session(conn, sessionOptions_);
    syslogtls_conn_set_userdata(conn, st);
  }
  // The peer IP is also the host name: no DNS lookups on the event loop.
  const char* ip = syslogtls_conn_peer_ip(conn);
  if (ip == nullptr) ip = "";
  const int ipLen = static_cast<int>(std::strlen(ip));
  const auto* ipU = reinterpret_cast<const rs::uchar*>(ip);
  uint64_t queued = 0;
  // Back-pressure: each message waits while the queue is at its full-delay
  // mark (eFLOWCTL_FULL_DELAY), so the loop stops reading and TCP holds the
  // sender back, instead of rsyslog dropping it after queue.timeoutEnqueue.
  // rsyslog wakes its queue workers only when a hand-over ends: small
  // hand-overs keep a worker woken while this thread waits.
  host::SubmitBatch batch(ratelimiter_ ? ratelimiter_->get() : nullptr, kSubmitChunk);
  // The frames of one call came in one read: they share its received time.
  const host::RcvTime received = host::RcvTime::now();
  HostnamePolicy* const policy = st->hostnamePolicy();
  for (size_t i = 0; i < n; ++i) {
    if (frames[i].len == 0) continue;
    const char* raw = frames[i].data;
    size_t rawLen = frames[i].len;
    const char* extraName = nullptr;  // the message's own metadata entry
    std::string_view extraValue;
    if (policy != nullptr) {
      const HostnameDecision d = policy->decide(raw, rawLen);
      if (d.mismatch) {
        host::bump(hostnameMismatch_);
        if (d.firstReport) st->reportHostname(d, logPrefix_);
      }
      if (d.action == HostnameDecision::kDrop) {
        host::bump(hostnameDropped_);
        continue;
      }
      if (d.action == HostnameDecision::kTag) {
        extraName = "tls_hostname_mismatch";
        extraValue = "1";
      } else if (d.action == HostnameDecision::kReplaced) {
        host::bump(hostnameReplaced_);
        extraName = "tls_claimed_hostname";
        extraValue = d.claimed;  // in the frame, valid during this call
        raw = policy->rewritten().data();
        rawLen = policy->rewritten().size();
      }
    }
    const short before = batch.pending();
    host::NewMsg m(received);
    const rs::rsRetVal meta = st->attachMetadata(m.get(), extraName, extraValue);
    if (meta != rs::RS_RET_OK) {
      st->reportMetadataFailure(meta, logPrefix_);
      host::bump(refused_);
      continue;
    }
    MsgSetRawMsg(m.get(), raw, rawLen);
    MsgSetInputName(m.get(), inputName_.get());
    MsgSetFlowControlType(m.get(), rs::eFLOWCTL_FULL_DELAY);
    host::setMsgFlags(m.get(), rs::NEEDS_PARSING | rs::PARSE_HOSTNAME);
    MsgSetRcvFromStr(m.get(), ipU, ipLen, st->fromHost.cache());
    MsgSetRcvFromIPStr(m.get(), ipU, ipLen, st->fromHostIp.cache());
    MsgSetRuleset(m.get(), ruleset_);
    const rs::rsRetVal rc = batch.add(m.release());
    if (rc == rs::RS_RET_OK) {
      ++queued;
    } else if (rc != rs::RS_RET_DISCARDMSG) {  // DISCARDMSG: rate-limited, counted by rsyslog
      // The queue refused the round of `before` collected messages (some
      // of them may have got in) and this one.
      queued -= static_cast<uint64_t>(before);
      host::bump(submitted_, queued);
      return refusedBatch(rc, before + 1ull + countMessages(frames, i + 1, n));
    }
  }
  const short before = batch.pending();
  const rs::rsRetVal rc = batch.flush();
  if (rc != rs::RS_RET_OK) {
    queued -= static_cast<uint64_t>(before);
    host::bump(submitted_, queued);
    return refusedBatch(rc, static_cast<uint64_t>(before));
  }
  host::bump(submitted_, queued);
  return SYSLOGTLS_FRAMES_CONTINUE;
}

uint64_t Listener::countMessages(const syslogtls_frame* frames, size_t from, size_t n) noexcept {
  uint64_t c = 0;
  for (size_t i = from; i < n; ++i) c += frames[i].len != 0 ? 1 : 0;
  return c;
}

// rsyslog's queue refuses a batch when it is full while inputs are being
// terminated (RS_RET_FORCE_TERM: rsyslogd has begun to shut down, possibly
// before this input is told to stop); a full queue in normal operation
// drops single messages inside rsyslog's multi-enqueue, which the input is
// not told of. From such a refusal on, or any refusal while imtls is
// stopping, the session is paused: the server reads nothing more from it
// and closes it at the end of the drain, so that what got in stays a
// gap-free prefix of every session.
int Listener::refusedBatch(rs::rsRetVal rc, uint64_t lost) noexcept {
  host::bump(refused_, lost);
  const bool ending = rc == rs::RS_RET_FORCE_TERM || stopping_.load(std::memory_order_relaxed);
  return ending ? SYSLOGTLS_FRAMES_PAUSE : SYSLOGTLS_FRAMES_CONTINUE;
}

// The runtime speaks of its settings in words; for the limits an operator
// tunes, name the input() parameter behind the event.
std::string Listener::parameterNote(const syslogtls_event& ev) const {
  switch (ev.reason) {
    case SYSLOGTLS_REASON_LIMIT:
      if (ev.text != nullptr && std::strstr(ev.text, "limit per peer address") != nullptr)
        return " (maxSessionsPerPeer=" + std::to_string(cfg_.s.maxSessionsPerPeer) + ")";
      return " (maxSessions=" + std::to_string(cfg_.s.maxSessions) + ")";
    case SYSLOGTLS_REASON_EVICTED:
      if (ev.text != nullptr && std::strstr(ev.text, "waiting room") != nullptr)
        return " (the larger of socketBacklog=" + std::to_string(cfg_.s.socketBacklog) +
               " and maxSessions=" + std::to_string(cfg_.s.maxSessions) + ")";
      return " (maxPendingHandshakes=" + std::to_string(cfg_.s.maxPendingHandshakes) + ")";
    case SYSLOGTLS_REASON_PROXY_HEADER:
    case SYSLOGTLS_REASON_PROXY_UNTRUSTED:
      return " (proxyProtocol=\"" + cfg_.s.proxyProtocol + "\")";
    case SYSLOGTLS_REASON_OVERSIZE:
      return " (maxFrameSize " + std::to_string(cfg_.s.maxFrameSize) + " bytes, oversizeMode " +
             cfg_.s.oversizeMode + ")";
    default:
      return std::string();
  }
}

// The runtime chose the level (refusals and failures ERR, altered data
// WARNING, session lines INFO); it is passed through unchanged.
void Listener::onLog(const syslogtls_event* ev, void* user) {
  auto* self = static_cast<Listener*>(user);
  callbackGuard("log", [&] {
    const std::string line = self->logPrefix_ + (ev->text != nullptr ? ev->text : "") + self->parameterNote(*ev);
    switch (ev->level) {
      case SYSLOGTLS_LOG_ERR:
        host::logError(rs::NO_ERRCODE, "%s", line.c_str());
        break;
      case SYSLOGTLS_LOG_WARNING:
        host::logWarning(rs::NO_ERRCODE, "%s", line.c_str());
        break;
      case SYSLOGTLS_LOG_DEBUG:
        host::logDebug("%s (code %d, reason %s)", line.c_str(), ev->code, syslogtls_reason_name(ev->reason));
        break;
      default:
        host::logMsg(ev->level == SYSLOGTLS_LOG_NOTICE ? LOG_NOTICE : LOG_INFO, "%s", line.c_str());
        break;
    }
  });
}

}  // namespace imtls
