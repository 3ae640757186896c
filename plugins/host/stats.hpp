// stats.hpp - one impstats object (statsobj v13, ABI.md §13) over counters owned
// elsewhere.
//
// Lifetime: counters must outlive the StatsObj (impstats reads them through
// the stored pointer). Create in activateCnf, destroy in freeCnf.
// Concurrency & Locking: construct/destroy on the main thread; counters are
// bumped with relaxed atomics from any thread (bump()); impstats reads them
// on its own thread.
#pragma once

#include <cstdint>
#include <string>

#include "rsyslog_abi.hpp"

namespace host {

class StatsObj final {
 public:
  // name: "imtls(<input name>)"; origin: "imtls". Throws host::Error.
  StatsObj(const std::string& name, const char* origin);
  ~StatsObj();
  StatsObj(const StatsObj&) = delete;
  StatsObj& operator=(const StatsObj&) = delete;

  // Before finalize(). resettable: impstats may zero it (resetCounters="on"),
  // so pass false for counters owned by the runtime library.
  void addCounter(const char* name, const uint64_t* counter, bool resettable);
  // Before finalize(): a signed gauge impstats never resets (ctrType_Int,
  // CTR_FLAG_NONE, ABI.md §13); written with relaxed atomics by its owner.
  void addGauge(const char* name, const int* gauge);
  // Makes the object visible to impstats.
  void finalize();

 private:
  rs::statsobj_t* so_ = nullptr;
};

// STATSCOUNTER_INC: counts only while rsyslog gathers statistics.
inline void bump(uint64_t& counter, uint64_t n = 1) noexcept {
  if (GatherStats) __atomic_fetch_add(&counter, n, __ATOMIC_RELAXED);
}

}  // namespace host
