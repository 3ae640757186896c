// core.hpp - the rsyslog core as the modules see it: the obj interfaces
// (obj, prop, statsobj, datetime), the entry-point table behind queryEtryPt, and the
// host guard that refuses a daemon whose ABI we do not know.
//
// Concurrency & Locking: initCore/releaseCore run on rsyslog's main thread
// (modInit / modExit). In between the interface tables are read-only and may
// be used from any thread.
#pragma once

#include <cstddef>
#include <string>

#include "guard.hpp"
#include "rsyslog_abi.hpp"

namespace host {

// The host query function passed to modInit (ABI.md §2).
using HostQueryFn = rs::rsRetVal (*)(rs::uchar* name, rs::EntryPoint* pEtryPoint);

// What initCore checks and acquires.
enum CoreNeeds : unsigned {
  kNeedProp = 0x1,      // prop interface (input names, fromhost caches)
  kNeedStatsobj = 0x2,  // statsobj v13 (impstats counters)
  kNeedMsgFlags = 0x4,  // module writes msgFlags: check the struct msg fingerprint
  kNeedDatetime = 0x8,  // datetime v11 (one received-time stamp per batch of messages)
};

// modInit helper, called first in modInit: sets the module name, checks the
// host (version, interface versions, msg layout if asked) and acquires the
// interfaces. On refusal it logs ONE error line naming what was found and
// throws host::Reported. Resets all static state (modInit may run again on a
// cached image).
void initCore(const char* moduleName, HostQueryFn hostQuery, unsigned needs);
// modExit helper: releases the interfaces.
void releaseCore() noexcept;

// Acquired interfaces; valid between initCore and releaseCore.
const rs::prop_if_t& prop() noexcept;
const rs::statsobj_if_t& statsobj() noexcept;
const rs::datetime_if_t& datetime() noexcept;

// What the guard found (for the startup log line).
const std::string& hostVersion() noexcept;
const std::string& hostBuildId() noexcept;
// The supported release found (guard.hpp); nullptr before initCore succeeded.
// Code using a fact that differs between releases branches on this.
const HostRelease* hostRelease() noexcept;

// Writes msgFlags of a fresh message (ABI.md §7.6). Only valid when initCore was
// given kNeedMsgFlags and succeeded.
void setMsgFlags(rs::smsg_t* msg, int flags) noexcept;

// queryEtryPt helper (ABI.md §3). Casts go through void(*)() to avoid
// -Wcast-function-type.
struct EntryPointDef {
  const char* name;
  rs::EntryPoint fn;
};
template <typename Fn>
rs::EntryPoint ep(Fn* fn) noexcept {
  return reinterpret_cast<rs::EntryPoint>(reinterpret_cast<void (*)()>(fn));
}
// Looks name up (exact match); sets *out and returns RS_RET_OK, or sets NULL
// and returns RS_RET_MODULE_ENTRY_POINT_NOT_FOUND.
rs::rsRetVal findEntryPoint(const EntryPointDef* table, std::size_t n, const rs::uchar* name,
                            rs::EntryPoint* out) noexcept;

}  // namespace host
