// error.cpp - thread-local error detail and the exception-to-code mapping.
#include "error.hpp"

namespace syslogtls {
namespace {
thread_local std::string t_errmsg;
}

void set_errmsg(const std::string& msg) noexcept {
  try {
    t_errmsg = msg;
  } catch (...) {
    t_errmsg.clear();
  }
}

void clear_errmsg() noexcept { t_errmsg.clear(); }

int current_exception_code() noexcept {
  try {
    throw;
  } catch (const Error& e) {
    set_errmsg(e.what());
    return e.code();
  } catch (const std::bad_alloc&) {
    set_errmsg("out of memory");
    return SYSLOGTLS_E_NOMEM;
  } catch (const std::exception& e) {
    set_errmsg(std::string("internal error: ") + e.what());
    return SYSLOGTLS_E_INTERNAL;
  } catch (...) {
    set_errmsg("internal error: unknown exception");
    return SYSLOGTLS_E_INTERNAL;
  }
}

}  // namespace syslogtls

extern "C" {

const char* syslogtls_version(void) { return SYSLOGTLS_VERSION_STRING; }

const char* syslogtls_errmsg(void) { return syslogtls::t_errmsg.c_str(); }

const char* syslogtls_strerror(int code) {
  switch (code) {
    case SYSLOGTLS_OK: return "success";
    case SYSLOGTLS_E_INVAL: return "invalid argument";
    case SYSLOGTLS_E_NOMEM: return "out of memory";
    case SYSLOGTLS_E_INTERNAL: return "internal error";
    case SYSLOGTLS_E_IO: return "I/O error";
    case SYSLOGTLS_E_FILE: return "file error";
    case SYSLOGTLS_E_AGAIN: return "try again";
    case SYSLOGTLS_E_TIMEOUT: return "timed out";
    case SYSLOGTLS_E_CLOSED: return "connection closed by peer";
    case SYSLOGTLS_E_PEER_REJECTED: return "peer rejected";
    case SYSLOGTLS_E_REJECTED_BY_PEER: return "rejected by peer";
    case SYSLOGTLS_E_TLS: return "TLS protocol error";
    case SYSLOGTLS_E_FRAME: return "invalid frame";
    case SYSLOGTLS_E_ADDR: return "address error";
    case SYSLOGTLS_E_CONNECT: return "connection failed";
    case SYSLOGTLS_E_LIMIT: return "limit reached";
    case SYSLOGTLS_E_STATE: return "invalid state";
    case SYSLOGTLS_E_ABORTED: return "aborted";
    default: return "unknown error";
  }
}

}  // extern "C"
