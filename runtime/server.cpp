// server.cpp - Server: listener set-up, loop threads, graceful stop.
#include "server.hpp"

#include <pthread.h>
#include <signal.h>

#include "error.hpp"

namespace syslogtls {

Server::Server(std::shared_ptr<const TlsConfig> tls) {
  if (tls) {
    if (!tls->loaded()) throw Error(SYSLOGTLS_E_STATE, "the TLS configuration must be loaded before it is used");
    if (tls->role() != SYSLOGTLS_ROLE_SERVER) {
      throw Error(SYSLOGTLS_E_INVAL, "a server needs a TLS configuration of the server role");
    }
  }
  shared_.set_tls(std::move(tls));
}

void Server::set_tls(std::shared_ptr<const TlsConfig> tls) {
  if (!tls) throw Error(SYSLOGTLS_E_INVAL, "no TLS configuration given");
  if (shared_.plaintext())
    throw Error(SYSLOGTLS_E_INVAL, "a plaintext server cannot take a TLS configuration (create it with one)");
  if (!tls->loaded()) throw Error(SYSLOGTLS_E_STATE, "the TLS configuration must be loaded before it is used");
  if (tls->role() != SYSLOGTLS_ROLE_SERVER)
    throw Error(SYSLOGTLS_E_INVAL, "a server needs a TLS configuration of the server role");
  shared_.set_tls(std::move(tls));
}

Server::~Server() { stop(0); }

ServerSettings& Server::settings() {
  if (state_ != State::configuring) throw Error(SYSLOGTLS_E_STATE, "server settings cannot change after listen");
  return shared_.settings;
}

void Server::listen() {
  if (state_ != State::configuring) throw Error(SYSLOGTLS_E_STATE, "server is already listening");
  if (shared_.settings.proxy_versions != 0 && shared_.settings.proxy_trusted.empty()) {
    throw Error(SYSLOGTLS_E_INVAL, "the PROXY protocol needs at least one trusted source");
  }
  if (shared_.settings.cb.on_frames == nullptr) {
    throw Error(SYSLOGTLS_E_INVAL, "server callbacks: on_frames is required");
  }
  listener_ = listen_tcp(shared_.settings.address, shared_.settings.port, static_cast<int>(shared_.settings.backlog),
                         &port_);
  shared_.log = LogSink{shared_.settings.cb.log, shared_.settings.user};
  shared_.governor.set_sink(shared_.log, &shared_.counters[SYSLOGTLS_CTR_LOG_SUPPRESSED]);
  state_ = State::listening;
}

void Server::start() {
  if (state_ != State::listening) throw Error(SYSLOGTLS_E_STATE, "server must be listening (and not stopped) to start");
  unsigned n = shared_.settings.threads;
  if (n == 0) n = std::thread::hardware_concurrency() >= 2 ? 2 : 1;
  for (unsigned i = 0; i < n; ++i) loops_.push_back(std::make_unique<ServerLoop>(shared_, i, &loops_));
  loops_[0]->set_listener(std::move(listener_));

  // Loop threads inherit a mask with every signal blocked.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  try {
    for (auto& loop : loops_) {
      ServerLoop* l = loop.get();
      threads_.emplace_back([l] { l->run(); });
    }
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    for (auto& loop : loops_) loop->request_stop(0);
    for (auto& t : threads_) t.join();
    threads_.clear();
    state_ = State::stopped;
    throw Error(SYSLOGTLS_E_INTERNAL, "cannot start the server threads");
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  running_loops_.store(loops_.size(), std::memory_order_release);
  state_ = State::running;
}

void Server::resume(uint64_t session_id) {
  const size_t n = running_loops_.load(std::memory_order_acquire);
  const size_t index = ServerLoop::index_of(session_id);
  if (index >= n || !loops_[index]->resume(session_id))
    throw Error(SYSLOGTLS_E_STATE, "no session " + std::to_string(session_id) + " (closed, or the server is not running)");
}

void Server::stop(unsigned drain_ms) noexcept {
  std::lock_guard<std::mutex> lock(stop_mutex_);
  if (state_ == State::running) {
    for (auto& loop : loops_) loop->request_stop(drain_ms);
    for (auto& t : threads_) t.join();
    threads_.clear();
    try {
      shared_.governor.flush(Clock::now());  // what the summaries still hold
    } catch (...) {
    }
  }
  listener_.reset();
  if (state_ != State::configuring) state_ = State::stopped;
}

const uint64_t* Server::counter(int id) const {
  if (id < 0 || id >= SYSLOGTLS_CTR_COUNT) return nullptr;
  return &shared_.counters[id];
}

}  // namespace syslogtls
