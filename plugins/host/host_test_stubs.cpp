// host_test_stubs.cpp - stand-ins for the rsyslogd symbols the host layer
// imports, so that its logic can be unit-tested without a daemon. They record
// what they were given; nothing here is rsyslog code.
//
// Concurrency & Locking: single-threaded tests only.
#include "host_test_stubs.hpp"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace stubs {
std::vector<std::string> logged;
int lastCode = 0;
rs::cnfparamvals* nextVals = nullptr;
bool msgLayoutDebugBuild = false;
}  // namespace stubs

extern "C" {
int GatherStats = 1;
int Debug = 0;
int bHaveMainQueue = 0;

void LogError(const int, const int iErrCode, const char* fmt, ...) {
  char buf[4096];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  stubs::logged.emplace_back(buf);
  stubs::lastCode = iErrCode;
}

void LogMsg(const int, const int iErrCode, const int, const char* fmt, ...) {
  char buf[4096];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  stubs::logged.emplace_back(buf);
  stubs::lastCode = iErrCode;
}

void r_dbgprintf(const char*, const char*, ...) {}

// A fake struct msg carrying the fingerprint of an NDEBUG 8.2302 build, or
// of a debug build (everything shifted by 8 bytes).
rs::rsRetVal msgConstruct(rs::smsg_t** pp) {
  auto* m = static_cast<char*>(std::calloc(1, 512));
  const std::size_t shift = stubs::msgLayoutDebugBuild ? 8 : 0;
  const int one = 1, minusOne = -1;
  const unsigned short seven = 7;
  std::memcpy(m + rs::kMsgOffRefCount + shift, &one, sizeof one);
  std::memcpy(m + rs::kMsgOffSeverity + shift, &seven, sizeof seven);
  std::memcpy(m + rs::kMsgOffOffMSG + shift, &minusOne, sizeof minusOne);
  *pp = reinterpret_cast<rs::smsg_t*>(m);
  return rs::RS_RET_OK;
}

rs::rsRetVal msgConstructWithTime(rs::smsg_t** pp, const rs::syslogTime*, const time_t) { return msgConstruct(pp); }

rs::rsRetVal msgDestruct(rs::smsg_t** pp) {
  std::free(*pp);
  *pp = nullptr;
  return rs::RS_RET_OK;
}

rs::cnfparamvals* nvlstGetParams(rs::nvlst*, rs::cnfparamblk*, rs::cnfparamvals*) {
  rs::cnfparamvals* v = stubs::nextVals;
  stubs::nextVals = nullptr;
  return v;
}

void cnfparamvalsDestruct(const rs::cnfparamvals*, const rs::cnfparamblk*) {}
}
