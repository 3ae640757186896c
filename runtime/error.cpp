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
    case SYSLOGTLS_E_SPACE: return "buffer too small";
    default: return "unknown error";
  }
}

const char* syslogtls_reason_name(int reason) {
  switch (reason) {
    case SYSLOGTLS_REASON_NONE: return "no failure";
    case SYSLOGTLS_REASON_HANDSHAKE_TIMEOUT: return "handshake timeout";
    case SYSLOGTLS_REASON_UNTRUSTED: return "certificate not trusted";
    case SYSLOGTLS_REASON_NAME_MISMATCH: return "name mismatch";
    case SYSLOGTLS_REASON_FINGERPRINT_MISMATCH: return "fingerprint mismatch";
    case SYSLOGTLS_REASON_EXPIRED: return "certificate expired";
    case SYSLOGTLS_REASON_NOT_YET_VALID: return "certificate not yet valid";
    case SYSLOGTLS_REASON_REVOKED: return "certificate revoked";
    case SYSLOGTLS_REASON_NO_CERTIFICATE: return "no certificate";
    case SYSLOGTLS_REASON_PLAINTEXT: return "not TLS (plaintext)";
    case SYSLOGTLS_REASON_LIMIT: return "session limit reached";
    case SYSLOGTLS_REASON_REJECTED_BY_PEER: return "rejected by peer";
    case SYSLOGTLS_REASON_TLS_PROTOCOL: return "TLS protocol error";
    case SYSLOGTLS_REASON_CERT_INVALID: return "certificate invalid";
    case SYSLOGTLS_REASON_CONNECT: return "connection failed";
    case SYSLOGTLS_REASON_RESOLVE: return "name resolution failed";
    case SYSLOGTLS_REASON_IO: return "I/O error";
    case SYSLOGTLS_REASON_BAD_FRAME: return "invalid frame";
    case SYSLOGTLS_REASON_OVERSIZE: return "frame too large";
    case SYSLOGTLS_REASON_IDLE_TIMEOUT: return "idle timeout";
    case SYSLOGTLS_REASON_DRAIN_TIMEOUT: return "drain timeout";
    case SYSLOGTLS_REASON_CLOSED: return "closed by peer";
    case SYSLOGTLS_REASON_ABORTED: return "aborted";
    case SYSLOGTLS_REASON_WILDCARD_REFUSED: return "wildcard certificate refused";
    case SYSLOGTLS_REASON_EVICTED: return "pending handshake evicted";
    case SYSLOGTLS_REASON_PROXY_HEADER: return "invalid PROXY protocol header";
    case SYSLOGTLS_REASON_PROXY_UNTRUSTED: return "untrusted PROXY protocol source";
    default: return "unknown reason";
  }
}

const char* syslogtls_setting_name(int setting) {
  switch (setting) {
    case SYSLOGTLS_SETTING_NONE: return "";
    case SYSLOGTLS_SETTING_CA_FILE: return "CA file";
    case SYSLOGTLS_SETTING_CERT_FILE: return "certificate file";
    case SYSLOGTLS_SETTING_KEY_FILE: return "private key file";
    case SYSLOGTLS_SETTING_PRIORITY: return "priority string";
    case SYSLOGTLS_SETTING_AUTH_MODE: return "authentication mode";
    case SYSLOGTLS_SETTING_PERMITTED_PEER: return "permitted peer";
    case SYSLOGTLS_SETTING_HANDSHAKE_TIMEOUT: return "handshake timeout";
    case SYSLOGTLS_SETTING_CRL_FILE: return "CRL file";
    case SYSLOGTLS_SETTING_ACCEPT_WILDCARD: return "wildcard certificates";
    default: return "unknown setting";
  }
}

}  // extern "C"
