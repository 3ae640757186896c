// framing.hpp - the syslog framing codec (RFC 5425 octet counting,
// RFC 6587 LF termination). Pure: bytes in, frames out, no I/O.
//
// Concurrency: one Decoder per connection, used by one thread at a time.
//
// Decisions (the wire rules this codec applies):
//  - SYSLOGTLS_FRAMING_AUTO decides per frame from its first byte: a digit
//    starts an octet-counted frame "MSG-LEN SP MSG"; anything else starts an
//    LF-terminated frame. A first byte '0' is therefore an invalid octet count
//    (RFC 5425: MSG-LEN = NONZERO-DIGIT *DIGIT), not an LF frame.
//  - Octet count errors: a non-digit before the SP, "0", a leading zero, more
//    than 10 digits, and (oversize mode close) a count above max_frame.
//  - LF framing: the LF is removed, and so is ONE CR right before it (CRLF
//    senders are common; a CR is never meaningful at the end of a message).
//    The size limit counts every byte before the LF, CR included.
//  - Empty LF frames (a bare LF or CRLF) are skipped, not delivered: some
//    senders use them as keep-alives or put an LF after octet-counted frames.
//  - Oversize: an octet-counted frame is known to be oversize from its count,
//    before any byte is stored; an LF frame once max_frame + 1 bytes arrived
//    without an LF. truncate delivers the first max_frame bytes flagged
//    SYSLOGTLS_FRAME_TRUNCATED and skips the rest of the frame; discard skips
//    the whole frame; close is an error. Every oversize frame is counted.
//  - End of stream inside a frame is an error (finish()); a partial LF frame
//    is not delivered.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "syslogtls.h"

namespace syslogtls {

// One decoded frame. data points either into the buffer given to
// Decoder::next() (zero-copy, when the frame lies whole in it) or into the
// decoder's carry buffer (a frame that spans buffers).
// Lifetime: a frame stays valid while the caller keeps decoding the same
// input buffer, including after next() stored a partial tail of that buffer
// (the carry is double-buffered), and until next() is called with a
// different buffer, or the decoder is destroyed. Data pointing into the
// caller's buffer lives as long as that buffer's contents, of course.
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
  // Throws Error(SYSLOGTLS_E_INVAL) for a bad argument. Allocates nothing.
  Decoder(int framing, size_t max_frame, int oversize);
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Decodes from [buf + *pos, buf + len). Advances *pos past consumed bytes.
  // Returns frame, need_more (*pos == len: all input consumed, a partial
  // frame kept in the carry buffer, which grows only to what the frame
  // needs and never beyond max_frame), or error. Never throws except
  // std::bad_alloc when growing the carry buffer.
  DecodeStatus next(const char* buf, size_t len, size_t* pos, Frame* out);

  // End of stream: true if no partial frame is pending.
  bool at_boundary() const;

  // End of stream: returns true at a frame boundary; otherwise sets
  // error_text() ("end of stream inside a frame (12 of 40 bytes received)"),
  // puts the decoder in error and returns false.
  bool finish();

  bool failed() const { return state_ == St::failed; }
  const std::string& error_text() const { return error_text_; }
  unsigned long long oversize_count() const { return oversize_count_; }
  unsigned long long invalid_count() const { return invalid_count_; }

 private:
  enum class St : unsigned char {
    start,      // at a frame boundary
    count,      // inside the octet count (count_digits_ > 0)
    body,       // inside an octet-counted frame: want_ bytes, have carry_
    lf_body,    // inside an LF frame: carry_ holds bytes without LF
    skip,       // skipping skip_ more bytes of an oversize octet-counted frame
    skip_lf,    // skipping an oversize LF frame up to its LF
    failed,
  };

  DecodeStatus fail(std::string text, bool invalid);
  DecodeStatus count_byte_error(char c);
  bool end_of_count();  // false if the count is invalid (decoder failed)
  void append_carry(const char* p, size_t n);
  const char* take_carry();  // swaps the carry into the returned slot

  int framing_;
  size_t max_frame_;
  int oversize_;
  St state_ = St::start;
  unsigned count_digits_ = 0;   // digits seen in the current octet count (<= 10)
  uint64_t count_ = 0;          // value of the octet count so far
  size_t want_ = 0;             // octet-counted: bytes to deliver (<= max_frame)
  uint64_t skip_ = 0;           // octet-counted: bytes to skip after want_
  uint64_t frame_total_ = 0;    // octet-counted: announced length, for messages
  unsigned frame_flags_ = 0;    // flags of the frame being assembled
  std::string error_text_;
  unsigned long long oversize_count_ = 0;
  unsigned long long invalid_count_ = 0;
  // carry_ holds the partial frame; returned_ holds the last frame returned
  // from the carry, so storing a new partial tail never overwrites it.
  // Both keep their capacity: no allocation per frame once warm.
  std::vector<char> carry_;
  std::vector<char> returned_;
};

// Size of the encoded frame of a len-byte message. framing must be
// SYSLOGTLS_FRAMING_OCTET_COUNTED or SYSLOGTLS_FRAMING_LF; else 0.
size_t encoded_size(int framing, size_t len);

// Throws Error with the reason if a len-byte message cannot be encoded with
// framing: SYSLOGTLS_E_INVAL for a bad framing, SYSLOGTLS_E_FRAME for an
// empty octet-counted message.
void check_encodable(int framing, size_t len);

// Writes the encoded frame (encoded_size() bytes) to out. Returns true if an
// LF inside msg was replaced by a space (LF framing only). Throws
// Error(SYSLOGTLS_E_INVAL) for a bad framing or an empty octet-counted
// message (RFC 5425 MSG-LEN is at least 1).
bool encode_frame_into(int framing, const char* msg, size_t len, char* out);

// Appends one encoded frame to out. Returns true if an LF inside msg was
// replaced by a space (LF framing only). Throws like encode_frame_into().
bool encode_frame(int framing, const char* msg, size_t len, std::string& out);

}  // namespace syslogtls
