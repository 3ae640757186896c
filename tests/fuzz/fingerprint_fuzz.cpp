// fingerprint_fuzz.cpp - libFuzzer target for the permitted-peer fingerprint
// parser (peer::parse_fingerprint, peer::looks_like_fingerprint).
//
// Built by ./configure --enable-fuzzing, run by make fuzz-check
// (tests/fuzz/fuzz.am); seeds in tests/fuzz/corpus/fingerprint_fuzz/.
// Properties checked, on the input as text:
//  - a parsed fingerprint has 32 (SHA-256) or 20 (SHA-1) bytes, and the text
//    starts with "sha256:", "sha-256:", "sha1:" or "sha-1:" in some case;
//  - it formats to the canonical text (upper case, ':'-separated), which
//    parses back equal and formats to itself; the text in lower case, and
//    without separators, parses equal too;
//  - whatever parses is something looks_like_fingerprint() accepts;
//  - a refusal always comes with a reason.
// And on the input as a digest: any 20 or 32 bytes format and parse back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "peer_verify.hpp"

namespace {

using syslogtls::peer::Fingerprint;
using syslogtls::peer::FpAlg;

void require(bool ok) {
  if (!ok) std::abort();
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

void check_canonical(const Fingerprint& fp) {
  using namespace syslogtls::peer;
  const std::string canon = format_fingerprint(fp);
  require(canon.rfind(fp.alg == FpAlg::sha256 ? "SHA256:" : "SHA1:", 0) == 0);
  require(canon.size() == (fp.alg == FpAlg::sha256 ? 6u : 4u) + 3 * fp.digest.size());
  for (char c : canon) require(!(c >= 'a' && c <= 'z'));
  require(looks_like_fingerprint(canon));
  Fingerprint again;
  std::string why;
  require(parse_fingerprint(canon, &again, &why));
  require(again == fp);
  require(format_fingerprint(again) == canon);
  // Lower case and unseparated spellings of the same digest.
  Fingerprint low;
  require(parse_fingerprint(lowered(canon), &low, &why) && low == fp);
  std::string packed = fp.alg == FpAlg::sha256 ? "sha-256:" : "sha-1:";
  const size_t colon = canon.find(':');
  for (size_t i = colon + 1; i < canon.size(); ++i)
    if (canon[i] != ':') packed += canon[i];
  Fingerprint unsep;
  require(parse_fingerprint(packed, &unsep, &why) && unsep == fp);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace syslogtls::peer;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Fingerprint fp;
  std::string why;
  if (parse_fingerprint(text, &fp, &why)) {
    require(fp.digest.size() == (fp.alg == FpAlg::sha256 ? 32u : 20u));
    const std::string head = lowered(text.substr(0, text.find(':') + 1));
    require(fp.alg == FpAlg::sha256 ? (head == "sha256:" || head == "sha-256:")
                                    : (head == "sha1:" || head == "sha-1:"));
    require(looks_like_fingerprint(text));
    check_canonical(fp);
  } else {
    require(!why.empty());
  }
  // The input as a raw digest.
  if (size == 20 || size == 32) {
    Fingerprint raw;
    raw.alg = size == 32 ? FpAlg::sha256 : FpAlg::sha1;
    raw.digest.assign(data, data + size);
    check_canonical(raw);
  }
  return 0;
}
