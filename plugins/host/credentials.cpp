// credentials.cpp - load, reload and expiry warnings of one instance's TLS files.
//
// Concurrency & Locking: see credentials.hpp.
#include "credentials.hpp"

#include <pwd.h>
#include <syslog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "log.hpp"
#include "rsyslog_abi.hpp"

namespace host {
namespace {

struct CertListDeleter final {
  void operator()(syslogtls_cert_list* l) const noexcept { syslogtls_cert_list_free(l); }
};
using CertListPtr = std::unique_ptr<syslogtls_cert_list, CertListDeleter>;

std::string orEmpty(const char* s) { return s != nullptr ? s : ""; }

// The user rsyslogd runs as now (after a privilege drop).
std::string effectiveUser() {
  const uid_t uid = geteuid();
  struct passwd pw;
  struct passwd* res = nullptr;
  char buf[1024];
  if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res != nullptr) return res->pw_name;
  return "uid " + std::to_string(static_cast<unsigned long>(uid));
}

std::string certText(const CertSummary& c) {
  return c.fingerprint + " (expires " + formatUtc(c.notAfter) + ")";
}

}  // namespace

bool readCertificates(const std::string& path, std::vector<CertSummary>& out, std::string& err) {
  out.clear();
  syslogtls_cert_list* raw = nullptr;
  const int rc = syslogtls_cert_list_read(&raw, path.c_str());
  if (rc != SYSLOGTLS_OK) {
    err = runtimeErrorText(rc);
    return false;
  }
  CertListPtr list(raw);
  const std::size_t n = static_cast<std::size_t>(syslogtls_cert_list_count(list.get()));
  for (std::size_t i = 0; i < n; ++i) {
    CertSummary c;
    c.subject = orEmpty(syslogtls_cert_list_subject(list.get(), i));
    c.fingerprint = orEmpty(syslogtls_cert_list_fingerprint(list.get(), i));
    c.notAfter = syslogtls_cert_list_not_after(list.get(), i);
    out.push_back(std::move(c));
  }
  return true;
}

std::string formatUtc(int64_t t) {
  char buf[64];
  if (syslogtls_format_utc(t, buf, sizeof buf) != SYSLOGTLS_OK) return std::to_string(t);
  return buf;
}

int64_t unixNow() noexcept { return static_cast<int64_t>(std::time(nullptr)); }

Credentials::Credentials(std::string who, const TlsRole& role, const TlsValues& v, int authMode)
    : who_(std::move(who)),
      role_(role),
      values_(v),
      authMode_(authMode),
      interval_(v.reloadCheckInterval.value_or(0)),
      warnDays_(v.expiryWarningDays.value_or(30)),
      files_{{"tls.caFile", v.caFile.value_or(""), {}, {}},
             {"tls.certFile", v.certFile.value_or(""), {}, {}},
             {"tls.keyFile", v.keyFile.value_or(""), {}, {}},
             {"tls.crlFile", v.crlFile.value_or(""), {}, {}}} {}

bool Credentials::load(std::string& err) {
  std::lock_guard<std::mutex> g(reloadMu_);
  // Contents first: what is loaded is what later reloads compare with.
  for (auto& f : files_) {
    if (f.path.empty()) continue;
    f.stamp = readStamp(f.path);
    int e = 0;
    if (!readContent(f.path, f.content, e)) f.content.clear();  // the runtime names the failure below
  }
  TlsConfigPtr cfg = buildTlsConfig(role_, values_, authMode_, err);
  if (!cfg) return false;
  {
    std::lock_guard<std::mutex> c(cfgMu_);
    current_ = SharedTlsConfig(cfg.release(), TlsConfigDeleter());
  }
  std::string e;
  hasOwn_ = false;
  std::vector<CertSummary> own;
  if (!files_[1].path.empty() && readCertificates(files_[1].path, own, e) && !own.empty()) {
    own_ = own.front();
    hasOwn_ = true;
  }
  if (files_[0].path.empty() || !readCertificates(files_[0].path, cas_, e)) cas_.clear();
  return true;
}

SharedTlsConfig Credentials::current() const {
  std::lock_guard<std::mutex> g(cfgMu_);
  return current_;
}

bool Credentials::wantsWatcher() const {
  if (interval_ > 0) return true;
  std::lock_guard<std::mutex> g(reloadMu_);
  const int64_t now = unixNow();
  if (hasOwn_ && (own_.notAfter <= now || inWarningWindow(own_.notAfter, now, warnDays_))) return true;
  for (const auto& c : cas_)
    if (inWarningWindow(c.notAfter, now, warnDays_)) return true;
  return false;
}

void Credentials::setGauge(int64_t now) {
  const int64_t d = hasOwn_ ? daysLeft(own_.notAfter, now) : -1;
  const int v = d > 1000000 ? 1000000 : (d < -1000000 ? -1000000 : static_cast<int>(d));
  __atomic_store_n(&expiresInDays_, v, __ATOMIC_RELAXED);
}

void Credentials::describeLocked(int64_t now) {
  if (hasOwn_) {
    logMsg(LOG_INFO, "%s: own certificate subject '%s', fingerprint %s, expires %s", who_.c_str(),
           own_.subject.c_str(), own_.fingerprint.c_str(), formatUtc(own_.notAfter).c_str());
  }
  setGauge(now);
  warnLocked(now);
}

void Credentials::warnLocked(int64_t now) {
  // An expired own certificate is always warned about (it is not refused
  // at start, so this is the operator's only hint), also with warnDays 0.
  const bool ownDue = hasOwn_ && (own_.notAfter <= now || inWarningWindow(own_.notAfter, now, warnDays_));
  if (ownDue && ownSchedule_.due("own " + own_.fingerprint, now)) {
    logWarning(rs::NO_ERRCODE, "%s: own certificate '%s' (%s, tls.certFile '%s') %s (tls.expiryWarningDays=%lld)",
               who_.c_str(), own_.subject.c_str(), own_.fingerprint.c_str(), files_[1].path.c_str(),
               expiryPhrase(own_.notAfter, now, formatUtc(own_.notAfter)).c_str(), warnDays_);
  }
  for (const auto& c : cas_) {
    if (!inWarningWindow(c.notAfter, now, warnDays_) || !ownSchedule_.due("ca " + c.fingerprint, now)) continue;
    logWarning(rs::NO_ERRCODE, "%s: CA certificate '%s' (%s) in tls.caFile '%s' %s (tls.expiryWarningDays=%lld)",
               who_.c_str(), c.subject.c_str(), c.fingerprint.c_str(), files_[0].path.c_str(),
               expiryPhrase(c.notAfter, now, formatUtc(c.notAfter)).c_str(), warnDays_);
  }
}

void Credentials::announce(int64_t now) {
  std::lock_guard<std::mutex> g(reloadMu_);
  const FileSlot& key = files_[2];
  if (!key.path.empty()) {
    struct stat st;
    if (::stat(key.path.c_str(), &st) == 0) {
      const std::string mode = looseKeyMode(st.st_mode);
      if (!mode.empty())
        logWarning(rs::NO_ERRCODE,
                   "%s: tls.keyFile '%s' is readable by group or others (%s); make it readable by its owner only",
                   who_.c_str(), key.path.c_str(), mode.c_str());
    }
  }
  nextCheck_ = now + interval_;
  describeLocked(now);
}

std::string Credentials::readFailure(const FileSlot& f, int errnum) const {
  std::string t = "cannot read " + std::string(f.param) + " '" + f.path + "': " + std::strerror(errnum);
  if (errnum == EACCES || errnum == EPERM) t += " (rsyslogd runs as user '" + effectiveUser() + "')";
  return t;
}

void Credentials::reload(const char* trigger, int64_t now) {
  std::lock_guard<std::mutex> g(reloadMu_);
  for (auto& f : files_)
    if (!f.path.empty()) f.stamp = readStamp(f.path);
  reloadLocked(trigger, now);
}

void Credentials::poll(int64_t now) {
  std::lock_guard<std::mutex> g(reloadMu_);
  if (hupPending_.exchange(false, std::memory_order_acq_rel)) {
    for (auto& f : files_)
      if (!f.path.empty()) f.stamp = readStamp(f.path);
    nextCheck_ = now + interval_;
    reloadLocked("HUP", now);
  }
  if (interval_ > 0 && now >= nextCheck_) {
    nextCheck_ = now + interval_;
    bool changed = false;
    for (auto& f : files_) {
      if (f.path.empty()) continue;
      const FileStamp s = readStamp(f.path);
      if (s != f.stamp) changed = true;
      f.stamp = s;
    }
    if (changed) reloadLocked("file change", now);
  }
  warnLocked(now);
  setGauge(now);
}

void Credentials::reloadLocked(const std::string& trigger, int64_t now) {
  std::string fresh[kFileCount];
  std::string names;
  for (int i = 0; i < kFileCount; ++i) {
    FileSlot& f = files_[i];
    if (f.path.empty()) continue;
    int e = 0;
    if (!readContent(f.path, fresh[i], e)) {
      logError(rs::NO_ERRCODE, "%s: reload (%s) failed: %s; the current certificates stay in force", who_.c_str(),
               trigger.c_str(), readFailure(f, e).c_str());
      return;
    }
    if (fresh[i] != f.content) names += (names.empty() ? "" : ", ") + std::string(f.param);
  }
  if (names.empty()) return;  // same contents: nothing to do, nothing to say
  const auto failed = [&](const std::string& why) {
    logError(rs::NO_ERRCODE, "%s: reload (%s) of %s failed: %s; the current certificates stay in force", who_.c_str(),
             trigger.c_str(), names.c_str(), why.c_str());
  };
  std::string err;
  TlsConfigPtr cfg = buildTlsConfig(role_, values_, authMode_, err);
  if (!cfg) return failed(err);
  std::vector<CertSummary> own;
  bool hasOwn = false;
  if (!files_[1].path.empty()) {
    if (!readCertificates(files_[1].path, own, err)) return failed(err);
    hasOwn = !own.empty();
    if (hasOwn && own.front().notAfter <= now)
      return failed("the certificate in tls.certFile '" + files_[1].path + "' expired on " +
                    formatUtc(own.front().notAfter));
  }
  std::vector<CertSummary> cas;
  if (!files_[0].path.empty() && !readCertificates(files_[0].path, cas, err)) return failed(err);
  if (apply_) {
    const int rc = apply_(cfg.get());
    if (rc != SYSLOGTLS_OK) return failed("the new configuration was not taken: " + runtimeErrorText(rc));
  }
  {
    std::lock_guard<std::mutex> c(cfgMu_);
    current_ = SharedTlsConfig(cfg.release(), TlsConfigDeleter());
  }
  for (int i = 0; i < kFileCount; ++i) files_[i].content = std::move(fresh[i]);
  const std::string before = hasOwn_ ? certText(own_) : std::string("none");
  hasOwn_ = hasOwn;
  if (hasOwn) own_ = own.front();
  cas_ = std::move(cas);
  const std::string after = hasOwn_ ? certText(own_) : std::string("none");
  logMsg(LOG_NOTICE, "%s: reloaded %s (%s): certificate %s, was %s", who_.c_str(), names.c_str(), trigger.c_str(),
         after.c_str(), before.c_str());
  describeLocked(now);
}

void Credentials::notePeer(const char* fingerprint, const char* subject, const std::string& peer, int64_t notAfter,
                           int64_t now) {
  if (notAfter == 0 || fingerprint == nullptr || !inWarningWindow(notAfter, now, warnDays_)) return;
  {
    std::lock_guard<std::mutex> g(warnMu_);
    if (!peerSchedule_.due(fingerprint, now)) return;
  }
  logWarning(rs::NO_ERRCODE, "%s: peer %s certificate '%s' (%s) %s (tls.expiryWarningDays=%lld)", who_.c_str(),
             peer.c_str(), subject != nullptr ? subject : "", fingerprint,
             expiryPhrase(notAfter, now, formatUtc(notAfter)).c_str(), warnDays_);
}

}  // namespace host
