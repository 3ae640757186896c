// host_test_stubs.hpp - what the stand-ins for rsyslogd symbols recorded.
//
// Concurrency & Locking: single-threaded tests only.
#pragma once

#include <string>
#include <vector>

#include "rsyslog_abi.hpp"

namespace stubs {
extern std::vector<std::string> logged;   // every LogError/LogMsg text
extern int lastCode;                      // iErrCode of the last one
extern rs::cnfparamvals* nextVals;        // returned by the next nvlstGetParams
extern bool msgLayoutDebugBuild;          // msgConstruct fakes a debug-build layout
}  // namespace stubs
