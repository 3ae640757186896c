// log.cpp - logging helpers over rsyslog's LogError/LogMsg.
//
// Concurrency & Locking: see log.hpp; formatting uses a stack buffer only.
// Each line is followed by a main-thread wake-up (main_wake.hpp).
#include "log.hpp"

#include <syslog.h>

#include <cstdarg>
#include <cstdio>

#include "main_wake.hpp"
#include "rsyslog_abi.hpp"

namespace host {
namespace {

const char* g_moduleName = "rsyslog-tls";

constexpr std::size_t kLineMax = 2048;

__attribute__((format(printf, 2, 0))) void vformat(char (&buf)[kLineMax], const char* fmt, va_list ap) noexcept {
  int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
  if (n < 0) std::snprintf(buf, sizeof buf, "(unformattable log message: %s)", fmt);
}

}  // namespace

void setModuleName(const char* name) noexcept { g_moduleName = name; }
const char* moduleName() noexcept { return g_moduleName; }

void logError(int code, const char* fmt, ...) noexcept {
  char buf[kLineMax];
  va_list ap;
  va_start(ap, fmt);
  vformat(buf, fmt, ap);
  va_end(ap);
  LogError(0, code, "%s", buf);
  mainWakeAfterLog();
}

void logWarning(int code, const char* fmt, ...) noexcept {
  char buf[kLineMax];
  va_list ap;
  va_start(ap, fmt);
  vformat(buf, fmt, ap);
  va_end(ap);
  LogMsg(0, code, LOG_WARNING, "%s", buf);
  mainWakeAfterLog();
}

void logMsg(int severity, const char* fmt, ...) noexcept {
  char buf[kLineMax];
  va_list ap;
  va_start(ap, fmt);
  vformat(buf, fmt, ap);
  va_end(ap);
  LogMsg(0, rs::NO_ERRCODE, severity, "%s", buf);
  mainWakeAfterLog();
}

void logDebug(const char* fmt, ...) noexcept {
  if (Debug == 0) return;
  char buf[kLineMax];
  va_list ap;
  va_start(ap, fmt);
  vformat(buf, fmt, ap);
  va_end(ap);
  r_dbgprintf(moduleName(), "%s\n", buf);
}

}  // namespace host
