// omtls.cpp - rsyslog output module omtls: action(type="omtls") forwards batches over TLS (RFC 5425).
//
// Concurrency & Locking
//  - Config (modInit, beginCnfLoad, setModCnf, newActInst, freeInstance,
//    modExit) runs on rsyslog's main thread. g_modDefaults is written only
//    there, before any worker exists.
//  - Per action (pData = Instance): the ActionConfig is immutable after
//    newActInst and read by all workers without locks. ActionShared holds
//    the only mutable shared state (error memory under its own mutex;
//    counters and the abort-flag pointer are atomics).
//  - Per worker (pWrkrData = Worker): the Sender (one TLS connection) is
//    used only by its worker thread (createWrkrInstance, tryResume,
//    beginTransaction, commitTransaction, freeWrkrInstance).
//  - doHUP (main thread, concurrently with the workers) has the action's
//    TLS files re-read on the certificate watcher thread; host::Credentials
//    swaps the config under its own mutex; workers take a reference when they connect, so
//    the next connection uses the new files and the current one is kept.
//    doHUPWrkr is not exported (nothing per worker to reopen). The
//    certificate watcher thread polls the same Credentials; an Instance
//    leaves it before it is freed. freeInstance runs after the core freed
//    every worker of the action.
//  - g_activate lists the instances of the config being loaded (main
//    thread only) until activateCnf registers them with the watcher.
//  - Every entry point runs behind host::guarded (no exception escapes;
//    forced unwinding from pthread_cancel passes through).
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <syslog.h>
#include <vector>

#include "cert_watcher.hpp"
#include "core.hpp"
#include "firewall.hpp"
#include "log.hpp"
#include "omtls_config.hpp"
#include "omtls_params.hpp"
#include "omtls_sender.hpp"
#include "omtls_shared.hpp"
#include "rsyslog_abi.hpp"
#include "stats.hpp"

namespace {

using omtls::ActionConfig;
using omtls::ActionShared;
using omtls::Sender;
using omtls::Severity;

// module(load="omtls" tls.*=...) values; the defaults of every action.
omtls::TlsDefaults g_modDefaults;
int g_modConf;  // the (empty) module config object handed to the core

void logFromSender(Severity sev, const std::string& text) {
  switch (sev) {
    case Severity::Error:
      host::logError(rs::NO_ERRCODE, "%s", text.c_str());
      break;
    case Severity::Warning:
      host::logWarning(rs::NO_ERRCODE, "%s", text.c_str());
      break;
    default:
      host::logMsg(LOG_INFO, "%s", text.c_str());
      break;
  }
}

// One action(): config shared by its workers, statistics.
struct Instance final {
  std::unique_ptr<ActionConfig> cfg;
  std::unique_ptr<ActionShared> shared;
  std::unique_ptr<host::StatsObj> stats;  // destroyed first: it points at shared->counters
  bool watched = false;   // cfg->credentials() registered with host::CertWatcher
  int noCertGauge = -1;   // cert.expiresInDays with tls="off"

  Instance() = default;
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  ~Instance() {
    if (watched) host::CertWatcher::instance().remove(cfg->credentials());
    stats.reset();
  }
};

// Instances of the config being loaded, not yet activated (main thread).
std::vector<Instance*> g_activate;

// One action worker: its connection and a reused view array.
struct Worker final {
  explicit Worker(Instance& i) : inst(i), sender(*i.cfg, *i.shared) {}
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  Instance& inst;
  Sender sender;
  std::vector<omtls::MsgView> views;
};

rs::rsRetVal toRet(Sender::Result r) { return r == Sender::Result::Ok ? rs::RS_RET_OK : rs::RS_RET_SUSPENDED; }

std::unique_ptr<host::StatsObj> makeStats(const std::string& name, const omtls::Counters& c, const int* gauge) {
  auto so = std::make_unique<host::StatsObj>(name, "omtls");
  so->addGauge("cert.expiresInDays", gauge);
  so->addCounter("messages.sent", &c.messagesSent, true);
  so->addCounter("messages.dropped", &c.messagesDropped, true);
  so->addCounter("bytes.sent", &c.bytesSent, true);
  so->addCounter("connects", &c.connects, true);
  so->addCounter("connect.failed", &c.connectFailed, true);
  so->addCounter("handshake.failed", &c.handshakeFailed, true);
  so->addCounter("suspended", &c.suspended, true);
  so->finalize();
  return so;
}

// ------------------------------------------------------------ entry points

rs::rsRetVal getType(rs::eModType* t) {
  *t = rs::eMOD_OUT;
  return rs::RS_RET_OK;
}
rs::rsRetVal getKeepType(rs::eModKeepType* t) {
  *t = rs::eMOD_NOKEEP;
  return rs::RS_RET_OK;
}
rs::rsRetVal modExit();
rs::rsRetVal modGetID(void** id) {
  *id = reinterpret_cast<void*>(&modExit);
  return rs::RS_RET_OK;
}
rs::rsRetVal modExit() {
  return host::guarded("modExit", [] {
    host::CertWatcher::instance().shutdown();  // normally already joined by freeCnf / freeInstance
    host::releaseCore();
  });
}
rs::rsRetVal isCompatibleWithFeature(rs::syslogFeature f) {
  return f == rs::sFEATURERepeatedMsgReduction ? rs::RS_RET_OK : rs::RS_RET_INCOMPATIBLE;
}
rs::rsRetVal getModCnfName(rs::uchar** name) {
  static char kName[] = "omtls";
  *name = reinterpret_cast<rs::uchar*>(kName);
  return rs::RS_RET_OK;
}

rs::rsRetVal beginCnfLoad(void** ppModConf, rs::rsconf_t*) {
  return host::guarded("beginCnfLoad", [&] {
    g_modDefaults = omtls::TlsDefaults();
    *ppModConf = &g_modConf;
  });
}
rs::rsRetVal setModCnf(rs::nvlst* lst) {
  return host::guarded("setModCnf", [&]() -> rs::rsRetVal {
    if (!omtls::parseModuleParams(lst, g_modDefaults)) {
      host::logError(rs::RS_RET_MISSING_CNFPARAMS, "omtls: error reading module() parameters");
      return rs::RS_RET_MISSING_CNFPARAMS;
    }
    return rs::RS_RET_OK;
  });
}
rs::rsRetVal endCnfLoad(void*) { return rs::RS_RET_OK; }
rs::rsRetVal checkCnf(void*) { return rs::RS_RET_OK; }
// Not called under -N1: the checked config starts no thread.
rs::rsRetVal activateCnf(void*) {
  return host::guarded("activateCnf", [&] {
    std::vector<Instance*> pending;
    pending.swap(g_activate);
    for (Instance* inst : pending) {
      host::Credentials* cr = inst->cfg->credentials();
      if (cr == nullptr) continue;
      cr->announce(host::unixNow());
      host::CertWatcher::instance().add(cr);
      inst->watched = true;
    }
  });
}
rs::rsRetVal freeCnf(void*) { return rs::RS_RET_OK; }

rs::rsRetVal parseSelectorAct(rs::uchar**, void**, rs::omodStringRequest_t**) {
  return rs::RS_RET_CONFLINE_UNPROCESSED;  // no legacy syntax (see plugins/host/ABI.md §3.3)
}

rs::rsRetVal newActInst(rs::uchar*, rs::nvlst* lst, void** ppModData, rs::omodStringRequest_t** ppOMSR) {
  return host::guarded("newActInst", [&]() -> rs::rsRetVal {
    *ppModData = nullptr;
    *ppOMSR = nullptr;
    omtls::ActionSettings s;
    if (!omtls::parseActionParams(lst, s)) {
      host::logError(rs::RS_RET_MISSING_CNFPARAMS, "omtls: error reading action() parameters");
      return rs::RS_RET_MISSING_CNFPARAMS;
    }
    std::string err;
    std::vector<std::string> warnings;
    auto inst = std::make_unique<Instance>();
    inst->cfg = ActionConfig::build(s, g_modDefaults, err, warnings);
    if (!inst->cfg) {
      host::logError(rs::RS_RET_CONF_PARAM_INVLD, "omtls: action(target=\"%s\"): %s",
                     s.targets.empty() ? "" : s.targets.front().c_str(), err.c_str());
      return rs::RS_RET_CONF_PARAM_INVLD;
    }
    for (const auto& w : warnings) host::logWarning(rs::NO_ERRCODE, "%s", w.c_str());
    inst->shared = std::make_unique<ActionShared>(inst->cfg->targets().size(), logFromSender);
    host::Credentials* cr = inst->cfg->credentials();
    inst->stats = makeStats(inst->cfg->statsName(), inst->shared->counters,
                            cr != nullptr ? cr->expiresInDaysGauge() : &inst->noCertGauge);

    rs::omodStringRequest_t* omsr = nullptr;
    rs::rsRetVal r = OMSRconstruct(&omsr, 1);
    if (r != rs::RS_RET_OK) return r;
    char* tpl = strdup(inst->cfg->templateName().c_str());  // the core frees it
    if (tpl == nullptr) {
      OMSRdestruct(omsr);
      return rs::RS_RET_OUT_OF_MEMORY;
    }
    r = OMSRsetEntry(omsr, 0, reinterpret_cast<rs::uchar*>(tpl), rs::OMSR_NO_RQD_TPL_OPTS);
    if (r != rs::RS_RET_OK) {
      OMSRdestruct(omsr);
      return r;
    }
    *ppOMSR = omsr;
    g_activate.push_back(inst.get());
    *ppModData = inst.release();
    return rs::RS_RET_OK;
  });
}

rs::rsRetVal freeInstance(void* pData) {
  return host::guarded("freeInstance", [&] {
    auto* inst = static_cast<Instance*>(pData);
    g_activate.erase(std::remove(g_activate.begin(), g_activate.end(), inst), g_activate.end());
    delete inst;
  });
}

// Once per action, main thread, concurrently with its workers (ABI.md §11).
rs::rsRetVal doHUP(void* pData) {
  return host::guarded("doHUP", [&] {
    auto* inst = static_cast<Instance*>(pData);
    if (inst == nullptr || !inst->watched) return;
    host::CertWatcher::instance().hup(inst->cfg->credentials());  // the reload runs on the watcher thread
  });
}

rs::rsRetVal dbgPrintInstInfo(void* pData) {
  return host::guarded("dbgPrintInstInfo", [&] {
    const auto* inst = static_cast<Instance*>(pData);
    if (inst != nullptr && inst->cfg) host::logDebug("omtls: %s", inst->cfg->describe().c_str());
  });
}

rs::rsRetVal SetShutdownImmdtPtr(void* pData, int* flag) {
  return host::guarded("SetShutdownImmdtPtr", [&] { static_cast<Instance*>(pData)->shared->setAbortFlag(flag); });
}

rs::rsRetVal createWrkrInstance(void** ppWrkrData, void* pData) {
  return host::guarded("createWrkrInstance", [&] {
    *ppWrkrData = nullptr;
    *ppWrkrData = new Worker(*static_cast<Instance*>(pData));
  });
}

rs::rsRetVal freeWrkrInstance(void* pWrkrData) {
  return host::guarded("freeWrkrInstance", [&] { delete static_cast<Worker*>(pWrkrData); });
}

rs::rsRetVal tryResume(void* pWrkrData) {
  return host::guarded("tryResume", [&] { return toRet(static_cast<Worker*>(pWrkrData)->sender.tryResume()); });
}

// Connects when there is no connection: if that fails, rsyslog retries
// (tryResume) with the batch still counted as unprocessed in its queue, so a
// shutdown meanwhile saves it to a disk-assisted queue (Sender::begin).
rs::rsRetVal beginTransaction(void* pWrkrData) {
  rs::rsRetVal r = host::guarded("beginTransaction", [&] {
    return toRet(static_cast<Worker*>(pWrkrData)->sender.begin());
  });
  return r == rs::RS_RET_OK ? r : rs::RS_RET_SUSPENDED;
}

rs::rsRetVal commitTransaction(void* pWrkrData, rs::actWrkrIParams_t* p, const unsigned nParams) {
  rs::rsRetVal r = host::guarded("commitTransaction", [&] {
    auto* w = static_cast<Worker*>(pWrkrData);
    w->views.resize(nParams);
    for (unsigned i = 0; i < nParams; ++i)  // one template per action: p[i * 1 + 0]
      w->views[i] = omtls::MsgView{reinterpret_cast<const char*>(p[i].param), p[i].lenStr};
    return toRet(w->sender.commit(w->views.data(), nParams));
  });
  // A bug or out-of-memory must not lose the batch either: keep it queued.
  return r == rs::RS_RET_OK ? r : rs::RS_RET_SUSPENDED;
}

rs::rsRetVal queryEtryPt(rs::uchar* name, rs::EntryPoint* pEtryPoint) {
  using host::ep;
  static const host::EntryPointDef table[] = {
      {"getType", ep(&getType)},
      {"getKeepType", ep(&getKeepType)},
      {"modGetID", ep(&modGetID)},
      {"modExit", ep(&modExit)},
      {"isCompatibleWithFeature", ep(&isCompatibleWithFeature)},
      {"getModCnfName", ep(&getModCnfName)},
      {"beginCnfLoad", ep(&beginCnfLoad)},
      {"setModCnf", ep(&setModCnf)},
      {"endCnfLoad", ep(&endCnfLoad)},
      {"checkCnf", ep(&checkCnf)},
      {"activateCnf", ep(&activateCnf)},
      {"freeCnf", ep(&freeCnf)},
      {"parseSelectorAct", ep(&parseSelectorAct)},
      {"newActInst", ep(&newActInst)},
      {"freeInstance", ep(&freeInstance)},
      {"doHUP", ep(&doHUP)},
      {"dbgPrintInstInfo", ep(&dbgPrintInstInfo)},
      {"SetShutdownImmdtPtr", ep(&SetShutdownImmdtPtr)},
      {"createWrkrInstance", ep(&createWrkrInstance)},
      {"freeWrkrInstance", ep(&freeWrkrInstance)},
      {"tryResume", ep(&tryResume)},
      {"beginTransaction", ep(&beginTransaction)},
      {"commitTransaction", ep(&commitTransaction)},
  };
  return host::findEntryPoint(table, sizeof table / sizeof table[0], name, pEtryPoint);
}

}  // namespace

extern "C" __attribute__((visibility("default"))) rs::rsRetVal modInit(int, int* ipIFVersProvided,
                                                                       rs::EntryPoint* pQueryEtryPt,
                                                                       host::HostQueryFn pHostQueryEtryPt,
                                                                       rs::modInfo_t*) {
  return host::guarded("modInit", [&] {
    g_modDefaults = omtls::TlsDefaults();
    g_activate.clear();  // modInit may run again on a cached image
    host::initCore("omtls", pHostQueryEtryPt, host::kNeedStatsobj);
    *ipIFVersProvided = rs::CURR_MOD_IF_VERSION;
    *pQueryEtryPt = host::ep(&queryEtryPt);
  });
}
