// server_session.hpp - what the server's loops share (ServerSettings,
// ServerShared with its counters and event reporting) and the state of one
// accepted connection (ServerSession).
//
// Concurrency: a ServerSession is touched only by its loop's thread.
// ServerShared's settings are immutable while loops run; its TLS config is
// swapped and copied under its own mutex (set_tls() from any thread, tls()
// when a session starts); its counters are relaxed atomics; report() may be
// called from any loop thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "event_loop.hpp"
#include "fd.hpp"
#include "fd_transport.hpp"
#include "framing.hpp"
#include "log.hpp"
#include "log_governor.hpp"
#include "pending_board.hpp"
#include "proxy_protocol.hpp"
#include "sockaddr.hpp"
#include "syslogtls.h"
#include "tls_session.hpp"

// The C handle of a connection is the session's base: callbacks receive a
// syslogtls_conn* that is a ServerSession.
struct syslogtls_conn {};

namespace syslogtls {

struct ServerSettings {
  std::string address;  // "" = all addresses
  unsigned port = 0;
  int framing = SYSLOGTLS_FRAMING_AUTO;
  size_t max_frame = 8192;
  int oversize = SYSLOGTLS_OVERSIZE_TRUNCATE;
  unsigned max_sessions = 0;  // authenticated sessions (0 = no limit)
  // Connections still in the TLS handshake and peer check; 0 = no own
  // budget (they count against max_sessions together with the sessions).
  unsigned max_pending = 250;
  unsigned max_per_peer = 0;  // authenticated sessions per peer IP address (0 = no limit)
  unsigned backlog = 1024;    // listen() backlog (the kernel caps it at somaxconn)
  unsigned idle_timeout_s = 0;
  bool keepalive = false;
  unsigned threads = 0;  // 0 = auto (1 or 2)
  bool session_log = true;
  // PROXY protocol: accepted header versions (kProxyV1 | kProxyV2; 0 = off)
  // and the sources allowed to send one (the only ones accepted then).
  unsigned proxy_versions = 0;
  std::vector<AddressRange> proxy_trusted;
  syslogtls_server_callbacks cb{};
  void* user = nullptr;
};

// Emits at most one line per second; counts the lines it held back.
struct RateLimit {
  Clock::time_point last{};
  unsigned long suppressed = 0;
  bool used = false;
  // true: log now; *held gets the number of lines suppressed since the last one.
  bool allow(Clock::time_point now, unsigned long* held) {
    if (used && now - last < std::chrono::seconds(1)) {
      ++suppressed;
      return false;
    }
    used = true;
    last = now;
    *held = suppressed;
    suppressed = 0;
    return true;
  }
};

struct ServerSession;

struct ServerShared {
  ServerSettings settings;
  LogSink log;
  uint64_t counters[SYSLOGTLS_CTR_COUNT] = {};  // updated with __atomic builtins
  std::atomic<unsigned> connections{0};         // accepted and not yet closed
  std::atomic<unsigned> open_sessions{0};       // past on_open
  std::atomic<unsigned> authenticated{0};       // past the handshake, counted against max_sessions
  PendingBoard pending;                         // connections in the handshake (all loops)
  mutable LogGovernor governor;                 // rate limits and summaries of per-connection lines (own mutex)

  // Authenticated sessions per peer IP address (only with max_per_peer).
  // true: a slot for ip was taken; false: the per-peer limit is reached.
  bool take_peer_slot(const std::string& ip);
  void release_peer_slot(const std::string& ip);

  void count(int id, uint64_t n = 1) noexcept { __atomic_fetch_add(&counters[id], n, __ATOMIC_RELAXED); }
  // The TLS config new sessions start with (null = plaintext, fixed at
  // construction). Any thread: the pointer is copied under tls_mutex, so a
  // swap never races with a session being set up; each session keeps the
  // copy it started with (inside its TlsSession).
  std::shared_ptr<const TlsConfig> tls() const {
    std::lock_guard<std::mutex> lock(tls_mutex);
    return tls_;
  }
  // The previous config leaves with cfg, after the lock is released.
  void set_tls(std::shared_ptr<const TlsConfig> cfg) {
    std::lock_guard<std::mutex> lock(tls_mutex);
    tls_.swap(cfg);
  }
  bool plaintext() const {
    std::lock_guard<std::mutex> lock(tls_mutex);
    return !tls_;
  }
  // Reports an event about session s (peer address and subject from s).
  void report(const ServerSession& s, int kind, int level, int code, int reason, const std::string& text) const noexcept;

 private:
  mutable std::mutex tls_mutex;
  std::shared_ptr<const TlsConfig> tls_;  // null = plaintext
  std::mutex peers_mutex;
  std::unordered_map<std::string, unsigned> per_peer_;
};

struct ServerSession final : syslogtls_conn {
  enum class State : uint8_t { handshake, open, draining };

  ServerSession(uint64_t id_, Fd fd_, std::string ip_, unsigned port_, const ServerSettings& s)
      : id(id_), fd(std::move(fd_)), transport(fd.get()), decoder(s.framing, s.max_frame, s.oversize),
        ip(std::move(ip_)), port(port_) {}
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  std::string endpoint() const { return format_endpoint(ip, port); }
  // The peer's certificate subject: known after the handshake, and also when
  // the handshake refused the peer.
  const std::string& peer_subject() const { return tls && subject.empty() ? tls->peer_subject() : subject; }

  // Declaration order matters: tls is destroyed before transport and fd.
  uint64_t id;
  Fd fd;
  FdTransport transport;
  Decoder decoder;
  std::unique_ptr<TlsSession> tls;  // null for plaintext
  std::string ip;
  unsigned port;
  std::string subject, version, cipher;
  bool resumed = false;  // the TLS handshake resumed an earlier session (a ticket)
  PeerIdentity identity;        // copied from the TLS session when it opened (syslogtls_conn_peer_*)
  bool accept_wildcards = true; // the config's tls.acceptWildcardCertificates
  void* userdata = nullptr;
  Clock::time_point quiet_since{};    // handshake: when the peer last sent bytes (or accept)
  unsigned handshake_ms = 0;          // the session's config's handshake timeout (0 = none)
  Clock::time_point last_activity{};  // for the idle timeout
  uint32_t timer_gen = 0;             // bumped to cancel pending timers
  uint32_t events = 0;                // current epoll interest
  State state = State::handshake;
  bool opened = false;       // on_open accepted it; on_close is owed
  bool bye_pending = false;  // close_notify not yet fully sent
  bool paused = false;       // on_frames asked for a pause: nothing is read until resumed
  bool watched = true;       // the socket is registered with the loop's epoll set
  bool failed = false;       // a failure was reported: no "session closed" line
  bool authenticated = false; // counted in ServerShared::authenticated (and its peer slot)
  // PROXY protocol: the header is still being read (no TLS session yet;
  // tls_pending is the config it will start with); proxy_buf holds the
  // header bytes consumed so far. With a valid header, ip/port are the
  // client's and proxy_ip/proxy_port the balancer's.
  bool proxy_stage = false;
  std::shared_ptr<const TlsConfig> tls_pending;
  std::string proxy_buf;
  std::string proxy_ip;
  unsigned proxy_port = 0;
};

// The log line of a session closed by the idle timer: "idle for N s" at a
// frame boundary, "frame not completed within N s" inside a frame.
std::string idle_close_text(const ServerSession& s, unsigned idle_timeout_s);

}  // namespace syslogtls
