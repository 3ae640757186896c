// submit.hpp - RAII wrappers for what an input needs to hand messages to
// rsyslog: string props, a ratelimiter, a batch (multi_submit_t) and a
// message under construction. Also message metadata and the ruleset lookup.
//
// Concurrency & Locking: Prop and RateLimiter are created/destroyed on the
// main thread; a thread-safe RateLimiter may be used from many threads at
// once. SubmitBatch and NewMsg are per call, on the submitting thread's
// stack; nothing here is shared between threads except through the core.
#pragma once

#include <cstddef>
#include <string>

#include "rsyslog_abi.hpp"

namespace host {

// A refcounted string prop (input name, cached peer names). Movable.
class Prop final {
 public:
  Prop() = default;
  explicit Prop(const std::string& value);  // throws host::Error
  ~Prop() { reset(); }
  Prop(Prop&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  Prop& operator=(Prop&& o) noexcept;
  Prop(const Prop&) = delete;
  Prop& operator=(const Prop&) = delete;

  rs::prop_t* get() const noexcept { return p_; }
  // For MsgSetRcvFromStr / MsgSetRcvFromIPStr caches.
  rs::prop_t** cache() noexcept { return &p_; }
  void reset() noexcept;

 private:
  rs::prop_t* p_ = nullptr;
};

// rsyslog's ratelimiter; name in messages: "<modname>[<dynname>]".
class RateLimiter final {
 public:
  // interval 0 = no limit. threadSafe: several threads submit through it.
  RateLimiter(const char* modname, const std::string& dynname, unsigned interval, unsigned burst,
              bool threadSafe);  // throws host::Error
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;
  rs::ratelimit_t* get() const noexcept { return rl_; }

 private:
  rs::ratelimit_t* rl_ = nullptr;
};

// A batch of messages for one ruleset, submitted with one queue operation
// per kMax messages (multiSubmitMsg2) through a ratelimiter. Lives on the
// stack of one call; the destructor flushes.
class SubmitBatch final {
 public:
  static constexpr short kMax = 1024;
  // max: messages per hand-over to the queue (1..kMax).
  explicit SubmitBatch(rs::ratelimit_t* rl, short max = kMax) noexcept;
  ~SubmitBatch() { flush(); }
  SubmitBatch(const SubmitBatch&) = delete;
  SubmitBatch& operator=(const SubmitBatch&) = delete;

  // Takes ownership of msg in every case. RS_RET_OK = queued (or part of a
  // batch that will be); RS_RET_DISCARDMSG = dropped by the ratelimiter.
  rs::rsRetVal add(rs::smsg_t* msg) noexcept;
  rs::rsRetVal flush() noexcept;
  // Messages collected and not yet handed to the queue.
  short pending() const noexcept { return ms_.nElem; }

 private:
  rs::ratelimit_t* rl_;
  rs::smsg_t* msgs_[kMax];
  rs::multi_submit_t ms_;
};

// The time a batch of messages was received, read once from the core's
// clock (datetime.getCurrTime, local time, as msgConstruct does for each
// message) and given to every message built from one read: a clock read and
// a local-time conversion per batch instead of per message, as rsyslog's
// imtcp does per read buffer (ABI.md §5). Needs kNeedDatetime.
struct RcvTime {
  rs::syslogTime st;
  time_t secs = 0;
  static RcvTime now() noexcept;
};

// A message being built; destroyed unless released to a batch.
class NewMsg final {
 public:
  explicit NewMsg(const RcvTime& t);  // received at t; throws host::Error
  ~NewMsg();
  NewMsg(const NewMsg&) = delete;
  NewMsg& operator=(const NewMsg&) = delete;
  rs::smsg_t* get() const noexcept { return m_; }
  rs::smsg_t* release() noexcept {
    rs::smsg_t* m = m_;
    m_ = nullptr;
    return m;
  }

 private:
  rs::smsg_t* m_ = nullptr;
};

// Adds n name/value pairs (NUL-terminated strings, copied by the core) as
// $!metadata!<name> to m with one msgAddMultiMetadata call (ABI.md §16);
// call it at most once per message, before the message is submitted.
// n == 0 adds nothing. RS_RET_OK, or the core's error (RS_RET_OUT_OF_MEMORY).
rs::rsRetVal addMetadata(rs::smsg_t* m, const char* const* names, const char* const* values, int n) noexcept;

// rulesetGetRuleset: nullptr with RS_RET_NOT_FOUND if unknown. Use in
// checkCnf (rulesets defined later in the file are unknown before).
rs::rsRetVal findRuleset(rs::rsconf_t* conf, const std::string& name, rs::ruleset_t** out) noexcept;

}  // namespace host
