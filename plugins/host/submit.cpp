// submit.cpp - Prop, RateLimiter, SubmitBatch, RcvTime, NewMsg, addMetadata, findRuleset.
//
// Concurrency & Locking: see submit.hpp.
#include "submit.hpp"

#include "core.hpp"
#include "firewall.hpp"

namespace host {

Prop::Prop(const std::string& value) {
  rs::rsRetVal r = prop().CreateStringProp(&p_, reinterpret_cast<const rs::uchar*>(value.data()),
                                           static_cast<int>(value.size()));
  if (r != rs::RS_RET_OK) throw Error(r, "cannot create property '" + value + "'");
}

Prop& Prop::operator=(Prop&& o) noexcept {
  if (this != &o) {
    reset();
    p_ = o.p_;
    o.p_ = nullptr;
  }
  return *this;
}

void Prop::reset() noexcept {
  if (p_ != nullptr) prop().Destruct(&p_);
  p_ = nullptr;
}

RateLimiter::RateLimiter(const char* modname, const std::string& dynname, unsigned interval, unsigned burst,
                         bool threadSafe) {
  rs::rsRetVal r = ratelimitNew(&rl_, modname, dynname.c_str());
  if (r != rs::RS_RET_OK || rl_ == nullptr) throw Error(r, "cannot create the ratelimiter");
  ratelimitSetLinuxLike(rl_, interval, burst);
  if (threadSafe) ratelimitSetThreadSafe(rl_);
}

RateLimiter::~RateLimiter() {
  if (rl_ != nullptr) ratelimitDestruct(rl_);
}

SubmitBatch::SubmitBatch(rs::ratelimit_t* rl, short max) noexcept : rl_(rl), ms_() {  // msgs_ filled as used
  ms_.maxElem = max < 1 || max > kMax ? kMax : max;
  ms_.nElem = 0;
  ms_.ppMsgs = msgs_;
}

rs::rsRetVal SubmitBatch::add(rs::smsg_t* msg) noexcept {
  if (rl_ != nullptr) return ratelimitAddMsg(rl_, &ms_, msg);
  ms_.ppMsgs[ms_.nElem++] = msg;
  return ms_.nElem == ms_.maxElem ? multiSubmitMsg2(&ms_) : rs::RS_RET_OK;
}

rs::rsRetVal SubmitBatch::flush() noexcept { return ms_.nElem > 0 ? multiSubmitFlush(&ms_) : rs::RS_RET_OK; }

RcvTime RcvTime::now() noexcept {
  RcvTime t{};
  datetime().getCurrTime(&t.st, &t.secs, rs::TIME_IN_LOCALTIME);
  return t;
}

NewMsg::NewMsg(const RcvTime& t) {
  rs::rsRetVal r = msgConstructWithTime(&m_, &t.st, t.secs);
  if (r != rs::RS_RET_OK || m_ == nullptr) throw Error(r, "cannot construct a message");
}

NewMsg::~NewMsg() {
  if (m_ != nullptr) msgDestruct(&m_);
}

rs::rsRetVal addMetadata(rs::smsg_t* m, const char* const* names, const char* const* values, int n) noexcept {
  if (n <= 0) return rs::RS_RET_OK;
  // The core reads the arrays and copies the strings; it writes through neither.
  return msgAddMultiMetadata(m, const_cast<const rs::uchar**>(reinterpret_cast<const rs::uchar* const*>(names)),
                             const_cast<const rs::uchar**>(reinterpret_cast<const rs::uchar* const*>(values)), n);
}

rs::rsRetVal findRuleset(rs::rsconf_t* conf, const std::string& name, rs::ruleset_t** out) noexcept {
  *out = nullptr;
  // The core takes a non-const uchar* but does not write through it.
  return rulesetGetRuleset(conf, out, reinterpret_cast<rs::uchar*>(const_cast<char*>(name.c_str())));
}

}  // namespace host
