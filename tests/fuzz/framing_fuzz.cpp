// framing_fuzz.cpp - libFuzzer target for the framing decoder: any split of the input must decode like the whole.
//
// Built by ./configure --enable-fuzzing, run by make fuzz-check
// (tests/fuzz/fuzz.am); seeds in tests/fuzz/corpus/framing_fuzz/.
//
// Input layout: byte 0 picks framing (mod 3: auto, octet-counted, LF) and oversize mode (/3 mod 3),
// byte 1 the maximum frame size (1..256), byte 2 a split step (1..256); the
// rest is the stream. Properties checked:
//  - every split of a short stream (up to 96 bytes) into two chunks, in all
//    three framings, decodes like the whole;
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

// Chunks of step bytes; when first is not 0 the first chunk has first bytes.
Outcome run(int framing, size_t max, int oversize, const uint8_t* data, size_t size, size_t step, size_t first = 0) {
  syslogtls::Decoder d(framing, max, oversize);
  Outcome o;
  for (size_t off = 0, n = 0; off < size || (size == 0 && off == 0); off += n) {
    n = std::min(off == 0 && first != 0 ? first : step, size - off);
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
  // Every split point of a short stream into two chunks, in each framing.
  if (size <= 96) {
    for (int fr = 0; fr < 3; ++fr) {
      const Outcome ref = fr == framing ? whole : run(fr, max, oversize, data, size, size == 0 ? 1 : size);
      for (size_t k = 1; k < size; ++k) {
        const Outcome two = run(fr, max, oversize, data, size, size, k);
        if (two.frames != ref.frames || two.error != ref.error || two.error_text != ref.error_text ||
            two.boundary != ref.boundary || two.oversize != ref.oversize || two.invalid != ref.invalid)
          std::abort();
      }
    }
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
