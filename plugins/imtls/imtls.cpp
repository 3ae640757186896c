// imtls.cpp - rsyslog entry points of imtls, the RFC 5425 TLS syslog input.
//
// Concurrency & Locking: rsyslog calls modInit, the config entry points,
// willRun, afterRun, doHUP, freeCnf and modExit on its main thread, and
// runInput on the module's single input thread ("in:imtls"). g_loading is
// touched only by config-load entry points (main thread); g_running is set
// in activateCnfPrePrivDrop before the input thread exists and cleared in
// freeCnf after it was joined, so runInput reads it without a lock. The
// listeners' callbacks run on the runtime's event-loop threads (see
// listener.hpp); every runtime thread is joined before runInput returns.
// doHUP has each input's TLS files re-read on the certificate watcher
// thread (Listener::reload); sessions survive a HUP. The certificate watcher thread (host::CertWatcher) is
// joined when the last listener is freed (freeCnf).
#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include <memory>
#include <thread>
#include <vector>

#include "cert_watcher.hpp"
#include "core.hpp"
#include "firewall.hpp"
#include "listener.hpp"
#include "log.hpp"
#include "settings.hpp"

namespace imtls {
namespace {

constexpr char kCnfName[] = "imtls";

// The module's config object (modConf) for one rsyslog config.
struct ModConf final {
  rs::rsconf_t* conf = nullptr;
  Settings defaults;
  bool moduleBroken = false;  // module() parameters were rejected
  std::vector<std::unique_ptr<Listener>> listeners;
  ModConf() = default;
  ModConf(const ModConf&) = delete;
  ModConf& operator=(const ModConf&) = delete;
};

ModConf* g_loading = nullptr;
ModConf* g_running = nullptr;

ModConf* asConf(void* p) {
  if (p == nullptr) throw host::Error(rs::RS_RET_ERR, "no module config");
  return static_cast<ModConf*>(p);
}

template <typename Pred>
void dropListeners(ModConf* mc, Pred&& keep) {
  std::vector<std::unique_ptr<Listener>> kept;
  for (auto& l : mc->listeners) {
    if (keep(*l)) kept.push_back(std::move(l));
  }
  mc->listeners = std::move(kept);
}

// Stops every listener in parallel, each with the full drain bound, and
// joins all runtime threads. Helper threads block every signal.
void stopAll(ModConf* mc, unsigned drainMs) noexcept {
  if (mc == nullptr || mc->listeners.empty()) return;
  if (mc->listeners.size() == 1) {
    mc->listeners.front()->stop(drainMs);
    return;
  }
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  std::vector<std::thread> threads;
  try {
    for (auto& l : mc->listeners) {
      Listener* p = l.get();
      threads.emplace_back([p, drainMs] { p->stop(drainMs); });
    }
  } catch (...) {
    // Could not start a helper thread: the remaining listeners stop inline.
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  for (std::size_t i = threads.size(); i < mc->listeners.size(); ++i) mc->listeners[i]->stop(drainMs);
  for (auto& t : threads) t.join();
}

// Stops the servers without draining if runInput is left early (forced
// unwinding when rsyslog cancels the input thread).
class StopGuard final {
 public:
  explicit StopGuard(ModConf* mc) : mc_(mc) {}
  ~StopGuard() {
    if (mc_ != nullptr)
      for (auto& l : mc_->listeners) l->stop(0);
  }
  void disarm() { mc_ = nullptr; }
  StopGuard(const StopGuard&) = delete;
  StopGuard& operator=(const StopGuard&) = delete;

 private:
  ModConf* mc_;
};

// ----------------------------------------------------------------- entry points

rs::rsRetVal modExit() {
  return host::guarded("modExit", [] {
    host::CertWatcher::instance().shutdown();  // normally already joined by freeCnf / freeInstance
    host::releaseCore();
  });
}

rs::rsRetVal getType(rs::eModType* t) {
  *t = rs::eMOD_IN;
  return rs::RS_RET_OK;
}

rs::rsRetVal getKeepType(rs::eModKeepType* t) {
  *t = rs::eMOD_NOKEEP;
  return rs::RS_RET_OK;
}

rs::rsRetVal modGetID(void** id) {
  *id = reinterpret_cast<void*>(&modExit);
  return rs::RS_RET_OK;
}

rs::rsRetVal isCompatibleWithFeature(rs::syslogFeature f) {
  return f == rs::sFEATURENonCancelInputTermination ? rs::RS_RET_OK : rs::RS_RET_INCOMPATIBLE;
}

rs::rsRetVal getModCnfName(rs::uchar** name) {
  *name = reinterpret_cast<rs::uchar*>(const_cast<char*>(kCnfName));
  return rs::RS_RET_OK;
}

rs::rsRetVal beginCnfLoad(void** ppModConf, rs::rsconf_t* conf) {
  return host::guarded("beginCnfLoad", [&] {
    auto mc = std::make_unique<ModConf>();
    mc->conf = conf;
    g_loading = mc.release();
    *ppModConf = g_loading;
  });
}

rs::rsRetVal setModCnf(rs::nvlst* lst) {
  return host::guarded("setModCnf", [&]() -> rs::rsRetVal {
    ModConf* mc = asConf(g_loading);
    if (!moduleParams().apply(lst, mc->defaults)) {
      // Failing here would unload the module and turn every input() into
      // "module unknown" noise; dropping the module() values silently could
      // weaken the policy. So: keep the module, refuse each of its inputs.
      host::logError(rs::RS_RET_MISSING_CNFPARAMS,
                     "imtls: invalid module() parameters (see above): no imtls input will be started");
      mc->moduleBroken = true;
      return rs::RS_RET_OK;
    }
    // A bad module()-level value would fail the whole module load (and so
    // every input): report it and keep the default instead.
    if (!validateModule(mc->defaults)) mc->defaults.drainTimeout = Settings().drainTimeout;
    return rs::RS_RET_OK;
  });
}

rs::rsRetVal newInpInst(rs::nvlst* lst) {
  return host::guarded("newInpInst", [&]() -> rs::rsRetVal {
    ModConf* mc = asConf(g_loading);
    Settings s = mc->defaults;
    s.tlsValues = host::TlsValues();  // given values only; module()'s come in below
    const bool parsed = inputParams().apply(lst, s);
    inheritModuleTls(s, mc->defaults);
    if (mc->moduleBroken) {
      host::logError(rs::RS_RET_CONF_PARAM_INVLD, "imtls: input '%s' not started: invalid module() parameters",
                     s.name.c_str());
      return rs::RS_RET_CONF_PARAM_INVLD;
    }
    if (!parsed) {
      host::logError(rs::RS_RET_MISSING_CNFPARAMS, "imtls: required parameter missing or invalid in input()");
      return rs::RS_RET_MISSING_CNFPARAMS;
    }
    ListenerConfig cfg;
    if (!validate(s, cfg)) return rs::RS_RET_CONF_PARAM_INVLD;
    mc->listeners.push_back(std::make_unique<Listener>(cfg));  // loads the TLS files
    return rs::RS_RET_OK;
  });
}

rs::rsRetVal endCnfLoad(void*) {
  g_loading = nullptr;
  return rs::RS_RET_OK;
}

rs::rsRetVal checkCnf(void* modConf) {
  return host::guarded("checkCnf", [&] {
    ModConf* mc = asConf(modConf);
    dropListeners(mc, [&](Listener& l) { return l.bindRuleset(mc->conf); });
  });
}

rs::rsRetVal activateCnfPrePrivDrop(void* modConf) {
  return host::guarded("activateCnfPrePrivDrop", [&] {
    ModConf* mc = asConf(modConf);
    g_running = mc;
    // Bind before rsyslogd drops privileges (ports < 1024, root-only keys).
    dropListeners(mc, [](Listener& l) { return l.bind(); });
  });
}

rs::rsRetVal activateCnf(void* modConf) {
  return host::guarded("activateCnf", [&] {
    ModConf* mc = asConf(modConf);
    g_running = mc;
    dropListeners(mc, [](Listener& l) {
      if (!l.bound() && !l.bind()) return false;
      return host::guarded("activateCnf", [&] { l.activate(); }) == rs::RS_RET_OK;
    });
  });
}

rs::rsRetVal freeCnf(void* modConf) {
  return host::guarded("freeCnf", [&] {
    ModConf* mc = static_cast<ModConf*>(modConf);
    if (g_running == mc) g_running = nullptr;
    if (g_loading == mc) g_loading = nullptr;
    delete mc;  // listeners: stats object, then server (joins), then TLS config
  });
}

rs::rsRetVal willRun() {
  return (g_running != nullptr && !g_running->listeners.empty()) ? rs::RS_RET_OK : rs::RS_RET_NO_RUN;
}

rs::rsRetVal runInput(rs::thrdInfo_t* thrd) {
  return host::guarded("runInput", [&] {
    ModConf* mc = asConf(g_running);
    StopGuard guard(mc);
    for (auto& l : mc->listeners) l->start();

    // Race-free wait for bShallStop: SIGTTIN stays blocked except inside ppoll.
    sigset_t ttin, old;
    sigemptyset(&ttin);
    sigaddset(&ttin, SIGTTIN);
    pthread_sigmask(SIG_BLOCK, &ttin, &old);
    sigset_t waitMask = old;
    sigdelset(&waitMask, SIGTTIN);
    while (!rs::threadShallStop(thrd)) {
      const timespec tick{1, 0};  // belt and braces; SIGTTIN wakes us at once
      ppoll(nullptr, 0, &tick, &waitMask);
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);

    // No cancellation while draining: rsyslog cancels the input thread after
    // inputTimeoutShutdown, and unwinding through the joins below would
    // abort the daemon. The drain is bounded by drainTimeout, so the core's
    // join still returns; the thread then ends normally.
    int oldCancel = 0;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &oldCancel);
    stopAll(mc, static_cast<unsigned>(mc->defaults.drainTimeout));
    guard.disarm();
  });
}

rs::rsRetVal afterRun(rs::thrdInfo_t*) { return rs::RS_RET_OK; }

// Main thread, concurrently with runInput: each input's TLS files are
// re-read (on the watcher thread); open sessions are not touched.
rs::rsRetVal doHUP(void*) {
  return host::guarded("doHUP", [&] {
    if (g_running == nullptr) return;
    for (auto& l : g_running->listeners) l->reload();
  });
}

const host::EntryPointDef kEntryPoints[] = {
    {"modExit", host::ep(&modExit)},
    {"getType", host::ep(&getType)},
    {"getKeepType", host::ep(&getKeepType)},
    {"modGetID", host::ep(&modGetID)},
    {"isCompatibleWithFeature", host::ep(&isCompatibleWithFeature)},
    {"getModCnfName", host::ep(&getModCnfName)},
    {"beginCnfLoad", host::ep(&beginCnfLoad)},
    {"setModCnf", host::ep(&setModCnf)},
    {"newInpInst", host::ep(&newInpInst)},
    {"endCnfLoad", host::ep(&endCnfLoad)},
    {"checkCnf", host::ep(&checkCnf)},
    {"activateCnfPrePrivDrop", host::ep(&activateCnfPrePrivDrop)},
    {"activateCnf", host::ep(&activateCnf)},
    {"freeCnf", host::ep(&freeCnf)},
    {"willRun", host::ep(&willRun)},
    {"runInput", host::ep(&runInput)},
    {"afterRun", host::ep(&afterRun)},
    {"doHUP", host::ep(&doHUP)},
};

rs::rsRetVal queryEtryPt(rs::uchar* name, rs::EntryPoint* out) {
  return host::findEntryPoint(kEntryPoints, sizeof kEntryPoints / sizeof kEntryPoints[0], name, out);
}

}  // namespace
}  // namespace imtls

extern "C" __attribute__((visibility("default"))) rs::rsRetVal modInit(int, int* ipIFVersProvided,
                                                                       rs::EntryPoint* pQueryEtryPt,
                                                                       host::HostQueryFn pHostQueryEtryPt,
                                                                       rs::modInfo_t*) {
  *ipIFVersProvided = rs::CURR_MOD_IF_VERSION;
  return host::guarded("modInit", [&] {
    imtls::g_loading = nullptr;  // modInit may run again on a cached image
    imtls::g_running = nullptr;
    host::initCore("imtls", pHostQueryEtryPt, host::kNeedProp | host::kNeedStatsobj | host::kNeedMsgFlags |
                                                 host::kNeedDatetime);
    *pQueryEtryPt = host::ep(&imtls::queryEtryPt);
  });
}
