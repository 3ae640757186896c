// cert_lifecycle_test.cpp - unit tests of the pure parts of certificate
// reload and expiry warnings: days left, the warning window, the once-a-day
// schedule (injected clock), change detection, key file modes (part of
// plugins/host/host_test).
//
// Concurrency & Locking: single-threaded tests.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cert_lifecycle.hpp"

namespace {

constexpr int64_t kDay = host::kSecondsPerDay;
constexpr int64_t kNow = 1800000000;  // an arbitrary fixed clock

std::string tempPath() {
  char tmpl[] = "/tmp/cert_lifecycle_test.XXXXXX";
  const int fd = mkstemp(tmpl);
  REQUIRE(fd >= 0);
  close(fd);
  return tmpl;
}

void writeFile(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f != nullptr);
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

}  // namespace

TEST_CASE("host: daysLeft is floor((notAfter - now) / 86400)") {
  CHECK(host::daysLeft(kNow + 5 * kDay, kNow) == 5);
  CHECK(host::daysLeft(kNow + 5 * kDay - 1, kNow) == 4);
  CHECK(host::daysLeft(kNow + kDay / 2, kNow) == 0);
  CHECK(host::daysLeft(kNow, kNow) == 0);
  CHECK(host::daysLeft(kNow - 1, kNow) == -1);
  CHECK(host::daysLeft(kNow - kDay, kNow) == -1);
  CHECK(host::daysLeft(kNow - kDay - 1, kNow) == -2);
  CHECK(host::daysLeft(kNow + 3650 * kDay, kNow) == 3650);
}

TEST_CASE("host: the warning window of tls.expiryWarningDays") {
  CHECK(host::inWarningWindow(kNow + 5 * kDay, kNow, 30));
  CHECK(host::inWarningWindow(kNow + 30 * kDay - 1, kNow, 30));
  CHECK_FALSE(host::inWarningWindow(kNow + 30 * kDay, kNow, 30));
  CHECK_FALSE(host::inWarningWindow(kNow + 3650 * kDay, kNow, 30));
  CHECK(host::inWarningWindow(kNow - kDay, kNow, 30));  // expired: warned about too
  CHECK_FALSE(host::inWarningWindow(kNow + kDay, kNow, 0));  // 0 = off
}

TEST_CASE("host: a warning is repeated once a day per certificate") {
  host::WarnSchedule s;
  CHECK(s.due("SHA256:AA", kNow));
  CHECK_FALSE(s.due("SHA256:AA", kNow));
  CHECK_FALSE(s.due("SHA256:AA", kNow + kDay - 1));
  CHECK(s.due("SHA256:BB", kNow + 10));  // another certificate: its own schedule
  CHECK(s.due("SHA256:AA", kNow + kDay));
  CHECK_FALSE(s.due("SHA256:AA", kNow + kDay + 3600));
  CHECK(s.due("SHA256:AA", kNow + 2 * kDay));
  // keys not seen for more than two days are forgotten
  CHECK(s.due("SHA256:CC", kNow + 10 * kDay));
  CHECK(s.size() == 1);
  s.forget("SHA256:CC");
  CHECK(s.due("SHA256:CC", kNow + 10 * kDay));
}

TEST_CASE("host: the expiry phrase says days left or that it expired") {
  CHECK(host::expiryPhrase(kNow + 4 * kDay + 7, kNow, "D") == "expires in 4 day(s), on D");
  CHECK(host::expiryPhrase(kNow + 10, kNow, "D") == "expires in 0 day(s), on D");
  CHECK(host::expiryPhrase(kNow, kNow, "D") == "expired on D");
  CHECK(host::expiryPhrase(kNow - kDay, kNow, "D") == "expired on D");
}

TEST_CASE("host: key file modes readable by group or others") {
  CHECK(host::looseKeyMode(S_IFREG | 0600) == "");
  CHECK(host::looseKeyMode(S_IFREG | 0400) == "");
  CHECK(host::looseKeyMode(S_IFREG | 0644) == "mode 0644");
  CHECK(host::looseKeyMode(S_IFREG | 0640) == "mode 0640");
  CHECK(host::looseKeyMode(S_IFREG | 0604) == "mode 0604");
  CHECK(host::looseKeyMode(S_IFREG | 0620) == "");  // writable, not readable
}

TEST_CASE("host: change detection by stat, contents read whole") {
  const std::string p = tempPath();
  writeFile(p, "first");
  const host::FileStamp a = host::readStamp(p);
  CHECK(a.exists);
  CHECK(a.size == 5);
  CHECK(host::readStamp(p) == a);  // nothing changed
  // a rotation by rename: new inode (and size), as cert-manager and mv do
  const std::string q = p + ".new";
  writeFile(q, "second!");
  REQUIRE(std::rename(q.c_str(), p.c_str()) == 0);
  const host::FileStamp b = host::readStamp(p);
  CHECK(b != a);
  std::string content;
  int err = -1;
  CHECK(host::readContent(p, content, err));
  CHECK(content == "second!");
  CHECK(err == 0);
  REQUIRE(std::remove(p.c_str()) == 0);
  const host::FileStamp gone = host::readStamp(p);
  CHECK_FALSE(gone.exists);
  CHECK(gone.errnum == ENOENT);
  CHECK(gone != b);
  CHECK_FALSE(host::readContent(p, content, err));
  CHECK(err == ENOENT);
}
