// omtls_batch.hpp - BatchBuffer: frames a batch of rendered messages into one reusable buffer.
#pragma once

#include <cstddef>
#include <vector>

namespace omtls {

// Encodes messages one after the other with syslogtls_frame_encode into a
// buffer that is kept across batches (no allocation once it is big enough).
// One trailing LF of each message (the template's line end) is dropped
// before framing: RFC 5425 frames carry the SYSLOG-MSG without it.
// Thread: one worker at a time.
class BatchBuffer final {
 public:
  explicit BatchBuffer(int framing, std::size_t initial = 64 * 1024);
  BatchBuffer(const BatchBuffer&) = delete;
  BatchBuffer& operator=(const BatchBuffer&) = delete;

  void clear() { used_ = 0; }
  // Appends one message. Returns true if an LF inside it was replaced by a
  // space (LF framing only). Throws std::bad_alloc.
  bool append(const char* msg, std::size_t len);

  const char* data() const { return buf_.data(); }
  std::size_t size() const { return used_; }
  // Empties the buffer and gives memory back after an unusually large
  // batch (capacity above keep).
  void trim(std::size_t keep = 1024 * 1024);

 private:
  int framing_;
  std::size_t initial_;
  std::vector<char> buf_;  // buf_.size() is the capacity; bytes [0, used_) are valid
  std::size_t used_ = 0;
};

}  // namespace omtls
