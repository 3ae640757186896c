// stats.cpp - StatsObj over the statsobj interface.
//
// Concurrency & Locking: see stats.hpp.
#include "stats.hpp"

#include <vector>

#include "core.hpp"
#include "firewall.hpp"

namespace host {
namespace {

rs::uchar* u(const char* s) { return reinterpret_cast<rs::uchar*>(const_cast<char*>(s)); }

void check(rs::rsRetVal r, const char* what) {
  if (r != rs::RS_RET_OK) throw Error(r, std::string("statsobj ") + what + " failed (rsyslog error " + std::to_string(r) + ")");
}

}  // namespace

StatsObj::StatsObj(const std::string& name, const char* origin) {
  const auto& so = statsobj();
  if (so.Construct == nullptr) throw Error(rs::RS_RET_MISSING_INTERFACE, "statsobj interface not loaded");
  check(so.Construct(&so_), "Construct");
  rs::rsRetVal r = so.SetName(so_, u(name.c_str()));
  if (r == rs::RS_RET_OK) r = so.SetOrigin(so_, u(origin));
  if (r != rs::RS_RET_OK) {
    so.Destruct(&so_);
    check(r, "SetName/SetOrigin");
  }
}

StatsObj::~StatsObj() {
  if (so_ != nullptr) statsobj().Destruct(&so_);
}

void StatsObj::addCounter(const char* name, const uint64_t* counter, bool resettable) {
  if (counter == nullptr) return;
  check(statsobj().AddCounter(so_, reinterpret_cast<const rs::uchar*>(name), rs::ctrType_IntCtr,
                              resettable ? rs::CTR_FLAG_RESETTABLE : rs::CTR_FLAG_NONE,
                              const_cast<uint64_t*>(counter)),
        "AddCounter");
}

void StatsObj::addGauge(const char* name, const int* gauge) {
  if (gauge == nullptr) return;
  check(statsobj().AddCounter(so_, reinterpret_cast<const rs::uchar*>(name), rs::ctrType_Int, rs::CTR_FLAG_NONE,
                              const_cast<int*>(gauge)),
        "AddCounter");
}

void StatsObj::finalize() { check(statsobj().ConstructFinalize(so_), "ConstructFinalize"); }

}  // namespace host
