// cert_watcher.hpp - one thread per module image that polls the TLS files
// of the registered instances (tls.reloadCheckInterval) and repeats expiry
// warnings once a day (tls.expiryWarningDays).
//
// The thread exists only while some registered instance wants it
// (Credentials::wantsWatcher) or after a SIGHUP (doHUP hands the reload to
// it); it blocks every signal and is joined when
// the last instance is removed (freeCnf / freeInstance), before modExit.
// Concurrency & Locking: add, hup and remove run on rsyslog's main
// thread. mu_ guards the registry; the thread polls every instance while
// holding it, so after remove() returns no poll of that instance runs.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace host {

class Credentials;

class CertWatcher final {
 public:
  static CertWatcher& instance();
  // Registers c (alive until remove(c)); starts the thread when wanted.
  void add(Credentials* c);
  // SIGHUP (main thread): c (registered) reloads on the watcher thread at
  // once; the thread is started if it is not running.
  void hup(Credentials* c);
  // Unregisters c; joins the thread when no instance is left.
  void remove(Credentials* c) noexcept;
  // modExit: forgets every instance and joins the thread (the module's
  // code is unmapped next). Also run by the destructor at process exit.
  void shutdown() noexcept;
  ~CertWatcher() { shutdown(); }
  CertWatcher(const CertWatcher&) = delete;
  CertWatcher& operator=(const CertWatcher&) = delete;

 private:
  CertWatcher() = default;
  void startIfWantedLocked(bool force = false);
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Credentials*> items_;  // guarded by mu_
  bool stop_ = false;                // guarded by mu_
  bool wake_ = false;                // guarded by mu_: poll now
  std::thread thread_;               // main thread only
};

}  // namespace host
