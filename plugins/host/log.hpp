// log.hpp - logging helpers over rsyslog's LogError/LogMsg for the modules.
//
// Concurrency & Locking: stateless apart from the module name, which is set
// once in modInit (main thread) before any other thread of ours runs. The
// functions may be called from any thread (LogError/LogMsg are thread-safe).
#pragma once

#include <string>

namespace host {

// Name used as a prefix by the firewall and the guard ("imtls", "omtls").
// Set it first thing in modInit; the pointer must be a string literal.
void setModuleName(const char* name) noexcept;
const char* moduleName() noexcept;

// printf-style; never throw. code: an rsyslog RS_RET_* value, or
// rs::NO_ERRCODE for plain text without an error-code tag.
void logError(int code, const char* fmt, ...) noexcept __attribute__((format(printf, 2, 3)));
void logWarning(int code, const char* fmt, ...) noexcept __attribute__((format(printf, 2, 3)));
// severity: <syslog.h> LOG_* value.
void logMsg(int severity, const char* fmt, ...) noexcept __attribute__((format(printf, 2, 3)));
// Only when rsyslogd runs with -d.
void logDebug(const char* fmt, ...) noexcept __attribute__((format(printf, 1, 2)));

}  // namespace host
