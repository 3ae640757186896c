// hostname_policy.cpp - the tls.hostnameCheck verdict for one message.
//
// Concurrency & Locking: see hostname_policy.hpp.
#include "hostname_policy.hpp"

#include <utility>

namespace imtls {

HostnamePolicy::HostnamePolicy(HostnameCheck mode, NameMatcher match, const void* ctx, std::string primaryName)
    : mode_(mode), match_(match), ctx_(ctx), primary_(std::move(primaryName)) {}

bool HostnamePolicy::matches(std::string_view name) {
  if (haveLast_ && name == lastClaimed_) return lastMatched_;
  ++comparisons_;
  lastClaimed_.assign(name.data(), name.size());
  haveLast_ = true;
  lastMatched_ = match_ != nullptr && name.find('\0') == std::string_view::npos &&
                 match_(ctx_, lastClaimed_.c_str()) == 1;
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
