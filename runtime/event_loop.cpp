// event_loop.cpp - epoll wrapper with an eventfd wake-up, and the timer heap.
#include "event_loop.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "error.hpp"

namespace syslogtls {

namespace {
[[noreturn]] void throw_io(const char* what) {
  throw Error(SYSLOGTLS_E_IO, std::string(what) + ": " + std::strerror(errno));
}
}  // namespace

EventLoop::EventLoop() : epoll_(epoll_create1(EPOLL_CLOEXEC)), wake_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!epoll_) throw_io("epoll_create1");
  if (!wake_) throw_io("eventfd");
  add(wake_.get(), EPOLLIN, kWakeToken);
}

void EventLoop::add(int fd, uint32_t events, uint64_t token) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) throw_io("epoll_ctl(ADD)");
}

void EventLoop::modify(int fd, uint32_t events, uint64_t token) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev) != 0) throw_io("epoll_ctl(MOD)");
}

void EventLoop::remove(int fd) noexcept { epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::wake() noexcept {
  const uint64_t one = 1;
  ssize_t rc;
  do {
    rc = ::write(wake_.get(), &one, sizeof one);
  } while (rc < 0 && errno == EINTR);
}

int EventLoop::wait(int timeout_ms) {
  int n;
  do {
    n = epoll_wait(epoll_.get(), events_, static_cast<int>(sizeof events_ / sizeof events_[0]), timeout_ms);
  } while (n < 0 && errno == EINTR);
  if (n < 0) throw_io("epoll_wait");
  for (int i = 0; i < n; ++i) {
    if (events_[i].data.u64 == kWakeToken) {
      uint64_t v;
      while (::read(wake_.get(), &v, sizeof v) > 0) {
      }
    }
  }
  return n;
}

int TimerQueue::timeout_ms(Clock::time_point now) const {
  if (heap_.empty()) return -1;
  const auto when = heap_.top().when;
  if (when <= now) return 0;
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(when - now).count();
  const long long ms = (us + 999) / 1000;
  return ms > 1000000 ? 1000000 : static_cast<int>(ms);
}

}  // namespace syslogtls
