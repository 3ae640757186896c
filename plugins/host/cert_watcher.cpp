// cert_watcher.cpp - the polling thread of tls.reloadCheckInterval and of
// the daily expiry warnings.
//
// Concurrency & Locking: see cert_watcher.hpp. Lock order: mu_, then an
// instance's own locks (Credentials::poll, wantsWatcher); Credentials never
// calls back into the watcher.
#include "cert_watcher.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>

#include "credentials.hpp"
#include "firewall.hpp"
#include "log.hpp"

namespace host {

CertWatcher& CertWatcher::instance() {
  static CertWatcher w;
  return w;
}

void CertWatcher::add(Credentials* c) {
  std::lock_guard<std::mutex> g(mu_);
  items_.push_back(c);
  startIfWantedLocked();
}

void CertWatcher::hup(Credentials* c) {
  {
    std::lock_guard<std::mutex> g(mu_);
    if (std::find(items_.begin(), items_.end(), c) == items_.end()) return;
    c->requestReload();
    wake_ = true;
    startIfWantedLocked(true);
  }
  cv_.notify_all();
}

void CertWatcher::startIfWantedLocked(bool force) {
  if (thread_.joinable()) return;
  const bool wanted =
      force || std::any_of(items_.begin(), items_.end(), [](Credentials* c) { return c->wantsWatcher(); });
  if (!wanted) return;
  stop_ = false;
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);  // rsyslog's signals stay with its own threads
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::exception& e) {
    logError(rs::RS_RET_ERR,
             "%s: cannot start the certificate watcher thread: %s (certificate reloads and repeated expiry "
             "warnings are off)",
             moduleName(), e.what());
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void CertWatcher::remove(Credentials* c) noexcept {
  std::thread t;
  {
    std::lock_guard<std::mutex> g(mu_);
    items_.erase(std::remove(items_.begin(), items_.end(), c), items_.end());
    if (!items_.empty() || !thread_.joinable()) return;
    stop_ = true;
    t = std::move(thread_);
  }
  cv_.notify_all();
  t.join();
}

void CertWatcher::shutdown() noexcept {
  std::thread t;
  {
    std::lock_guard<std::mutex> g(mu_);
    items_.clear();
    if (!thread_.joinable()) return;
    stop_ = true;
    t = std::move(thread_);
  }
  cv_.notify_all();
  t.join();
}

void CertWatcher::run() {
  std::unique_lock<std::mutex> g(mu_);
  while (!stop_) {
    cv_.wait_for(g, std::chrono::seconds(1), [this] { return stop_ || wake_; });
    if (stop_) break;
    wake_ = false;
    const int64_t now = unixNow();
    for (Credentials* c : items_) {
      (void)guarded("certificate watcher", [&] { c->poll(now); });
    }
  }
}

}  // namespace host
