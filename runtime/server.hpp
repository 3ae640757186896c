// server.hpp - Server: the receiving side. Binds one address, runs N
// event-loop threads (signals blocked), hands accepted sockets to them
// round-robin and stops gracefully with a drain bound.
//
// Concurrency: settings, listen(), start() and stop() are called by the
// owner (one thread at a time); counter()/sessions()/port()/set_tls() from
// any thread.
// Callbacks run on the loop threads (see syslogtls.h).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "server_loop.hpp"
#include "tls_config.hpp"

namespace syslogtls {

class Server final {
 public:
  // tls null = plaintext TCP. A TLS config must be loaded and of the server role.
  explicit Server(std::shared_ptr<const TlsConfig> tls);
  ~Server();  // stop(0)
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The settings, writable until listen(); throws Error(SYSLOGTLS_E_STATE) after.
  ServerSettings& settings();

  // Any thread, any time: sessions accepted from now on use tls; open ones
  // keep theirs. Error(E_INVAL) for null, a client-role config or a
  // plaintext server; Error(E_STATE) if tls is not loaded.
  void set_tls(std::shared_ptr<const TlsConfig> tls);

  void listen();  // throws Error(SYSLOGTLS_E_ADDR, "cannot bind ...")
  unsigned port() const { return port_; }
  void start();   // throws Error(SYSLOGTLS_E_STATE) unless listening
  void stop(unsigned drain_ms) noexcept;

  // Any thread: resumes a paused session. Error(SYSLOGTLS_E_STATE) if the
  // session is gone or the server is not running.
  void resume(uint64_t session_id);

  const uint64_t* counter(int id) const;  // null for a bad id
  unsigned sessions() const { return shared_.open_sessions.load(std::memory_order_relaxed); }

 private:
  enum class State { configuring, listening, running, stopped };

  ServerShared shared_;
  State state_ = State::configuring;
  Fd listener_;
  unsigned port_ = 0;
  std::vector<std::unique_ptr<ServerLoop>> loops_;
  std::atomic<size_t> running_loops_{0};  // loops_ entries resume() may use
  std::vector<std::thread> threads_;
  std::mutex stop_mutex_;
};

}  // namespace syslogtls
