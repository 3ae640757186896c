// fd_transport.hpp - FdTransport: the TLS Transport over a non-blocking socket.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstdint>

#include "tls_session.hpp"

namespace syslogtls {

// Moves ciphertext through a non-blocking, connected socket it does not own.
// Never raises SIGPIPE (MSG_NOSIGNAL). sendv is one sendmsg() call.
class FdTransport final : public Transport {
 public:
  explicit FdTransport(int fd) noexcept : fd_(fd) {}
  FdTransport(const FdTransport&) = delete;
  FdTransport& operator=(const FdTransport&) = delete;

  ssize_t recv(void* buf, size_t len) override {
    ssize_t n;
    do {
      n = ::recv(fd_, buf, len, 0);
    } while (n < 0 && errno == EINTR);
    if (n > 0) received_ += static_cast<uint64_t>(n);
    return n;
  }

  ssize_t send(const void* buf, size_t len) override {
    ssize_t n;
    do {
      n = ::send(fd_, buf, len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n > 0) sent_ += static_cast<uint64_t>(n);
    return n;
  }

  ssize_t sendv(const struct iovec* iov, int iovcnt) override {
    msghdr msg{};
    msg.msg_iov = const_cast<struct iovec*>(iov);
    msg.msg_iovlen = static_cast<size_t>(iovcnt);
    ssize_t n;
    do {
      n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n > 0) sent_ += static_cast<uint64_t>(n);
    return n;
  }

  int fd() const noexcept { return fd_; }
  // Bytes moved so far (the server's measure of handshake progress).
  uint64_t received() const noexcept { return received_; }
  uint64_t sent() const noexcept { return sent_; }

 private:
  int fd_;
  uint64_t received_ = 0;
  uint64_t sent_ = 0;
};

}  // namespace syslogtls
