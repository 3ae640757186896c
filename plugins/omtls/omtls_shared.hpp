// omtls_shared.hpp - mutable state shared by all workers of one action: counters, log sink, error memory.
//
// Concurrency & Locking: ActionShared is shared by all workers of an action:
// counters with relaxed atomics, error memory under its mutex, flags atomic.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "stats.hpp"

namespace omtls {

// impstats counters of one action. impstats reads them through pointers,
// so they live as long as the statsobj that points at them. Updated with
// relaxed atomics by every worker.
struct Counters final {
  uint64_t messagesSent = 0;
  uint64_t messagesDropped = 0;  // rendered empty in octet-counted framing: never sent
  uint64_t bytesSent = 0;
  uint64_t connects = 0;
  uint64_t connectFailed = 0;
  uint64_t handshakeFailed = 0;
  uint64_t suspended = 0;
};

using host::bump;

// Severities as in <syslog.h>.
enum class Severity { Error = 3, Warning = 4, Info = 6 };
using LogFn = std::function<void(Severity, const std::string&)>;

// Shared by the workers of one action (thread-safe).
class ActionShared final {
 public:
  ActionShared(std::size_t nTargets, LogFn log) : lastError_(nTargets), log_(std::move(log)) {}
  ActionShared(const ActionShared&) = delete;
  ActionShared& operator=(const ActionShared&) = delete;

  Counters counters;

  void log(Severity sev, const std::string& text) const {
    if (log_) log_(sev, text);
  }

  // Logs a problem with target idx once per state change: only if text
  // differs from the last one logged for that target since its last
  // successful connection.
  void errorOnce(std::size_t idx, const std::string& text, Severity sev = Severity::Error) {
    {
      std::lock_guard<std::mutex> g(mu_);
      if (idx >= lastError_.size() || lastError_[idx] == text) return;
      lastError_[idx] = text;
    }
    log(sev, text);
  }
  // Target idx worked: its next error is logged again.
  void clearError(std::size_t idx) {
    std::lock_guard<std::mutex> g(mu_);
    if (idx < lastError_.size()) lastError_[idx].clear();
  }

  // The shutdown-immediate flag rsyslog hands over (SetShutdownImmdtPtr).
  void setAbortFlag(int* flag) { abortFlag_.store(flag, std::memory_order_release); }
  const volatile int* abortFlag() const { return abortFlag_.load(std::memory_order_acquire); }

  // True only for the first caller (one-time warnings).
  bool firstLfReplacement() { return !lfWarned_.exchange(true); }
  bool firstDrop() { return !dropWarned_.exchange(true); }

 private:
  std::mutex mu_;
  std::vector<std::string> lastError_;  // guarded by mu_
  LogFn log_;                           // set at construction, then read-only
  std::atomic<int*> abortFlag_{nullptr};
  std::atomic<bool> lfWarned_{false};
  std::atomic<bool> dropWarned_{false};
};

}  // namespace omtls
