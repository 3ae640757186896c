// log_governor.cpp - rate limits and summaries of a server's per-connection
// log lines (see log_governor.hpp).
#include "log_governor.hpp"

#include "syslogtls.h"

namespace syslogtls {

constexpr unsigned LogGovernor::kSessionLinesPerSecond;
constexpr unsigned LogGovernor::kRefusalLinesPerSecond;
constexpr std::chrono::seconds LogGovernor::kSummaryPeriod;
constexpr size_t LogGovernor::kMaxPeers;

void LogGovernor::held_locked() {
  if (suppressed_counter_ != nullptr) __atomic_fetch_add(suppressed_counter_, 1, __ATOMIC_RELAXED);
}

void LogGovernor::note_peer_locked(const EventPeer& peer) {
  if (peer.ip == nullptr) return;
  if (peers_.size() >= kMaxPeers) {
    if (peers_.count(*peer.ip) == 0) peers_capped_ = true;
    return;
  }
  peers_.insert(*peer.ip);
}

void LogGovernor::event(Clock::time_point now, int kind, int level, int code, int reason, const EventPeer& peer,
                        const std::string& text) {
  const bool session = kind == SYSLOGTLS_EVENT_SESSION_OPENED || kind == SYSLOGTLS_EVENT_SESSION_CLOSED;
  const bool refusal = kind == SYSLOGTLS_EVENT_PEER_REFUSED || kind == SYSLOGTLS_EVENT_SESSION_FAILED;
  if (!session && !refusal) {
    sink_.emit(kind, level, code, reason, peer, text);
    return;
  }
  std::vector<Line> due;
  bool pass = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!period_open_) {
      period_open_ = true;
      period_start_ = now;
    }
    note_peer_locked(peer);
    if (session) {
      ++(kind == SYSLOGTLS_EVENT_SESSION_OPENED ? opened_ : closed_);
      if (!summary_ && !session_window_.allow(now, kSessionLinesPerSecond)) summary_ = true;
      if (summary_) {
        ++held_;
        held_locked();
      } else {
        pass = true;
      }
    } else {
      if (kind == SYSLOGTLS_EVENT_PEER_REFUSED) ++refused_[reason];
      if (refusal_windows_[reason].allow(now, kRefusalLinesPerSecond)) {
        pass = true;
      } else {
        ++suppressed_[reason];
        held_locked();
      }
    }
    due_locked(now, false, &due);
  }
  if (pass) sink_.emit(kind, level, code, reason, peer, text);
  emit(due);
}

void LogGovernor::tick(Clock::time_point now) {
  std::vector<Line> due;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    due_locked(now, false, &due);
  }
  emit(due);
}

void LogGovernor::flush(Clock::time_point now) {
  std::vector<Line> due;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    due_locked(now, true, &due);
  }
  emit(due);
}

void LogGovernor::due_locked(Clock::time_point now, bool force, std::vector<Line>* out) {
  if (!period_open_ || (!force && now - period_start_ < kSummaryPeriod)) return;
  const long long secs = std::chrono::duration_cast<std::chrono::milliseconds>(now - period_start_).count() / 1000 +
                         ((std::chrono::duration_cast<std::chrono::milliseconds>(now - period_start_).count() % 1000)
                              ? 1
                              : 0);
  const std::string span = std::to_string(secs < 1 ? 1 : secs) + " s";
  if (summary_) {
    unsigned long long refused = 0;
    std::string by;
    for (const auto& r : refused_) {
      refused += r.second;
      by += (by.empty() ? "" : ", ") + std::string(syslogtls_reason_name(r.first)) + " " + std::to_string(r.second);
    }
    std::string text = "session summary for the last " + span + ": " + std::to_string(opened_) +
                       " sessions opened, " + std::to_string(closed_) + " closed, " + std::to_string(refused) +
                       " refused";
    if (!by.empty()) text += " (by reason: " + by + ")";
    text += ", from " + std::string(peers_capped_ ? "more than " : "") + std::to_string(peers_.size()) +
            " peer addresses; " + std::to_string(held_) + " single session lines not logged (more than " +
            std::to_string(kSessionLinesPerSecond) + " per second)";
    out->push_back(Line{SYSLOGTLS_EVENT_MESSAGE, SYSLOGTLS_LOG_NOTICE, 0, SYSLOGTLS_REASON_NONE, std::move(text)});
    // The storm is over when a whole period had no more session lines than one second allows.
    if (opened_ + closed_ <= kSessionLinesPerSecond) summary_ = false;
  }
  for (const auto& r : suppressed_) {
    if (r.second == 0) continue;
    out->push_back(Line{SYSLOGTLS_EVENT_MESSAGE, SYSLOGTLS_LOG_NOTICE, 0, r.first,
                        std::to_string(r.second) + " more refusal lines suppressed in the last " + span +
                            " (reason: " + syslogtls_reason_name(r.first) + "; at most " +
                            std::to_string(kRefusalLinesPerSecond) + " per second are logged)"});
  }
  suppressed_.clear();
  refused_.clear();
  opened_ = closed_ = held_ = 0;
  peers_.clear();
  peers_capped_ = false;
  period_open_ = false;
}

void LogGovernor::emit(const std::vector<Line>& lines) const {
  for (const Line& l : lines) sink_.emit(l.kind, l.level, l.code, l.reason, EventPeer{}, l.text);
}

}  // namespace syslogtls
