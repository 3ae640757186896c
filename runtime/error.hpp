// error.hpp - the runtime's error type, the thread-local detail message and
// the exception firewall used by every C API function.
#pragma once

#include <cxxabi.h>

#include <exception>
#include <new>
#include <string>

#include "syslogtls.h"

namespace syslogtls {

// Error carries a SYSLOGTLS_E_* code and a message in words.
class Error final : public std::exception {
 public:
  Error(int code, std::string message) : code_(code), message_(std::move(message)) {}
  int code() const noexcept { return code_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  int code_;
  std::string message_;
};

// Sets / clears the detail text returned by syslogtls_errmsg() on this thread.
void set_errmsg(const std::string& msg) noexcept;
void clear_errmsg() noexcept;

// Records the exception currently being handled as the thread's errmsg and
// maps it to a code. Must be called inside a catch block.
int current_exception_code() noexcept;

// Runs fn() (returning int) behind the firewall: an Error becomes its code,
// bad_alloc SYSLOGTLS_E_NOMEM, anything else SYSLOGTLS_E_INTERNAL. Forced
// unwinding (thread cancellation) passes through.
template <typename Fn>
int guarded(Fn&& fn) {
  try {
    clear_errmsg();
    return fn();
  } catch (abi::__forced_unwind&) {
    throw;
  } catch (...) {
    return current_exception_code();
  }
}

}  // namespace syslogtls
