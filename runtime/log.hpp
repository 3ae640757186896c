// log.hpp - LogSink: forwards runtime events to the user's syslogtls_log_fn.
#pragma once

#include <string>

#include "syslogtls.h"

namespace syslogtls {

// A copyable pair (callback, user pointer). log() never throws and does
// nothing when no callback is set. Thread: calls the callback on the caller's
// thread.
struct LogSink {
  syslogtls_log_fn fn = nullptr;
  void* user = nullptr;

  void log(int level, int code, const std::string& msg) const noexcept {
    if (fn != nullptr) fn(level, code, msg.c_str(), user);
  }
  void err(int code, const std::string& msg) const noexcept { log(SYSLOGTLS_LOG_ERR, code, msg); }
  void warn(int code, const std::string& msg) const noexcept { log(SYSLOGTLS_LOG_WARNING, code, msg); }
  void info(const std::string& msg) const noexcept { log(SYSLOGTLS_LOG_INFO, 0, msg); }
};

}  // namespace syslogtls
