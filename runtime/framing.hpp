// framing.hpp - the syslog framing codec (RFC 5425 octet counting,
// RFC 6587 LF termination). Pure: bytes in, frames out, no I/O.
//
// Concurrency: one Decoder per connection, used by one thread at a time.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "syslogtls.h"

namespace syslogtls {

// One decoded frame. data points either into the buffer given to
// Decoder::next() or into the decoder's own carry buffer; valid until the
// next call to next()/feed or the decoder's destruction.
struct Frame {
  const char* data = nullptr;
  size_t len = 0;
  unsigned flags = 0;  // SYSLOGTLS_FRAME_*
};

enum class DecodeStatus {
  frame,      // *out holds a frame
  need_more,  // every byte given was consumed; feed more
  error,      // invalid frame; error_text() says why; the decoder stays in error
};

class Decoder final {
 public:
  // framing: SYSLOGTLS_FRAMING_*; max_frame > 0; oversize: SYSLOGTLS_OVERSIZE_*.
  Decoder(int framing, size_t max_frame, int oversize);

  // Decodes from [*pos, end). Advances *pos past consumed bytes. Returns
  // frame (possibly pointing into [buf, end) without copying, when the
  // frame lies whole in the input), need_more (all input consumed, partial
  // frame kept in the carry buffer, allocated only up to max_frame), or error.
  // Counters below are updated as frames are completed.
  DecodeStatus next(const char* buf, size_t len, size_t* pos, Frame* out);

  // End of stream: true if no partial frame is pending.
  bool at_boundary() const;

  const std::string& error_text() const { return error_text_; }
  unsigned long long oversize_count() const { return oversize_count_; }
  unsigned long long invalid_count() const { return invalid_count_; }

 private:
  // implementation state (owned by framing.cpp's author)
  int framing_;
  size_t max_frame_;
  int oversize_;
  std::string error_text_;
  unsigned long long oversize_count_ = 0;
  unsigned long long invalid_count_ = 0;
  struct State;
  std::vector<char> carry_;
  // more private members may be added by the implementation
};

// Appends one encoded frame to out. Returns true if an LF inside msg was
// replaced by a space (LF framing only).
bool encode_frame(int framing, const char* msg, size_t len, std::string& out);

}  // namespace syslogtls
