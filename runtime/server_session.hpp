// server_session.hpp - the server's per-thread machinery: ServerShared (the
// state all loops share), ServerSession (one accepted connection) and
// ServerLoop (one event-loop thread: accept hand-off, handshakes, reads,
// framing, timers, graceful drain).
//
// Concurrency: a ServerLoop and its sessions are touched only by the loop's
// own thread, except adopt() and request_stop(), which any thread may call
// (they queue under mutex_ and wake the loop). ServerShared's settings are
// immutable while loops run; its counters are relaxed atomics.
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
  unsigned max_sessions = 0;  // 0 = no limit
  unsigned idle_timeout_s = 0;
  bool keepalive = false;
  unsigned threads = 0;  // 0 = auto (1 or 2)
  bool session_log = true;
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

struct ServerShared {
  ServerSettings settings;
  std::shared_ptr<const TlsConfig> tls;  // null = plaintext
  LogSink log;
  uint64_t counters[SYSLOGTLS_CTR_COUNT] = {};  // updated with __atomic builtins
  std::atomic<unsigned> connections{0};         // accepted and not yet closed
  std::atomic<unsigned> open_sessions{0};       // past on_open

  void count(int id, uint64_t n = 1) noexcept { __atomic_fetch_add(&counters[id], n, __ATOMIC_RELAXED); }
};

struct ServerSession final : syslogtls_conn {
  enum class State : uint8_t { handshake, open, draining };

  ServerSession(uint64_t id_, Fd fd_, std::string ip_, unsigned port_, const ServerSettings& s)
      : id(id_), fd(std::move(fd_)), transport(fd.get()), decoder(s.framing, s.max_frame, s.oversize),
        ip(std::move(ip_)), port(port_) {}
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  std::string endpoint() const { return format_endpoint(ip, port); }

  // Declaration order matters: tls is destroyed before transport and fd.
  uint64_t id;
  Fd fd;
  FdTransport transport;
  Decoder decoder;
  std::unique_ptr<TlsSession> tls;  // null for plaintext
  std::string ip;
  unsigned port;
  std::string subject, version, cipher;
  void* userdata = nullptr;
  Clock::time_point deadline{};       // handshake deadline
  Clock::time_point last_activity{};  // for the idle timeout
  uint32_t timer_gen = 0;             // bumped to cancel pending timers
  uint32_t events = 0;                // current epoll interest
  State state = State::handshake;
  bool opened = false;       // on_open accepted it; on_close is owed
  bool bye_pending = false;  // close_notify not yet fully sent
};

class ServerLoop final {
 public:
  ServerLoop(ServerShared& shared, size_t index, std::vector<std::unique_ptr<ServerLoop>>* peers);
  ServerLoop(const ServerLoop&) = delete;
  ServerLoop& operator=(const ServerLoop&) = delete;
  ~ServerLoop();

  // Loop 0 only, before run(): the listening socket it accepts from.
  void set_listener(Fd listener);
  // Any thread: hands over an accepted socket (closed at once if stopping).
  void adopt(Fd fd, const SockAddr& peer);
  // Any thread: begins the graceful stop with a drain bound.
  void request_stop(unsigned drain_ms);
  // The thread body; returns when stopped and every session is closed.
  void run() noexcept;

 private:
  void process_commands();
  void accept_some();
  void start_session(Fd fd, const SockAddr& peer);
  void on_event(uint64_t id, uint32_t events);
  void do_handshake(ServerSession& s);
  void established(ServerSession& s);
  void do_read(ServerSession& s);
  Io read_once(ServerSession& s, char* buf, size_t cap, size_t* got, int* code, std::string* text);
  bool deliver(ServerSession& s, size_t len);
  void do_bye(ServerSession& s);
  void begin_drain(ServerSession& s);
  void on_timer(uint64_t id, uint32_t gen);
  void set_events(ServerSession& s, uint32_t events);
  void close_session(ServerSession& s);
  void close_all_for_stop();
  void refused_at_limit(const SockAddr& peer);

  ServerShared& shared_;
  const ServerSettings& settings_;
  size_t index_;
  std::vector<std::unique_ptr<ServerLoop>>* peers_;
  EventLoop loop_;
  TimerQueue timers_;
  std::unordered_map<uint64_t, std::unique_ptr<ServerSession>> sessions_;
  uint64_t next_id_ = 2;  // 0 = wake-up, 1 = listener
  Fd listener_;
  size_t next_loop_ = 0;
  Clock::time_point accept_paused_until_{};
  bool accept_paused_ = false;

  // Commands from other threads.
  std::mutex mutex_;
  std::vector<std::pair<Fd, SockAddr>> incoming_;
  bool stop_requested_ = false;
  unsigned drain_ms_ = 0;
  std::atomic<bool> has_commands_{false};

  // Loop-thread state.
  bool stopping_ = false;
  Clock::time_point drain_deadline_{};
  std::vector<char> rbuf_;
  std::vector<syslogtls_frame> frames_;
  std::vector<uint64_t> ready_;  // sessions with data buffered inside GnuTLS
  RateLimit limit_log_, oversize_log_, accept_err_log_;
};

}  // namespace syslogtls
