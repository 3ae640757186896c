// omtls_sender.hpp - Sender: one worker's TLS connection, failover, backoff and batch writes.
//
// Concurrency & Locking: a Sender is used by one worker thread at a time;
// it reads the immutable ActionConfig and writes counters and error memory
// through the thread-safe ActionShared.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "omtls_batch.hpp"
#include "omtls_config.hpp"
#include "omtls_failover.hpp"
#include "omtls_shared.hpp"
#include "syslogtls.h"
#include "syslogtls_ptr.hpp"

namespace omtls {

using host::ClientPtr;

// One rendered message of a batch (valid during commit() only).
struct MsgView {
  const char* data;
  std::size_t len;
};

// The live state of one action worker: at most one connection, to one of
// the action's targets. Nothing is dropped here except a message that
// renders empty in octet-counted framing (it cannot be framed; counted in
// messages.dropped, logged once per action); every failure is reported
// as Suspended so that rsyslog keeps the batch and retries it
// (at-least-once; a batch cut by a failure may arrive twice).
// Thread: one worker thread at a time; cfg and shared outlive the Sender.
class Sender final {
 public:
  enum class Result { Ok, Suspended };
  using Now = std::function<TimePoint()>;

  // Bound of the close_notify exchange at rebind, failback and shutdown.
  static constexpr unsigned kCloseTimeoutMs = 1000;
  // Longest wait for socket progress while writing one batch.
  static constexpr unsigned kSendTimeoutMs = 10000;
  // Upper bound of the connect timeout of a failback probe.
  static constexpr unsigned kProbeTimeoutMs = 2000;
  // Pause of a commit that finds no connection and may not reconnect yet.
  // Normally rsyslog calls commit only after tryResume succeeded; during
  // its shutdown, though, its retry loop stops sleeping and calls commit
  // back to back, which without this pause spins a core and floods stderr
  // with "suspended" notices until the queue gives up.
  static constexpr unsigned kIdleCommitPauseMs = 200;

  Sender(const ActionConfig& cfg, ActionShared& shared, Now now = Clock::now);
  ~Sender();  // sends close_notify (bounded by kCloseTimeoutMs)
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // rsyslog's tryResume: Ok if connected (reconnecting if needed and the
  // backoff window allows it), else Suspended.
  Result tryResume();
  // rsyslog's beginTransaction: Ok if connected or a connection could be
  // made now, else Suspended. A batch whose transaction cannot begin stays
  // in rsyslog's queue as not yet processed, so a shutdown during the
  // retries that follow saves it (queue.saveOnShutdown); a batch already
  // handed to commit() is, to rsyslog, processed, and a shutdown while it
  // is retried loses it.
  Result begin();
  // Writes the batch with one corked send; connects first if needed.
  Result commit(const MsgView* msgs, std::size_t n);
  // Sends close_notify and closes (bounded), e.g. at shutdown.
  void close();

  bool connected() const { return client_ != nullptr; }
  std::size_t currentTarget() const { return fo_.current(); }

 private:
  ClientPtr connect(std::size_t idx, unsigned timeoutMs);
  bool runPass();
  void adopt(ClientPtr cl, std::size_t idx);
  void failbackIfDue();
  void lost(const std::string& reason);
  std::size_t frameBatch(const MsgView* msgs, std::size_t n);
  bool aborted() const;
  void pauseIfBackingOff();
  std::string where() const;  // "target 'x' (ip:port)"

  const ActionConfig& cfg_;
  ActionShared& sh_;
  Now now_;
  Failover fo_;
  BatchBuffer batch_;
  ClientPtr client_;         // connected client, or null
  uint64_t sentOnConn_ = 0;  // messages written on client_ (rebindInterval)
};

}  // namespace omtls
