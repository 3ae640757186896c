// cert_lifecycle.hpp - the pure parts of certificate reload and expiry
// warnings, shared by imtls and omtls: file change detection, days left,
// the once-a-day warning schedule, key file mode checks.
//
// No I/O except readStamp/readContent (stat/read of one file); no clock:
// every "now" is passed in (Unix seconds), so tests inject it.
// Concurrency & Locking: none of its own; a WarnSchedule is guarded by its
// owner.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

namespace host {

constexpr int64_t kSecondsPerDay = 86400;

// floor((notAfter - now) / 86400): 4 for a certificate that ends in 4.5
// days, -1 for one that ended an hour ago.
int64_t daysLeft(int64_t notAfter, int64_t now) noexcept;

// True when a certificate ending at notAfter is inside the warning window
// of warnDays days at now (an expired one is too); warnDays 0 = never.
bool inWarningWindow(int64_t notAfter, int64_t now, long long warnDays) noexcept;

// What stat() says of a file, compared to notice a rotation without
// reading it. exists false = stat failed (errnum says why).
struct FileStamp {
  bool exists = false;
  int errnum = 0;
  int64_t mtimeNs = 0;
  int64_t size = 0;
  uint64_t inode = 0;
  bool operator==(const FileStamp& o) const noexcept {
    return exists == o.exists && errnum == o.errnum && mtimeNs == o.mtimeNs && size == o.size && inode == o.inode;
  }
  bool operator!=(const FileStamp& o) const noexcept { return !(*this == o); }
};

FileStamp readStamp(const std::string& path) noexcept;

// The whole file; false with errnum set when it cannot be read.
bool readContent(const std::string& path, std::string& out, int& errnum);

// Once a day per key: due() is true for a key not seen yet, or seen at
// least 86400 s before now, and records now. Keys last seen more than two
// days ago are forgotten (bounded memory).
class WarnSchedule final {
 public:
  bool due(const std::string& key, int64_t now);
  void forget(const std::string& key) { last_.erase(key); }
  std::size_t size() const noexcept { return last_.size(); }

 private:
  std::map<std::string, int64_t> last_;
};

// "mode 0644" style text when a key file is readable by group or others,
// "" when it is not.
std::string looseKeyMode(mode_t mode);

// "the day count" phrase of a warning: "expires in 4 day(s), on <date>" or
// "expired on <date>"; date is the formatted notAfter.
std::string expiryPhrase(int64_t notAfter, int64_t now, const std::string& date);

}  // namespace host
