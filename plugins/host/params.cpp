// params.cpp - ParamValue conversions and the nvlstGetParams bridge.
//
// Concurrency & Locking: main thread during config load; no shared state.
#include "params.hpp"

#include <strings.h>

#include <cstdlib>
#include <memory>
#include <new>

namespace host {
namespace {

std::string fromEstr(es_str_t* s) {
  if (s == nullptr) return std::string();
  char* c = es_str2cstr(s, nullptr);
  if (c == nullptr) throw std::bad_alloc();
  std::unique_ptr<char, decltype(&std::free)> owned(c, &std::free);
  return std::string(c);
}

}  // namespace

long long ParamValue::number() const noexcept { return v_.datatype == 'N' ? v_.d.n : 0; }

std::string ParamValue::string() const {
  if (v_.datatype == 'S') return fromEstr(v_.d.estr);
  if (v_.datatype == 'N') return std::to_string(v_.d.n);
  if (v_.datatype == 'A' && v_.d.ar != nullptr && v_.d.ar->nmemb > 0) return fromEstr(v_.d.ar->arr[0]);
  return std::string();
}

std::vector<std::string> ParamValue::strings() const {
  std::vector<std::string> out;
  if (v_.datatype == 'A' && v_.d.ar != nullptr) {
    for (int i = 0; i < v_.d.ar->nmemb; ++i) out.push_back(fromEstr(v_.d.ar->arr[i]));
  } else if (v_.datatype == 'S') {
    out.push_back(fromEstr(v_.d.estr));
  }
  return out;
}

bool ParamSeen::has(const char* name) const noexcept {
  for (const auto& n : names)
    if (strcasecmp(n.c_str(), name) == 0) return true;
  return false;
}

void ParamBlock::add(const char* name, rs::ecslCmdHdrlType type, unsigned flags) {
  descr_.push_back(rs::cnfparamdescr{name, type, flags});
}

rs::cnfparamvals* ParamBlock::get(rs::nvlst* lst) const {
  blk_.version = rs::CNFPARAMBLK_VERSION;
  blk_.nParams = static_cast<unsigned short>(descr_.size());
  blk_.descr = const_cast<rs::cnfparamdescr*>(descr_.data());
  return nvlstGetParams(lst, &blk_, nullptr);
}

void ParamBlock::free(rs::cnfparamvals* vals) const noexcept {
  if (vals != nullptr) cnfparamvalsDestruct(vals, &blk_);
}

}  // namespace host
