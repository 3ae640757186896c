// pending_board.cpp - the pending-handshake budget's bookkeeping (see
// pending_board.hpp).
#include "pending_board.hpp"

namespace syslogtls {

constexpr std::chrono::milliseconds PendingBoard::kHelloGrace;
constexpr std::chrono::milliseconds PendingBoard::kStallGrace;

void PendingBoard::add(int fd, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry& e = entries_[fd];
  if (e.picked) --picked_;  // a stale entry of a reused fd (cannot happen: removed before close)
  e = Entry{};
  e.quiet_since = now;
}

void PendingBoard::start(int fd, size_t loop, uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(fd);
  if (it == entries_.end()) return;
  it->second.loop = loop;
  it->second.id = id;
}

void PendingBoard::progress(int fd, Clock::time_point now, bool hello) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(fd);
  if (it == entries_.end()) return;
  it->second.quiet_since = now;
  if (hello) it->second.hello = true;
}

bool PendingBoard::remove(int fd) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(fd);
  if (it != entries_.end()) {
    if (it->second.picked) --picked_;
    entries_.erase(it);
  }
  const bool waiting = waiting_;
  waiting_ = false;
  return waiting;
}

size_t PendingBoard::active() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size() - picked_;
}

void PendingBoard::wait_for_slot() {
  std::lock_guard<std::mutex> lock(mutex_);
  waiting_ = true;
}

bool PendingBoard::pick(Clock::time_point now, const std::function<bool(int)>& unread, Victim* out) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Two passes over at most the budget's entries: the best silent one
  // without ClientHello, else the best stalled one; a candidate with
  // unread bytes is skipped and the pass repeated without it.
  for (int pass = 0; pass < 2; ++pass) {
    const bool hello = pass == 1;
    const auto grace = hello ? std::chrono::duration_cast<Clock::duration>(kStallGrace)
                             : std::chrono::duration_cast<Clock::duration>(kHelloGrace);
    for (;;) {
      std::unordered_map<int, Entry>::iterator best = entries_.end();
      for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        const Entry& e = it->second;
        if (e.picked || e.id == 0 || e.hello != hello || now - e.quiet_since < grace) continue;
        if (best == entries_.end() || e.quiet_since < best->second.quiet_since) best = it;
      }
      if (best == entries_.end()) break;
      if (unread && unread(best->first)) {
        best->second.quiet_since = now;  // the server's own queue: not silence
        continue;
      }
      best->second.picked = true;
      ++picked_;
      out->loop = best->second.loop;
      out->id = best->second.id;
      out->hello = best->second.hello;
      out->silent = std::chrono::duration_cast<std::chrono::milliseconds>(now - best->second.quiet_since);
      return true;
    }
  }
  return false;
}

}  // namespace syslogtls
