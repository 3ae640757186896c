// credentials.hpp - the TLS credentials of one imtls input or omtls action
// over their lifetime: load at start, reload on HUP or on a file change
// (tls.reloadCheckInterval), the own-certificate line, expiry warnings
// (tls.expiryWarningDays) and the cert.expiresInDays gauge. Shared by both
// modules; the role-specific step (imtls: hand the new config to the
// server) is the Apply hook.
//
// A reload that fails (a file unreadable, unparsable, key not matching the
// certificate, certificate already expired) logs one error naming the file
// and the reason, and keeps the config in force: a bad renewal never takes
// logging down. A reload that finds the same file contents logs nothing.
//
// Concurrency & Locking: load(), announce() and setApply() run on the main
// thread before the instance is registered with the watcher. doHUP only
// calls requestReload() (an atomic flag); the reload itself runs on the
// watcher thread in poll(), so its log lines are written at once on every
// host (see ABI.md, HUP status line of 8.2112). reload() and poll() are
// serialised by reloadMu_.
// current() may be called from any thread (cfgMu_ guards the pointer);
// notePeer() from any thread (warnMu_). The gauge is an int written with
// relaxed atomics and read by impstats.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cert_lifecycle.hpp"
#include "syslogtls.h"
#include "syslogtls_ptr.hpp"
#include "tls_params.hpp"

namespace host {

using SharedTlsConfig = std::shared_ptr<syslogtls_tls_config>;

// One certificate as the operator sees it.
struct CertSummary {
  std::string subject;
  std::string fingerprint;  // "SHA256:AA:BB:..", the tls.permittedPeer spelling
  int64_t notAfter = 0;     // Unix seconds
};

// The certificates of a PEM file, in file order. false with err = the
// runtime's reason (naming the file).
bool readCertificates(const std::string& path, std::vector<CertSummary>& out, std::string& err);

// "2026-12-31 23:59:59 UTC".
std::string formatUtc(int64_t t);

// Unix seconds now.
int64_t unixNow() noexcept;

class Credentials final {
 public:
  // SYSLOGTLS_OK, or a runtime error code: the new config was not taken.
  using Apply = std::function<int(syslogtls_tls_config*)>;

  // who: the log prefix, e.g. "imtls: input 'recv'". v: resolved tls.* values.
  Credentials(std::string who, const TlsRole& role, const TlsValues& v, int authMode);
  Credentials(const Credentials&) = delete;
  Credentials& operator=(const Credentials&) = delete;

  // Builds the first config (start). false with err as buildTlsConfig says.
  bool load(std::string& err);
  // The config new connections use (null before load()).
  SharedTlsConfig current() const;
  void setApply(Apply fn) { apply_ = std::move(fn); }

  // At start: the own-certificate line, the key file mode warning, expiry
  // warnings, the gauge.
  void announce(int64_t now);
  // Re-reads tls.caFile, certFile, keyFile and crlFile now.
  void reload(const char* trigger, int64_t now);
  // SIGHUP: asks for a reload at the next poll (any thread).
  void requestReload() noexcept { hupPending_.store(true, std::memory_order_release); }
  // Watcher tick: a requested reload, the file change check every
  // tls.reloadCheckInterval seconds and the daily repetition of expiry
  // warnings.
  void poll(int64_t now);
  // A peer certificate seen in a session: warned about once a day while it
  // is inside the warning window. peer: "127.0.0.1:5000" or a target text.
  void notePeer(const char* fingerprint, const char* subject, const std::string& peer, int64_t notAfter,
                int64_t now);

  // impstats gauge cert.expiresInDays (-1 without an own certificate).
  int* expiresInDaysGauge() noexcept { return &expiresInDays_; }
  // The watcher thread is needed (an interval, or warnings to repeat).
  bool wantsWatcher() const;

  static constexpr int kFileCount = 4;  // caFile, certFile, keyFile, crlFile

 private:
  struct FileSlot {
    const char* param;  // "tls.caFile"
    std::string path;   // "" = not configured
    FileStamp stamp;    // at the last check
    std::string content;  // of the config in force
  };
  void reloadLocked(const std::string& trigger, int64_t now);
  void describeLocked(int64_t now);  // own certificate line + gauge + warnings
  void warnLocked(int64_t now);
  void setGauge(int64_t now);
  std::string readFailure(const FileSlot& f, int errnum) const;

  const std::string who_;
  const TlsRole role_;
  const TlsValues values_;
  const int authMode_;
  const long long interval_;   // tls.reloadCheckInterval, seconds; 0 = off
  const long long warnDays_;   // tls.expiryWarningDays; 0 = off
  Apply apply_;

  mutable std::mutex cfgMu_;
  SharedTlsConfig current_;  // guarded by cfgMu_

  mutable std::mutex reloadMu_;  // serialises reload() and poll(); guards the fields below
  FileSlot files_[kFileCount];
  bool hasOwn_ = false;
  CertSummary own_;
  std::vector<CertSummary> cas_;
  int64_t nextCheck_ = 0;
  WarnSchedule ownSchedule_;

  std::mutex warnMu_;
  WarnSchedule peerSchedule_;  // guarded by warnMu_

  int expiresInDays_ = -1;  // relaxed atomics
  std::atomic<bool> hupPending_{false};
};

}  // namespace host
