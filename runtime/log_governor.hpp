// log_governor.hpp - LogGovernor: keeps a server's per-connection log lines
// below a rate, so that a connect storm or a flood of refusals never floods
// the log (nor loses lines to the host's own rate limit).
//
//  - Session lines (opened, closed): at most kSessionLinesPerSecond in any
//    one-second window. Past that the governor switches to summary mode:
//    no single session lines, and every kSummaryPeriod one line
//      "session summary for the last 10 s: N sessions opened, C closed,
//       M refused (by reason: R1 n1, R2 n2), from K peer addresses;
//       L single lines not logged (more than 20 session lines or 5
//       refusals of one reason per second)"
//    (the refusals counted are all of the period, logged or not). Summary
//    mode ends after a period in which no line was held back.
//  - Refusal and failure lines (PEER_REFUSED, SESSION_FAILED): at most
//    kRefusalLinesPerSecond per reason in any one-second window; the rest
//    are held back, and every kSummaryPeriod (and at flush) one line per
//    reason says "N more refusal lines suppressed in the last 10 s (reason:
//    R)".
// Every line held back is counted in the server counter
// SYSLOGTLS_CTR_LOG_SUPPRESSED.
//
// Concurrency: any loop thread; the state is under a mutex, the lines are
// emitted after it is released.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "event_loop.hpp"
#include "log.hpp"

namespace syslogtls {

class LogGovernor final {
 public:
  static constexpr unsigned kSessionLinesPerSecond = 20;
  static constexpr unsigned kRefusalLinesPerSecond = 5;
  static constexpr std::chrono::seconds kSummaryPeriod{10};
  static constexpr size_t kMaxPeers = 100000;  // distinct addresses remembered per period

  // suppressed: the counter bumped for each line held back (may be null).
  void set_sink(const LogSink& sink, uint64_t* suppressed) {
    sink_ = sink;
    suppressed_counter_ = suppressed;
  }

  // An event about a peer. Session and refusal kinds are governed; others pass.
  void event(Clock::time_point now, int kind, int level, int code, int reason, const EventPeer& peer,
             const std::string& text);
  // Emits due summary and "more suppressed" lines (call about once a second).
  void tick(Clock::time_point now);
  // Emits what is still held (at server stop).
  void flush(Clock::time_point now);

  bool summarising() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return summary_;
  }

 private:
  struct Window {  // a one-second counting window
    Clock::time_point start{};
    unsigned lines = 0;
    bool allow(Clock::time_point now, unsigned max) {
      if (now - start >= std::chrono::seconds(1)) {
        start = now;
        lines = 0;
      }
      if (lines >= max) return false;
      ++lines;
      return true;
    }
  };
  struct Line {
    int kind, level, code, reason;
    std::string text;
  };
  void held_locked();
  void note_peer_locked(const EventPeer& peer);
  void due_locked(Clock::time_point now, bool force, std::vector<Line>* out);
  void emit(const std::vector<Line>& lines) const;

  LogSink sink_;
  uint64_t* suppressed_counter_ = nullptr;
  mutable std::mutex mutex_;
  Window session_window_;
  std::map<int, Window> refusal_windows_;
  // Summary mode and the current period.
  bool summary_ = false;
  Clock::time_point period_start_{};
  bool period_open_ = false;
  unsigned long long opened_ = 0, closed_ = 0, held_ = 0;  // this period; held_: session lines
  std::map<int, unsigned long long> refused_;      // by reason, this period
  std::map<int, unsigned long long> suppressed_;   // refusal lines held back, by reason
  std::unordered_set<std::string> peers_;
  bool peers_capped_ = false;
};

}  // namespace syslogtls
