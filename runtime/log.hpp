// log.hpp - LogSink: forwards runtime events to the user's syslogtls_log_fn.
#pragma once

#include <string>

#include "syslogtls.h"

namespace syslogtls {

// Who an event is about: the peer's address and certificate subject.
struct EventPeer {
  const std::string* ip = nullptr;       // null = no peer
  unsigned port = 0;
  const std::string* subject = nullptr;  // null = none
};

// A copyable pair (callback, user pointer). Every call never throws and does
// nothing when no callback is set. Thread: calls the callback on the
// caller's thread. The level is chosen by the caller following the level
// rule of syslogtls.h; the helpers below name the usual combinations.
struct LogSink {
  syslogtls_log_fn fn = nullptr;
  void* user = nullptr;

  void emit(int kind, int level, int code, int reason, const EventPeer& peer, const std::string& text) const noexcept {
    if (fn == nullptr) return;
    syslogtls_event ev{};
    ev.kind = kind;
    ev.level = level;
    ev.code = code;
    ev.reason = reason;
    ev.peer_ip = peer.ip != nullptr ? peer.ip->c_str() : "";
    ev.peer_port = peer.ip != nullptr ? peer.port : 0;
    ev.subject = peer.subject != nullptr ? peer.subject->c_str() : "";
    ev.text = text.c_str();
    fn(&ev, user);
  }
  // Our own failure, not about a peer.
  void err(int code, int reason, const std::string& text) const noexcept {
    emit(SYSLOGTLS_EVENT_MESSAGE, SYSLOGTLS_LOG_ERR, code, reason, EventPeer{}, text);
  }
};

}  // namespace syslogtls
