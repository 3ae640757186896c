// main_wake.cpp - the helper thread of main_wake.hpp.
//
// Concurrency & Locking: see main_wake.hpp. mu_ guards the deadlines, the
// stop flag and the thread object; the main thread's id is written once in
// mainWakeInit, before any thread of ours runs.
#include "main_wake.hpp"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "rsyslog_abi.hpp"

namespace host {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kSoon = std::chrono::milliseconds(20);
constexpr auto kLate = std::chrono::seconds(1);

class MainWake {
 public:
  void init() noexcept {
    main_ = pthread_self();
    haveMain_.store(true, std::memory_order_release);
  }

  void afterLog() noexcept {
    if (!haveMain_.load(std::memory_order_acquire) || !hostSignals()) return;
    const Clock::time_point now = Clock::now();
    {
      std::lock_guard<std::mutex> g(mu_);
      if (stop_) return;
      if (!thread_.joinable() && !startLocked()) return;
      if (soon_ == Clock::time_point()) soon_ = now + kSoon;
      late_ = now + kLate;
    }
    cv_.notify_one();
  }

  void shutdown() noexcept {
    std::thread t;
    {
      std::lock_guard<std::mutex> g(mu_);
      stop_ = true;
      t = std::move(thread_);
    }
    cv_.notify_one();
    if (t.joinable()) t.join();
    std::lock_guard<std::mutex> g(mu_);
    stop_ = false;
    soon_ = late_ = Clock::time_point();
    haveMain_.store(false, std::memory_order_release);
  }

  ~MainWake() { shutdown(); }

 private:
  // rsyslogd's own condition for signalling a new internal message; the
  // weak import is null on a daemon without the variable (then: never).
  static bool hostSignals() noexcept {
    return &bHaveMainQueue != nullptr && __atomic_load_n(&bHaveMainQueue, __ATOMIC_RELAXED) != 0;
  }

  bool startLocked() noexcept {
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);  // the new thread inherits the mask
    bool ok = true;
    try {
      thread_ = std::thread([this] { run(); });
    } catch (...) {
      ok = false;  // no wake-ups: the messages still arrive at rsyslogd's next wake
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return ok;
  }

  void run() {
    std::unique_lock<std::mutex> g(mu_);
    while (!stop_) {
      Clock::time_point next = soon_;
      if (next == Clock::time_point() || (late_ != Clock::time_point() && late_ < next)) next = late_;
      if (next == Clock::time_point()) {
        cv_.wait(g);
        continue;
      }
      if (cv_.wait_until(g, next) != std::cv_status::timeout && Clock::now() < next) continue;
      const Clock::time_point now = Clock::now();
      if (soon_ != Clock::time_point() && soon_ <= now) soon_ = Clock::time_point();
      if (late_ != Clock::time_point() && late_ <= now) late_ = Clock::time_point();
      if (!stop_ && hostSignals()) pthread_kill(main_, SIGTTOU);
    }
  }

  pthread_t main_{};
  std::atomic<bool> haveMain_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;            // guarded by mu_
  bool stop_ = false;             // guarded by mu_
  Clock::time_point soon_, late_;  // guarded by mu_; epoch = none
};

MainWake g_wake;

}  // namespace

void mainWakeInit() noexcept { g_wake.init(); }
void mainWakeAfterLog() noexcept { g_wake.afterLog(); }
void mainWakeShutdown() noexcept { g_wake.shutdown(); }

}  // namespace host
