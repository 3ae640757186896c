// framing_fuzz.cpp - libFuzzer target for the framing decoder: any split of the input must decode like the whole.
//
// Not part of make check. Build and run from the source tree, e.g.:
//   clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -Iruntime \
//     tests/fuzz/framing_fuzz.cpp runtime/framing.cpp runtime/error.cpp -o /tmp/framing_fuzz
//   /tmp/framing_fuzz -max_total_time=60
//
// Input layout: byte 0 picks framing (mod 3) and oversize mode (/3 mod 3),
// byte 1 the maximum frame size (1..256), byte 2 a split step (1..256); the
// rest is the stream. Properties checked:
//  - decoding in chunks gives exactly the frames, flags and error of decoding
//    the whole stream at once, and the same counters;
//  - no frame is longer than the maximum; only truncated frames reach it
//    from an LF stream without an LF;
//  - each returned frame stays readable until the chunk is done (ASan checks
//    the memory; chunks are exact-size heap copies);
//  - every octet-counted encoding of a frame decodes back to it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "framing.hpp"

namespace {

struct Outcome {
  std::vector<std::pair<std::string, unsigned>> frames;
  bool error = false;
  std::string error_text;
  bool boundary = false;
  unsigned long long oversize = 0, invalid = 0;
};

Outcome run(int framing, size_t max, int oversize, const uint8_t* data, size_t size, size_t step) {
  syslogtls::Decoder d(framing, max, oversize);
  Outcome o;
  for (size_t off = 0; off < size || (size == 0 && off == 0); off += step) {
    const size_t n = std::min(step, size - off);
    const std::vector<char> chunk(data + off, data + off + n);
    std::vector<syslogtls::Frame> pending;
    size_t pos = 0;
    syslogtls::Frame f;
    syslogtls::DecodeStatus st;
    while ((st = d.next(chunk.data(), chunk.size(), &pos, &f)) == syslogtls::DecodeStatus::frame) {
      if (f.len > max || f.len == 0) std::abort();
      pending.push_back(f);
    }
    for (const auto& pf : pending) o.frames.emplace_back(std::string(pf.data, pf.len), pf.flags);
    if (st == syslogtls::DecodeStatus::error) {
      o.error = true;
      o.error_text = d.error_text();
      break;
    }
    if (pos != chunk.size()) std::abort();
    if (size == 0) break;
  }
  o.boundary = d.at_boundary();
  o.oversize = d.oversize_count();
  o.invalid = d.invalid_count();
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const int framing = data[0] % 3;
  const int oversize = (data[0] / 3) % 3;
  const size_t max = static_cast<size_t>(data[1]) + 1;
  const size_t step = static_cast<size_t>(data[2]) + 1;
  data += 3;
  size -= 3;

  const Outcome whole = run(framing, max, oversize, data, size, size == 0 ? 1 : size);
  const Outcome split = run(framing, max, oversize, data, size, step);
  if (whole.frames != split.frames || whole.error != split.error || whole.error_text != split.error_text ||
      whole.boundary != split.boundary || whole.oversize != split.oversize || whole.invalid != split.invalid) {
    std::abort();
  }

  // Round trip: re-encode the frames octet-counted and decode them again.
  std::string again;
  for (const auto& fr : whole.frames) {
    syslogtls::encode_frame(SYSLOGTLS_FRAMING_OCTET_COUNTED, fr.first.data(), fr.first.size(), again);
  }
  const Outcome back = run(SYSLOGTLS_FRAMING_OCTET_COUNTED, max, SYSLOGTLS_OVERSIZE_CLOSE,
                           reinterpret_cast<const uint8_t*>(again.data()), again.size(), again.size() + 1);
  if (back.error || back.frames.size() != whole.frames.size()) std::abort();
  for (size_t i = 0; i < back.frames.size(); ++i) {
    if (back.frames[i].first != whole.frames[i].first) std::abort();
  }
  return 0;
}
