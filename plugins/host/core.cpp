// core.cpp - obj interfaces, entry-point lookup and the host guard at modInit.
//
// Concurrency & Locking: the statics below are written only by initCore and
// releaseCore on rsyslog's main thread, while no thread of the module runs;
// afterwards they are read-only.
#include "core.hpp"

#include <cstring>

#include "firewall.hpp"
#include "guard.hpp"
#include "log.hpp"
#include "main_wake.hpp"

namespace host {
namespace {

struct CoreState {
  rs::obj_if_t obj;
  rs::prop_if_t prop;
  rs::statsobj_if_t statsobj;
  rs::datetime_if_t datetime;
  bool haveProp;
  bool haveStatsobj;
  bool haveDatetime;
  bool msgFlagsOk;
  std::string version;
  std::string buildId;
  const HostRelease* release;
};
CoreState g_core;

char kPropName[] = "prop";
char kStatsobjName[] = "statsobj";
char kDatetimeName[] = "datetime";

[[noreturn]] void refuse(rs::rsRetVal code, const std::string& why) {
  logError(code, "%s: refusing to load into this rsyslogd: %s", moduleName(), why.c_str());
  throw Reported(code);
}

template <typename If>
void useObj(char* name, If& iface, int version) {
  std::memset(&iface, 0, sizeof iface);
  iface.hdr.ifVersion = version;
  rs::rsRetVal r = g_core.obj.UseObj(__FILE__, reinterpret_cast<rs::uchar*>(name), nullptr, &iface);
  if (r != rs::RS_RET_OK) {
    refuse(r, std::string("the core does not provide interface '") + name + "' version " +
                  std::to_string(version) + " (rsyslog error " + std::to_string(r) + "), found rsyslogd " +
                  (g_core.version.empty() ? "of unknown version" : g_core.version));
  }
}

}  // namespace

void initCore(const char* name, HostQueryFn hostQuery, unsigned needs) {
  setModuleName(name);
  mainWakeInit();
  g_core.haveProp = g_core.haveStatsobj = g_core.haveDatetime = g_core.msgFlagsOk = false;
  g_core.release = nullptr;
  std::memset(&g_core.obj, 0, sizeof g_core.obj);

  HostIdentity id = probeHost();
  g_core.version = id.swVersion;
  g_core.buildId = id.buildId;
  g_core.release = findHostRelease(id.swVersion);
  if (g_core.release == nullptr) refuse(rs::RS_RET_INCOMPATIBLE, unsupportedHostText(id));

  rs::EntryPoint fn = nullptr;
  char objGet[] = "objGetObjInterface";
  if (hostQuery == nullptr || hostQuery(reinterpret_cast<rs::uchar*>(objGet), &fn) != rs::RS_RET_OK || fn == nullptr) {
    refuse(rs::RS_RET_MISSING_INTERFACE, "the host does not provide objGetObjInterface");
  }
  auto getObj = reinterpret_cast<rs::rsRetVal (*)(rs::obj_if_t*)>(reinterpret_cast<void (*)()>(fn));
  g_core.obj.hdr.ifVersion = rs::objCURR_IF_VERSION;
  getObj(&g_core.obj);
  // objGetObjInterface reports success even on a version mismatch (ABI.md §5).
  if (g_core.obj.UseObj == nullptr || g_core.obj.ReleaseObj == nullptr) {
    refuse(rs::RS_RET_INTERFACE_NOT_SUPPORTED, "the obj interface version 2 is not provided, found rsyslogd " +
                                                   g_core.version);
  }
  if (needs & kNeedProp) {
    useObj(kPropName, g_core.prop, rs::propCURR_IF_VERSION);
    g_core.haveProp = true;
  }
  if (needs & kNeedStatsobj) {
    useObj(kStatsobjName, g_core.statsobj, rs::statsobjCURR_IF_VERSION);
    g_core.haveStatsobj = true;
  }
  if (needs & kNeedDatetime) {
    useObj(kDatetimeName, g_core.datetime, rs::datetimeCURR_IF_VERSION);
    if (g_core.datetime.getCurrTime == nullptr) {
      refuse(rs::RS_RET_INTERFACE_NOT_SUPPORTED, "the datetime interface has no getCurrTime, found rsyslogd " +
                                                     g_core.version);
    }
    g_core.haveDatetime = true;
  }
  if (needs & kNeedMsgFlags) {
    std::string why;
    if (!checkMsgLayout(why)) refuse(rs::RS_RET_INCOMPATIBLE, why + ", rsyslogd " + g_core.version);
    g_core.msgFlagsOk = true;
  }
  logDebug("%s: host swVersion=%s build-id=%s", name, g_core.version.c_str(), g_core.buildId.c_str());
}

void releaseCore() noexcept {
  mainWakeShutdown();
  if (g_core.obj.ReleaseObj != nullptr) {
    if (g_core.haveStatsobj) g_core.obj.ReleaseObj(__FILE__, reinterpret_cast<rs::uchar*>(kStatsobjName), nullptr, &g_core.statsobj);
    if (g_core.haveProp) g_core.obj.ReleaseObj(__FILE__, reinterpret_cast<rs::uchar*>(kPropName), nullptr, &g_core.prop);
    if (g_core.haveDatetime) {
      g_core.obj.ReleaseObj(__FILE__, reinterpret_cast<rs::uchar*>(kDatetimeName), nullptr, &g_core.datetime);
    }
  }
  g_core.haveProp = g_core.haveStatsobj = g_core.haveDatetime = false;
}

const rs::prop_if_t& prop() noexcept { return g_core.prop; }
const rs::statsobj_if_t& statsobj() noexcept { return g_core.statsobj; }
const rs::datetime_if_t& datetime() noexcept { return g_core.datetime; }
const std::string& hostVersion() noexcept { return g_core.version; }
const std::string& hostBuildId() noexcept { return g_core.buildId; }
const HostRelease* hostRelease() noexcept { return g_core.release; }

void setMsgFlags(rs::smsg_t* msg, int flags) noexcept {
  if (!g_core.msgFlagsOk) return;
  std::memcpy(reinterpret_cast<char*>(msg) + rs::kMsgOffMsgFlags, &flags, sizeof flags);
}

rs::rsRetVal findEntryPoint(const EntryPointDef* table, std::size_t n, const rs::uchar* name,
                            rs::EntryPoint* out) noexcept {
  if (out == nullptr) return rs::RS_RET_PARAM_ERROR;
  *out = nullptr;
  if (name == nullptr) return rs::RS_RET_PARAM_ERROR;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::strcmp(table[i].name, reinterpret_cast<const char*>(name)) == 0) {
      *out = table[i].fn;
      return rs::RS_RET_OK;
    }
  }
  return rs::RS_RET_MODULE_ENTRY_POINT_NOT_FOUND;
}

}  // namespace host
