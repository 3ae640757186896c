// omtls_batch.hpp - BatchBuffer: frames a batch of rendered messages into one reusable buffer.
//
// Concurrency & Locking: one worker thread at a time (see BatchBuffer).
#pragma once

#include <cstddef>
#include <string>
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

  enum class Append {
    Ok,          // framed into the buffer
    LfReplaced,  // framed; an LF inside it was sent as a space (LF framing)
    Dropped,     // not framed: empty in octet-counted framing (RFC 5425 MSG-LEN > 0)
  };

  void clear() { used_ = 0; }
  // Appends one message. On Dropped, why() says why in the runtime's words.
  // Throws std::bad_alloc, and std::logic_error for a bad framing value.
  Append append(const char* msg, std::size_t len);
  const std::string& why() const { return why_; }

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
  std::string why_;  // reason of the last Dropped
};

}  // namespace omtls
