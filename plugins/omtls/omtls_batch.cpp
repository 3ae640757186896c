// omtls_batch.cpp - frames a batch of rendered messages into one reusable buffer.
//
// Concurrency & Locking: a BatchBuffer belongs to one Sender, used by one
// worker thread at a time; no shared state.
#include "omtls_batch.hpp"

#include <algorithm>
#include <new>
#include <stdexcept>
#include <string>

#include "syslogtls.h"
#include "syslogtls_ptr.hpp"

namespace omtls {

BatchBuffer::BatchBuffer(int framing, std::size_t initial) : framing_(framing), initial_(initial), buf_(initial) {}

BatchBuffer::Append BatchBuffer::append(const char* msg, std::size_t len) {
  if (len > 0 && msg[len - 1] == '\n') --len;
  int lfReplaced = 0;
  for (;;) {
    std::size_t need = 0;
    const int rc = syslogtls_frame_encode(framing_, msg, len, buf_.data() + used_, buf_.size() - used_, &need,
                                          &lfReplaced);
    if (rc == SYSLOGTLS_OK) {
      used_ += need;
      return lfReplaced != 0 ? Append::LfReplaced : Append::Ok;
    }
    if (rc == SYSLOGTLS_E_FRAME) {
      why_ = host::runtimeErrorText(rc);
      return Append::Dropped;
    }
    if (rc == SYSLOGTLS_E_NOMEM) throw std::bad_alloc();
    if (rc != SYSLOGTLS_E_SPACE) throw std::logic_error(std::string("frame encoder: ") + syslogtls_strerror(rc));
    buf_.resize(std::max(buf_.size() * 2, used_ + need));
  }
}

void BatchBuffer::trim(std::size_t keep) {
  used_ = 0;
  if (buf_.size() > keep) std::vector<char>(initial_).swap(buf_);
}

}  // namespace omtls
