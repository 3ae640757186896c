// params.hpp - declarative v2-config parameter tables (module(), input(),
// action()) over rsyslog's nvlstGetParams (ABI.md §9).
//
// Usage: one ParamTable<Settings> per object kind, each entry binding a
// parameter name and type to a field of one settings struct. module()
// defaults are a Settings value; an instance starts as a copy of it and
// applies its own parameters on top (inheritance in one struct).
// Names are matched case-insensitively by the core; the core itself reports
// unknown names, type and range errors (then parse() returns false).
//
// Concurrency & Locking: tables are built once and then read-only; parsing
// runs on rsyslog's main thread during config load.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "rsyslog_abi.hpp"

namespace host {

// One parameter value as the core delivered it. Conversions throw
// std::bad_alloc only.
class ParamValue final {
 public:
  ParamValue(const char* name, const rs::svar& v) noexcept : name_(name), v_(v) {}
  const char* name() const noexcept { return name_; }
  long long number() const noexcept;
  std::string string() const;                // 'S' (or a number printed)
  std::vector<std::string> strings() const;  // 'A', or a single 'S'

  void to(long long& out) const noexcept { out = number(); }
  void to(bool& out) const noexcept { out = number() != 0; }
  void to(std::string& out) const { out = string(); }
  void to(std::vector<std::string>& out) const { out = strings(); }

 private:
  const char* name_;
  const rs::svar& v_;
};

// Tracks which parameters were given, for defaults that depend on others.
struct ParamSeen {
  std::vector<std::string> names;
  bool has(const char* name) const noexcept;
};

template <typename S>
struct ParamEntry {
  const char* name;
  rs::ecslCmdHdrlType type;
  unsigned flags;
  void (*apply)(S&, const ParamValue&);
};

// Entry helper binding a field: field<&Settings::port>("port", rs::eCmdHdlrNonNegInt)
template <auto Member, typename S>
constexpr void applyField(S& s, const ParamValue& v) {
  v.to(s.*Member);
}

// Untyped core of ParamTable (keeps the cnfparamblk alive).
class ParamBlock final {
 public:
  ParamBlock() = default;
  ParamBlock(const ParamBlock&) = delete;
  ParamBlock& operator=(const ParamBlock&) = delete;

  void add(const char* name, rs::ecslCmdHdrlType type, unsigned flags);
  // Calls nvlstGetParams; on success calls fn(index, value) for every given
  // parameter, then frees the values (also when fn throws). Returns false
  // when the core rejected the list (it has already printed why).
  template <typename Fn>
  bool parse(rs::nvlst* lst, Fn&& fn) const;
  std::size_t size() const noexcept { return descr_.size(); }

 private:
  rs::cnfparamvals* get(rs::nvlst* lst) const;
  void free(rs::cnfparamvals* vals) const noexcept;
  std::vector<rs::cnfparamdescr> descr_;
  mutable rs::cnfparamblk blk_{};
};

template <typename Fn>
bool ParamBlock::parse(rs::nvlst* lst, Fn&& fn) const {
  rs::cnfparamvals* vals = get(lst);
  if (vals == nullptr) return false;
  struct Guard {
    const ParamBlock* self;
    rs::cnfparamvals* v;
    ~Guard() { self->free(v); }
  } guard{this, vals};
  for (std::size_t i = 0; i < descr_.size(); ++i) {
    if (!vals[i].bUsed) continue;
    fn(i, ParamValue(descr_[i].name, vals[i].val));
  }
  return true;
}

template <typename S>
class ParamTable final {
 public:
  explicit ParamTable(std::initializer_list<ParamEntry<S>> entries) : ParamTable(std::vector<ParamEntry<S>>(entries)) {}
  // entries e.g. from host::withTlsParams (tls_params.hpp).
  explicit ParamTable(std::vector<ParamEntry<S>> entries) : entries_(std::move(entries)) {
    for (const auto& e : entries_) block_.add(e.name, e.type, e.flags);
  }
  ParamTable(const ParamTable&) = delete;
  ParamTable& operator=(const ParamTable&) = delete;

  // Applies the given parameters to s (which holds the defaults). seen, if
  // not null, receives the names given. false = the core rejected the list.
  bool apply(rs::nvlst* lst, S& s, ParamSeen* seen = nullptr) const {
    return block_.parse(lst, [&](std::size_t i, const ParamValue& v) {
      entries_[i].apply(s, v);
      if (seen != nullptr) seen->names.emplace_back(entries_[i].name);
    });
  }

 private:
  std::vector<ParamEntry<S>> entries_;
  ParamBlock block_;
};

}  // namespace host
