// cert_lifecycle.cpp - change detection, days left, warning schedule.
//
// Concurrency & Locking: see cert_lifecycle.hpp.
#include "cert_lifecycle.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace host {

int64_t daysLeft(int64_t notAfter, int64_t now) noexcept {
  const int64_t d = notAfter - now;
  int64_t q = d / kSecondsPerDay;
  if (d % kSecondsPerDay != 0 && d < 0) --q;  // floor, not truncation
  return q;
}

bool inWarningWindow(int64_t notAfter, int64_t now, long long warnDays) noexcept {
  if (warnDays <= 0) return false;
  return notAfter - now < static_cast<int64_t>(warnDays) * kSecondsPerDay;
}

FileStamp readStamp(const std::string& path) noexcept {
  FileStamp s;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    s.errnum = errno;
    return s;
  }
  s.exists = true;
  s.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  s.size = static_cast<int64_t>(st.st_size);
  s.inode = static_cast<uint64_t>(st.st_ino);
  return s;
}

bool readContent(const std::string& path, std::string& out, int& errnum) {
  out.clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    errnum = errno;
    return false;
  }
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      errnum = errno;
      ::close(fd);
      return false;
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > (16u << 20)) {  // no credential file is this large
      errnum = EFBIG;
      ::close(fd);
      return false;
    }
  }
  ::close(fd);
  errnum = 0;
  return true;
}

bool WarnSchedule::due(const std::string& key, int64_t now) {
  for (auto it = last_.begin(); it != last_.end();) {
    if (now - it->second > 2 * kSecondsPerDay)
      it = last_.erase(it);
    else
      ++it;
  }
  auto it = last_.find(key);
  if (it != last_.end() && now - it->second < kSecondsPerDay) return false;
  last_[key] = now;
  return true;
}

std::string looseKeyMode(mode_t mode) {
  if ((mode & (S_IRGRP | S_IROTH)) == 0) return std::string();
  char buf[16];
  std::snprintf(buf, sizeof buf, "mode %04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

std::string expiryPhrase(int64_t notAfter, int64_t now, const std::string& date) {
  if (notAfter <= now) return "expired on " + date;
  return "expires in " + std::to_string(daysLeft(notAfter, now)) + " day(s), on " + date;
}

}  // namespace host
