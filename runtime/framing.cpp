// framing.cpp - the framing codec: per-frame decoder state machine and encoder.
#include "framing.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "error.hpp"

namespace syslogtls {

namespace {

constexpr unsigned kMaxCountDigits = 10;

std::string describe_byte(unsigned char c) {
  char b[16];
  if (c >= 0x21 && c < 0x7f) {
    std::snprintf(b, sizeof b, "'%c'", static_cast<char>(c));
  } else if (c == ' ') {
    std::snprintf(b, sizeof b, "' '");
  } else {
    std::snprintf(b, sizeof b, "byte 0x%02X", static_cast<unsigned>(c));
  }
  return b;
}

size_t decimal_digits(size_t v) {
  size_t n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

}  // namespace

Decoder::Decoder(int framing, size_t max_frame, int oversize)
    : framing_(framing), max_frame_(max_frame), oversize_(oversize) {
  if (framing != SYSLOGTLS_FRAMING_AUTO && framing != SYSLOGTLS_FRAMING_OCTET_COUNTED &&
      framing != SYSLOGTLS_FRAMING_LF) {
    throw Error(SYSLOGTLS_E_INVAL, "invalid framing " + std::to_string(framing));
  }
  if (max_frame == 0) throw Error(SYSLOGTLS_E_INVAL, "the maximum frame size must be greater than 0");
  if (oversize != SYSLOGTLS_OVERSIZE_TRUNCATE && oversize != SYSLOGTLS_OVERSIZE_DISCARD &&
      oversize != SYSLOGTLS_OVERSIZE_CLOSE) {
    throw Error(SYSLOGTLS_E_INVAL, "invalid oversize mode " + std::to_string(oversize));
  }
}

DecodeStatus Decoder::fail(std::string text, bool invalid) {
  error_text_ = std::move(text);
  if (invalid) ++invalid_count_;
  state_ = St::failed;
  return DecodeStatus::error;
}

DecodeStatus Decoder::count_byte_error(char c) {
  return fail("invalid octet count: non-digit " + describe_byte(static_cast<unsigned char>(c)) +
                  " in length field",
              true);
}

void Decoder::append_carry(const char* p, size_t n) {
  if (n == 0) return;
  const size_t need = carry_.size() + n;  // never above max_frame_ (callers check)
  if (need > carry_.capacity()) {
    // Octet-counted frames reserve exactly their length; LF frames grow
    // geometrically, capped at max_frame_.
    size_t target = state_ == St::body ? want_ : std::max(need, carry_.capacity() * 2);
    target = std::min(std::max(target, need), std::max(max_frame_, need));
    carry_.reserve(target);
  }
  carry_.insert(carry_.end(), p, p + n);
}

const char* Decoder::take_carry() {
  returned_.swap(carry_);
  carry_.clear();
  return returned_.data();
}

// After the SP of "MSG-LEN SP": validates the count and picks the next state.
// Returns false if the decoder failed.
bool Decoder::end_of_count() {
  if (count_ == 0) {
    fail("invalid octet count: zero", true);
    return false;
  }
  frame_total_ = count_;
  frame_flags_ = 0;
  if (count_ <= max_frame_) {
    want_ = static_cast<size_t>(count_);
    skip_ = 0;
    state_ = St::body;
    return true;
  }
  ++oversize_count_;
  if (oversize_ == SYSLOGTLS_OVERSIZE_CLOSE) {
    fail("frame of " + std::to_string(count_) + " bytes exceeds the maximum frame size of " +
             std::to_string(max_frame_) + " bytes",
         false);
    return false;
  }
  if (oversize_ == SYSLOGTLS_OVERSIZE_DISCARD) {
    want_ = 0;
    skip_ = count_;
    state_ = St::skip;
  } else {
    want_ = max_frame_;
    skip_ = count_ - max_frame_;
    frame_flags_ = SYSLOGTLS_FRAME_TRUNCATED;
    state_ = St::body;
  }
  return true;
}

DecodeStatus Decoder::next(const char* buf, size_t len, size_t* pos, Frame* out) {
  const char* p = buf + *pos;
  const char* const end = buf + len;
  for (;;) {
    switch (state_) {
      case St::start: {
        if (p == end) {
          *pos = len;
          return DecodeStatus::need_more;
        }
        const unsigned char c = static_cast<unsigned char>(*p);
        if (framing_ == SYSLOGTLS_FRAMING_LF ||
            (framing_ == SYSLOGTLS_FRAMING_AUTO && (c < '0' || c > '9'))) {
          state_ = St::lf_body;
          continue;
        }
        count_digits_ = 0;
        count_ = 0;
        state_ = St::count;
        continue;
      }

      case St::count: {
        while (p != end) {
          const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(*p)) - '0';
          if (d <= 9) {
            if (count_digits_ == 1 && count_ == 0) {
              *pos = static_cast<size_t>(p - buf);
              return fail("invalid octet count: leading zero", true);
            }
            if (count_digits_ == kMaxCountDigits) {
              *pos = static_cast<size_t>(p - buf);
              return fail("invalid octet count: more than 10 digits", true);
            }
            count_ = count_ * 10 + d;
            ++count_digits_;
            ++p;
            continue;
          }
          *pos = static_cast<size_t>(p - buf);
          if (*p != ' ' || count_digits_ == 0) return count_byte_error(*p);
          ++p;
          if (!end_of_count()) return DecodeStatus::error;
          break;
        }
        if (state_ == St::count) {
          *pos = len;
          return DecodeStatus::need_more;
        }
        continue;
      }

      case St::body: {
        const size_t avail = static_cast<size_t>(end - p);
        const size_t held = carry_.size();
        const char* data;
        if (held == 0 && avail >= want_) {
          data = p;  // zero-copy: the frame lies whole in the input
          p += want_;
        } else {
          const size_t n = std::min(avail, want_ - held);
          append_carry(p, n);
          p += n;
          if (carry_.size() < want_) {
            *pos = len;
            return DecodeStatus::need_more;
          }
          data = take_carry();
        }
        *out = Frame{data, want_, frame_flags_};
        state_ = skip_ != 0 ? St::skip : St::start;
        *pos = static_cast<size_t>(p - buf);
        return DecodeStatus::frame;
      }

      case St::skip: {
        const size_t avail = static_cast<size_t>(end - p);
        if (avail < skip_) {
          skip_ -= avail;
          *pos = len;
          return DecodeStatus::need_more;
        }
        p += skip_;
        skip_ = 0;
        state_ = St::start;
        continue;
      }

      case St::lf_body: {
        if (p == end) {
          *pos = len;
          return DecodeStatus::need_more;
        }
        const size_t avail = static_cast<size_t>(end - p);
        const size_t held = carry_.size();  // <= max_frame_, holds no LF
        const size_t room = max_frame_ - held;
        const size_t scan = avail <= room ? avail : room + 1;
        const char* lf = static_cast<const char*>(std::memchr(p, '\n', scan));
        if (lf != nullptr) {
          const size_t i = static_cast<size_t>(lf - p);
          const char* data;
          size_t flen;
          if (held == 0) {
            data = p;  // zero-copy
            flen = i;
          } else {
            append_carry(p, i);
            data = take_carry();
            flen = held + i;
          }
          p = lf + 1;
          state_ = St::start;
          if (flen != 0 && data[flen - 1] == '\r') --flen;
          if (flen == 0) continue;  // empty LF frame: skipped
          *out = Frame{data, flen, 0};
          *pos = static_cast<size_t>(p - buf);
          return DecodeStatus::frame;
        }
        if (avail <= room) {
          append_carry(p, avail);
          *pos = len;
          return DecodeStatus::need_more;
        }
        // max_frame_ + 1 bytes without an LF: oversize.
        ++oversize_count_;
        if (oversize_ == SYSLOGTLS_OVERSIZE_CLOSE) {
          *pos = static_cast<size_t>(p - buf);
          return fail("LF-terminated frame exceeds the maximum frame size of " + std::to_string(max_frame_) +
                          " bytes (no LF within " + std::to_string(max_frame_ + 1) + " bytes)",
                      false);
        }
        state_ = St::skip_lf;
        if (oversize_ == SYSLOGTLS_OVERSIZE_DISCARD) {
          carry_.clear();
          p += room + 1;  // none of them is an LF
          continue;
        }
        const char* data;
        if (held == 0) {
          data = p;
        } else {
          append_carry(p, room);
          data = take_carry();
        }
        p += room;
        *out = Frame{data, max_frame_, SYSLOGTLS_FRAME_TRUNCATED};
        *pos = static_cast<size_t>(p - buf);
        return DecodeStatus::frame;
      }

      case St::skip_lf: {
        if (p == end) {
          *pos = len;
          return DecodeStatus::need_more;
        }
        const char* lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
        if (lf == nullptr) {
          *pos = len;
          return DecodeStatus::need_more;
        }
        p = lf + 1;
        state_ = St::start;
        continue;
      }

      case St::failed:
        return DecodeStatus::error;
    }
  }
}

bool Decoder::at_boundary() const { return state_ == St::start; }

bool Decoder::finish() {
  std::string why;
  switch (state_) {
    case St::start:
      return true;
    case St::failed:
      return false;
    case St::count:
      why = "end of stream inside a frame (octet count incomplete after " +
            std::to_string(count_digits_) + " digits)";
      break;
    case St::body:
      why = "end of stream inside a frame (" + std::to_string(carry_.size()) + " of " +
            std::to_string(frame_total_) + " bytes received)";
      break;
    case St::skip:
      why = "end of stream inside a frame (" + std::to_string(frame_total_ - skip_) + " of " +
            std::to_string(frame_total_) + " bytes received)";
      break;
    case St::lf_body:
      why = "end of stream inside an LF-terminated frame (" + std::to_string(carry_.size()) +
            " bytes received, no LF)";
      break;
    case St::skip_lf:
      why = "end of stream inside an oversize LF-terminated frame (no LF)";
      break;
  }
  fail(std::move(why), true);
  return false;
}

size_t encoded_size(int framing, size_t len) {
  if (framing == SYSLOGTLS_FRAMING_OCTET_COUNTED) return decimal_digits(len) + 1 + len;
  if (framing == SYSLOGTLS_FRAMING_LF) return len + 1;
  return 0;
}

void check_encodable(int framing, size_t len) {
  if (framing != SYSLOGTLS_FRAMING_OCTET_COUNTED && framing != SYSLOGTLS_FRAMING_LF) {
    throw Error(SYSLOGTLS_E_INVAL,
                "cannot encode with framing " + std::to_string(framing) + " (octet-counted or lf only)");
  }
  if (framing == SYSLOGTLS_FRAMING_OCTET_COUNTED && len == 0) {
    throw Error(SYSLOGTLS_E_FRAME, "an empty message cannot be octet-counted (MSG-LEN is at least 1)");
  }
}

bool encode_frame_into(int framing, const char* msg, size_t len, char* out) {
  check_encodable(framing, len);
  if (framing == SYSLOGTLS_FRAMING_OCTET_COUNTED) {
    const size_t nd = decimal_digits(len);
    size_t v = len;
    for (size_t i = nd; i-- > 0;) {
      out[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    out[nd] = ' ';
    if (len != 0) std::memcpy(out + nd + 1, msg, len);
    return false;
  }
  bool replaced = false;
  if (len != 0) std::memcpy(out, msg, len);
  char* q = out;
  char* const qend = out + len;
  while ((q = static_cast<char*>(std::memchr(q, '\n', static_cast<size_t>(qend - q)))) != nullptr) {
    *q++ = ' ';
    replaced = true;
  }
  out[len] = '\n';
  return replaced;
}

bool encode_frame(int framing, const char* msg, size_t len, std::string& out) {
  check_encodable(framing, len);
  const size_t old = out.size();
  out.resize(old + encoded_size(framing, len));
  return encode_frame_into(framing, msg, len, &out[old]);
}

}  // namespace syslogtls
