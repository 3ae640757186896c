// listener.hpp - one imtls input(): its TLS configuration, its runtime
// server, and the bridge from decoded frames to rsyslog messages.
//
// Life cycle (rsyslog main thread unless noted):
//   Listener(cfg)        newInpInst: TLS files loaded (errors show in -N1)
//   bindRuleset(conf)    checkCnf
//   bind()               activateCnfPrePrivDrop: server created, listening,
//                        port file written
//   activate()           activateCnf: props, ratelimiter, impstats object
//   start()              runInput thread: event-loop threads started
//   stop(ms)             runInput thread (or any one thread): drain, join
//   ~Listener            freeCnf: stats object first, then server, TLS config
//
// Concurrency & Locking: the server's event-loop threads call onOpen,
// onFrames, onClose and onLog concurrently (one connection is served by one
// thread at a time). They only read state that is immutable once start()
// ran (ruleset, props, ratelimiter, name, session options) and bump
// counters with relaxed atomics. Per-connection state (Session) is touched
// only by the thread serving that connection. The ratelimiter is made thread-safe.
// creds_ is set in the constructor; reloads run on the certificate watcher
// thread (doHUP only asks for one), which hands the server the new config
// (any thread may call syslogtls_server_set_tls_config).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "credentials.hpp"
#include "session.hpp"
#include "settings.hpp"
#include "stats.hpp"
#include "submit.hpp"
#include "syslogtls_ptr.hpp"
#include "syslogtls.h"

namespace imtls {

class Listener final {
 public:
  // Loads the TLS files. Throws host::Reported after logging the parameter
  // and the reason.
  explicit Listener(const ListenerConfig& cfg);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  const std::string& name() const noexcept { return cfg_.s.name; }

  // Resolves the ruleset; false (logged) if unknown.
  bool bindRuleset(rs::rsconf_t* conf);
  // Creates the server, binds and listens, writes the port file. false (logged) on failure.
  bool bind();
  // Creates the input-name prop, ratelimiter and stats. Throws on failure.
  void activate();
  // Starts the event-loop threads. false (logged) on failure.
  bool start();
  // Graceful stop with a drain bound; joins all runtime threads.
  void stop(unsigned drainMs) noexcept;
  bool bound() const noexcept { return server_ != nullptr; }
  // doHUP (main thread): asks the watcher thread to re-read the TLS files;
  // open sessions keep theirs.
  void reload() noexcept;

 private:
  static int onOpen(syslogtls_conn* conn, void* user);
  static int onFrames(syslogtls_conn* conn, const syslogtls_frame* frames, size_t n, void* user);
  static void onClose(syslogtls_conn* conn, void* user);
  static void onLog(const syslogtls_event* ev, void* user);
  std::string parameterNote(const syslogtls_event& ev) const;
  // SYSLOGTLS_FRAMES_CONTINUE, or _PAUSE once rsyslog's queue refused
  // while stopping.
  int submit(syslogtls_conn* conn, const syslogtls_frame* frames, size_t n);
  static uint64_t countMessages(const syslogtls_frame* frames, size_t from, size_t n) noexcept;
  int refusedBatch(rs::rsRetVal rc, uint64_t lost) noexcept;
  void loadTls();
  bool writePortFile(unsigned port);
  unsigned backlog() const;

  ListenerConfig cfg_;
  // The TLS files over their lifetime (null with tls="off"); the server
  // takes each new config through syslogtls_server_set_tls_config.
  std::unique_ptr<host::Credentials> creds_;
  bool watched_ = false;   // creds_ registered with host::CertWatcher
  int noCertGauge_ = -1;   // cert.expiresInDays without TLS
  host::ServerPtr server_;
  rs::ruleset_t* ruleset_ = nullptr;  // owned by the config; nullptr = default
  host::Prop inputName_;
  std::unique_ptr<host::RateLimiter> ratelimiter_;
  uint64_t submitted_ = 0;  // bumped with relaxed atomics (host::bump)
  // Messages rsyslog's queue refused (see submit()); relaxed atomics.
  uint64_t refused_ = 0;
  // Set by stop() before the drain: a refusal from now on is rsyslog's
  // shutdown with a full queue, and pauses the session that met it (the
  // queue keeps a gap-free prefix of each session).
  std::atomic<bool> stopping_{false};
  uint64_t reportedRefused_ = 0;  // the refused_ value stop() last logged
  // tls.hostnameCheck counters (relaxed atomics): messages whose HOSTNAME
  // matched none of the certificate's names (in enforce also those without
  // HOSTNAME), messages dropped, messages whose HOSTNAME was replaced.
  uint64_t hostnameMismatch_ = 0;
  uint64_t hostnameDropped_ = 0;
  uint64_t hostnameReplaced_ = 0;
  SessionOptions sessionOptions_;  // immutable after construction
  std::unique_ptr<host::StatsObj> stats_;  // destroyed before server_ (its counters)
  std::string logPrefix_;
};

}  // namespace imtls
