// firewall.hpp - the exception firewall around every rsyslog entry point and
// every callback the runtime calls, plus the module's error type.
//
// Concurrency & Locking: stateless; usable on any thread.
#pragma once

#include <cxxabi.h>

#include <exception>
#include <new>
#include <string>
#include <type_traits>

#include "log.hpp"
#include "rsyslog_abi.hpp"

namespace host {

// An error with an rsyslog return code. Throw it when the text is already
// complete; the firewall logs "<module>: <entry point>: <what>".
class Error final : public std::exception {
 public:
  Error(rs::rsRetVal code, std::string message) : code_(code), message_(std::move(message)) {}
  rs::rsRetVal code() const noexcept { return code_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  rs::rsRetVal code_;
  std::string message_;
};

// An error that was already logged in full: the firewall only returns its code.
class Reported final : public std::exception {
 public:
  explicit Reported(rs::rsRetVal code) : code_(code) {}
  rs::rsRetVal code() const noexcept { return code_; }
  const char* what() const noexcept override { return "error already reported"; }

 private:
  rs::rsRetVal code_;
};

// Logs the exception being handled and maps it to a return code. Call only
// inside a catch block.
rs::rsRetVal reportCurrentException(const char* entryPoint) noexcept;

// Runs fn() (returning rsRetVal, or void = RS_RET_OK) behind the firewall.
// Forced unwinding (pthread_cancel) passes through: never mark the caller
// noexcept (ABI.md §10.4).
template <typename Fn>
rs::rsRetVal guarded(const char* entryPoint, Fn&& fn) {
  try {
    if constexpr (std::is_void_v<decltype(fn())>) {
      fn();
      return rs::RS_RET_OK;
    } else {
      return fn();
    }
  } catch (abi::__forced_unwind&) {
    throw;
  } catch (...) {
    return reportCurrentException(entryPoint);
  }
}

}  // namespace host
