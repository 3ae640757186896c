// firewall.cpp - maps exceptions escaping an entry point to logged rsRetVals.
//
// Concurrency & Locking: stateless; usable on any thread.
#include "firewall.hpp"

namespace host {

rs::rsRetVal reportCurrentException(const char* entryPoint) noexcept {
  try {
    throw;
  } catch (const Reported& e) {
    return e.code();
  } catch (const Error& e) {
    logError(e.code(), "%s: %s: %s", moduleName(), entryPoint, e.what());
    return e.code();
  } catch (const std::bad_alloc&) {
    logError(rs::RS_RET_OUT_OF_MEMORY, "%s: %s: out of memory", moduleName(), entryPoint);
    return rs::RS_RET_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    logError(rs::RS_RET_ERR, "%s: %s: %s", moduleName(), entryPoint, e.what());
    return rs::RS_RET_ERR;
  } catch (...) {
    logError(rs::RS_RET_ERR, "%s: %s: unknown exception", moduleName(), entryPoint);
    return rs::RS_RET_ERR;
  }
}

}  // namespace host
