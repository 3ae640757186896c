// hostname_policy.cpp - the tls.hostnameCheck verdict for one message.
//
// Concurrency & Locking: see hostname_policy.hpp.
#include "hostname_policy.hpp"

#include <utility>

namespace imtls {
namespace {

struct ModeName {
  const char* name;
  HostnameCheck mode;
};
constexpr ModeName kModes[] = {
    {"off", HostnameCheck::kOff},         {"warn", HostnameCheck::kWarn},
    {"tag", HostnameCheck::kTag},         {"enforce", HostnameCheck::kEnforce},
    {"replace", HostnameCheck::kReplace},
};

bool equalsNoCase(std::string_view a, const char* b) noexcept {
  std::size_t i = 0;
  for (; i < a.size() && b[i] != '\0'; ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + ('a' - 'A'));
    if (x != static_cast<unsigned char>(b[i])) return false;
  }
  return i == a.size() && b[i] == '\0';
}

}  // namespace

bool parseHostnameCheck(std::string_view text, HostnameCheck& out) noexcept {
  for (const auto& m : kModes) {
    if (equalsNoCase(text, m.name)) {
      out = m.mode;
      return true;
    }
  }
  return false;
}

const char* hostnameCheckName(HostnameCheck mode) noexcept {
  for (const auto& m : kModes)
    if (m.mode == mode) return m.name;
  return "?";
}

HostnamePolicy::HostnamePolicy(HostnameCheck mode, NameMatcher match, const void* ctx, std::string primaryName)
    : mode_(mode), match_(match), ctx_(ctx), primary_(std::move(primaryName)) {}

bool HostnamePolicy::matches(std::string_view name) {
  if (haveLast_ && name == lastClaimed_) return lastMatched_;
  ++comparisons_;
  lastMatched_ = match_ != nullptr && match_(ctx_, name.data(), name.size()) == 1;
  lastClaimed_.assign(name.data(), name.size());
  haveLast_ = true;
  return lastMatched_;
}

HostnameDecision HostnamePolicy::decide(const char* data, std::size_t len) {
  HostnameDecision d;
  if (mode_ == HostnameCheck::kOff) return d;
  d.field = findHostname(data, len);
  d.claimed = hostnameOf(data, d.field);
  if (d.field.present) {
    if (matches(d.claimed)) return d;
  } else if (mode_ != HostnameCheck::kEnforce) {
    return d;  // no claim: rsyslog uses the peer's address, nothing to check
  }
  d.mismatch = true;
  d.firstReport = !reported_;
  reported_ = true;
  switch (mode_) {
    case HostnameCheck::kWarn:
      break;
    case HostnameCheck::kTag:
      d.action = HostnameDecision::kTag;
      break;
    case HostnameCheck::kEnforce:
      d.action = HostnameDecision::kDrop;
      break;
    case HostnameCheck::kReplace:
      if (fitsHostnameField(d.field.format, primary_)) {
        withHostname(data, len, d.field, primary_, rewritten_);
        d.action = HostnameDecision::kReplaced;
      } else {
        d.unfit = true;
      }
      break;
    case HostnameCheck::kOff:
      break;
  }
  return d;
}

}  // namespace imtls
