// omtls_batch.cpp - frames a batch of rendered messages into one reusable buffer.
#include "omtls_batch.hpp"

#include <algorithm>

#include "syslogtls.h"

namespace omtls {

BatchBuffer::BatchBuffer(int framing, std::size_t initial) : framing_(framing), initial_(initial), buf_(initial) {}

bool BatchBuffer::append(const char* msg, std::size_t len) {
  if (len > 0 && msg[len - 1] == '\n') --len;
  int lfReplaced = 0;
  for (;;) {
    const std::size_t room = buf_.size() - used_;
    const std::size_t need =
        syslogtls_frame_encode(framing_, msg, len, buf_.data() + used_, room, &lfReplaced);
    if (need <= room) {
      used_ += need;
      return lfReplaced != 0;
    }
    buf_.resize(std::max(buf_.size() * 2, used_ + need));
  }
}

void BatchBuffer::trim(std::size_t keep) {
  used_ = 0;
  if (buf_.size() > keep) std::vector<char>(initial_).swap(buf_);
}

}  // namespace omtls
