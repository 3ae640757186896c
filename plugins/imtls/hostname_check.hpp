// hostname_check.hpp - the values of tls.hostnameCheck.
//
// Header-only: settings.cpp (also linked into the host unit test) and the
// policy share it.
// Concurrency & Locking: constant data only.
#pragma once

#include <cstddef>
#include <string_view>

namespace imtls {

enum class HostnameCheck { kOff, kWarn, kTag, kEnforce, kReplace };

namespace detail {
struct HostnameCheckName {
  const char* name;
  HostnameCheck mode;
};
inline constexpr HostnameCheckName kHostnameChecks[] = {
    {"off", HostnameCheck::kOff},         {"warn", HostnameCheck::kWarn},
    {"tag", HostnameCheck::kTag},         {"enforce", HostnameCheck::kEnforce},
    {"replace", HostnameCheck::kReplace},
};
inline bool equalsNoCase(std::string_view a, std::string_view lowerB) noexcept {
  if (a.size() != lowerB.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + ('a' - 'A'));
    if (x != lowerB[i]) return false;
  }
  return true;
}
}  // namespace detail

// off|warn|tag|enforce|replace, any case. false if unknown (out unchanged).
inline bool parseHostnameCheck(std::string_view text, HostnameCheck& out) noexcept {
  for (const auto& m : detail::kHostnameChecks) {
    if (detail::equalsNoCase(text, m.name)) {
      out = m.mode;
      return true;
    }
  }
  return false;
}

inline const char* hostnameCheckName(HostnameCheck mode) noexcept {
  for (const auto& m : detail::kHostnameChecks)
    if (m.mode == mode) return m.name;
  return "?";
}

}  // namespace imtls
