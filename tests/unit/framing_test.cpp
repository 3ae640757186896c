// framing_test.cpp - unit tests of the framing codec (framing.cpp) and its C API (capi_framing.cpp).
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "error.hpp"
#include "framing.hpp"
#include "syslogtls.h"

using syslogtls::DecodeStatus;
using syslogtls::Decoder;
using syslogtls::Frame;

namespace {

struct Out {
  std::string data;
  unsigned flags;
  bool operator==(const Out& o) const { return data == o.data && flags == o.flags; }
};

doctest::String toString(const Out& o) {
  return doctest::String(("{\"" + o.data + "\", " + std::to_string(o.flags) + "}").c_str());
}

struct Result {
  std::vector<Out> frames;
  bool error = false;
  std::string error_text;
  bool at_boundary = false;
};

// Decodes chunks in order. Frames of one chunk are kept as raw pointers and
// copied only after the whole chunk was decoded (the partial tail stored), so
// every run also checks the frame-validity guarantee.
Result decode_chunks(Decoder& d, const std::vector<std::string>& chunks) {
  Result r;
  for (const std::string& s : chunks) {
    // An exact-size heap copy, freed after the chunk: ASan catches any read
    // past the input and any frame still pointing into an old input.
    const std::vector<char> c(s.begin(), s.end());
    std::vector<Frame> pending;
    size_t pos = 0;
    Frame f;
    DecodeStatus st;
    while ((st = d.next(c.data(), c.size(), &pos, &f)) == DecodeStatus::frame) pending.push_back(f);
    for (const Frame& pf : pending) r.frames.push_back(Out{std::string(pf.data, pf.len), pf.flags});
    if (st == DecodeStatus::error) {
      r.error = true;
      r.error_text = d.error_text();
      return r;
    }
    REQUIRE(pos == c.size());
  }
  r.at_boundary = d.at_boundary();
  return r;
}

std::string oc(const std::string& msg) { return std::to_string(msg.size()) + " " + msg; }

// Feeds stream whole, 1 byte at a time, split at every point and at every
// pair of points; each must give exactly the expected frames (and error).
void check_all_splits(int framing, size_t max, int oversize, const std::string& stream,
                      const std::vector<Out>& expected, const std::string& error_part = "") {
  auto check = [&](const std::vector<std::string>& chunks, const std::string& where) {
    Decoder d(framing, max, oversize);
    Result r = decode_chunks(d, chunks);
    INFO(where);
    CHECK(r.frames == expected);
    if (error_part.empty()) {
      CHECK_FALSE(r.error);
      CHECK(r.at_boundary);
    } else {
      REQUIRE(r.error);
      CHECK(r.error_text.find(error_part) != std::string::npos);
    }
  };
  check({stream}, "whole");
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  check(bytes, "one byte at a time");
  const size_t n = stream.size();
  for (size_t i = 0; i <= n; ++i) {
    check({stream.substr(0, i), stream.substr(i)}, "split at " + std::to_string(i));
  }
  for (size_t i = 1; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      const std::vector<std::string> three{stream.substr(0, i), stream.substr(i, j - i), stream.substr(j)};
      Decoder d(framing, max, oversize);
      Result r = decode_chunks(d, three);
      if (!(r.frames == expected) || r.error != !error_part.empty()) {
        FAIL("split at " << i << " and " << j);
      }
    }
  }
}

}  // namespace

TEST_CASE("mixed stream decodes identically at every split point") {
  const std::string multi = "<14>1 2026-11-27T10:00:00Z h app - - - line one\nline two\r\n\ttab line\n";
  const std::string stream = oc("<13>hello world") + "<13>lf message\n" + oc(multi) + "\n" +
                             "<14>crlf line\r\n" + oc("x") + "\r\n" + "<15>last\n";
  const std::vector<Out> expected{{"<13>hello world", 0}, {"<13>lf message", 0}, {multi, 0},
                                  {"<14>crlf line", 0},   {"x", 0},              {"<15>last", 0}};
  check_all_splits(SYSLOGTLS_FRAMING_AUTO, 1000, SYSLOGTLS_OVERSIZE_TRUNCATE, stream, expected);
}

TEST_CASE("forced octet-counted and forced LF framing") {
  check_all_splits(SYSLOGTLS_FRAMING_OCTET_COUNTED, 100, SYSLOGTLS_OVERSIZE_CLOSE,
                   oc("a\nb") + oc("<1>c") + oc("9 nine"), {{"a\nb", 0}, {"<1>c", 0}, {"9 nine", 0}});
  check_all_splits(SYSLOGTLS_FRAMING_LF, 100, SYSLOGTLS_OVERSIZE_CLOSE, "5 hello\n<13>x\n0 zero\n",
                   {{"5 hello", 0}, {"<13>x", 0}, {"0 zero", 0}});
  check_all_splits(SYSLOGTLS_FRAMING_OCTET_COUNTED, 100, SYSLOGTLS_OVERSIZE_CLOSE, oc("ok") + "<13>x\n",
                   {{"ok", 0}}, "invalid octet count: non-digit '<' in length field");
}

TEST_CASE("auto mode classifies every first byte 0-255") {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    INFO("first byte " << b);
    Decoder d(SYSLOGTLS_FRAMING_AUTO, 100, SYSLOGTLS_OVERSIZE_CLOSE);
    if (c >= '1' && c <= '9') {
      const std::string payload(static_cast<size_t>(c - '0'), 'p');
      Result r = decode_chunks(d, {std::string(1, c) + " " + payload + "<13>next\n"});
      CHECK(r.frames == std::vector<Out>{{payload, 0}, {"<13>next", 0}});
    } else if (c == '0') {
      Result r = decode_chunks(d, {"0 \n"});
      REQUIRE(r.error);
      CHECK(r.error_text == "invalid octet count: zero");
    } else if (c == '\n') {
      Result r = decode_chunks(d, {"\n<13>next\n"});
      CHECK(r.frames == std::vector<Out>{{"<13>next", 0}});  // empty LF frame skipped
    } else {
      Result r = decode_chunks(d, {std::string(1, c) + "9 x\n"});
      const std::string want = c == '\r' ? "\r9 x" : std::string(1, c) + "9 x";
      CHECK(r.frames == std::vector<Out>{{want, 0}});
    }
    CHECK(d.invalid_count() == (c == '0' ? 1u : 0u));
  }
}

TEST_CASE("bad octet counts are errors with a reason") {
  struct Case {
    const char* stream;
    const char* reason;
  } cases[] = {
      {"12x hello", "invalid octet count: non-digit 'x' in length field"},
      {"12\nhello", "invalid octet count: non-digit byte 0x0A in length field"},
      {"0 ", "invalid octet count: zero"},
      {"01 a", "invalid octet count: leading zero"},
      {"00 a", "invalid octet count: leading zero"},
      {"12345678901 a", "invalid octet count: more than 10 digits"},
      {"101 a", "frame of 101 bytes exceeds the maximum frame size of 100 bytes"},
      {"9999999999 a", "frame of 9999999999 bytes exceeds the maximum frame size of 100 bytes"},
  };
  for (const Case& k : cases) {
    INFO(k.stream);
    check_all_splits(SYSLOGTLS_FRAMING_AUTO, 100, SYSLOGTLS_OVERSIZE_CLOSE, oc("ok") + k.stream, {{"ok", 0}},
                     k.reason);
    Decoder d(SYSLOGTLS_FRAMING_AUTO, 100, SYSLOGTLS_OVERSIZE_CLOSE);
    Result r = decode_chunks(d, {k.stream});
    CHECK(r.error_text == k.reason);
    // the decoder stays in error
    size_t pos = 0;
    Frame f;
    CHECK(d.next("1 a", 3, &pos, &f) == DecodeStatus::error);
    CHECK_FALSE(d.finish());
  }
  Decoder d(SYSLOGTLS_FRAMING_AUTO, 100, SYSLOGTLS_OVERSIZE_CLOSE);
  decode_chunks(d, {"01 a"});
  CHECK(d.invalid_count() == 1);
  CHECK(d.oversize_count() == 0);
}

TEST_CASE("ten-digit counts are accepted when oversize is skipped") {
  Decoder d(SYSLOGTLS_FRAMING_AUTO, 100, SYSLOGTLS_OVERSIZE_DISCARD);
  Result r = decode_chunks(d, {"9999999999 ", std::string(5000, 'z')});
  CHECK_FALSE(r.error);
  CHECK(r.frames.empty());
  CHECK(d.oversize_count() == 1);
  CHECK_FALSE(d.finish());
  CHECK(d.error_text() == "end of stream inside a frame (5000 of 9999999999 bytes received)");
}

TEST_CASE("oversize octet-counted frame (length known in advance) in each policy") {
  const std::string big(15, 'B');
  const std::string stream = oc("first") + oc(big) + oc("0123456789") + "<13>tail\n";
  check_all_splits(SYSLOGTLS_FRAMING_AUTO, 10, SYSLOGTLS_OVERSIZE_TRUNCATE, stream,
                   {{"first", 0}, {std::string(10, 'B'), SYSLOGTLS_FRAME_TRUNCATED}, {"0123456789", 0},
                    {"<13>tail", 0}});
  check_all_splits(SYSLOGTLS_FRAMING_AUTO, 10, SYSLOGTLS_OVERSIZE_DISCARD, stream,
                   {{"first", 0}, {"0123456789", 0}, {"<13>tail", 0}});
  check_all_splits(SYSLOGTLS_FRAMING_AUTO, 10, SYSLOGTLS_OVERSIZE_CLOSE, stream, {{"first", 0}},
                   "frame of 15 bytes exceeds the maximum frame size of 10 bytes");
  for (int mode : {SYSLOGTLS_OVERSIZE_TRUNCATE, SYSLOGTLS_OVERSIZE_DISCARD, SYSLOGTLS_OVERSIZE_CLOSE}) {
    Decoder d(SYSLOGTLS_FRAMING_OCTET_COUNTED, 10, mode);
    decode_chunks(d, {stream});
    CHECK(d.oversize_count() == 1);
  }
}

TEST_CASE("oversize LF frame (discovered late) in each policy") {
  // 11 bytes before the LF is one too many; exactly 10 is fine. The CR of a
  // CRLF counts towards the limit.
  const std::string stream = "<13>first\n<13>456789AB\n<13>456789\n<13>45678\r\n<13>last\n";
  check_all_splits(SYSLOGTLS_FRAMING_LF, 10, SYSLOGTLS_OVERSIZE_TRUNCATE, stream,
                   {{"<13>first", 0},
                    {"<13>456789", SYSLOGTLS_FRAME_TRUNCATED},
                    {"<13>456789", 0},
                    {"<13>45678", 0},
                    {"<13>last", 0}});
  check_all_splits(SYSLOGTLS_FRAMING_AUTO, 10, SYSLOGTLS_OVERSIZE_DISCARD, stream,
                   {{"<13>first", 0}, {"<13>456789", 0}, {"<13>45678", 0}, {"<13>last", 0}});
  check_all_splits(SYSLOGTLS_FRAMING_AUTO, 10, SYSLOGTLS_OVERSIZE_CLOSE, stream, {{"<13>first", 0}},
                   "LF-terminated frame exceeds the maximum frame size of 10 bytes");
  const std::string crlf_at_limit = "<13>456789\r\n";  // 11 bytes before LF
  check_all_splits(SYSLOGTLS_FRAMING_LF, 10, SYSLOGTLS_OVERSIZE_TRUNCATE, crlf_at_limit,
                   {{"<13>456789", SYSLOGTLS_FRAME_TRUNCATED}});
  Decoder d(SYSLOGTLS_FRAMING_AUTO, 10, SYSLOGTLS_OVERSIZE_DISCARD);
  decode_chunks(d, {stream});
  CHECK(d.oversize_count() == 1);
}

TEST_CASE("a very long LF frame is skipped without growing the carry beyond the limit") {
  Decoder d(SYSLOGTLS_FRAMING_AUTO, 64, SYSLOGTLS_OVERSIZE_TRUNCATE);
  std::vector<std::string> chunks{"<13>"};
  for (int i = 0; i < 1000; ++i) chunks.emplace_back(1000, 'q');
  chunks.emplace_back("\n<13>after\n");
  Result r = decode_chunks(d, chunks);
  REQUIRE(r.frames.size() == 2);
  CHECK(r.frames[0] == Out{"<13>" + std::string(60, 'q'), SYSLOGTLS_FRAME_TRUNCATED});
  CHECK(r.frames[1] == Out{"<13>after", 0});
}

TEST_CASE("end of stream inside a frame is an error with a reason") {
  struct Case {
    std::string stream;
    std::string reason;
  } cases[] = {
      {"40 " + std::string(12, 'm'), "end of stream inside a frame (12 of 40 bytes received)"},
      {"40", "end of stream inside a frame (octet count incomplete after 2 digits)"},
      {"<13>no newline", "end of stream inside an LF-terminated frame (14 bytes received, no LF)"},
      {"<13>" + std::string(30, 'x'), "end of stream inside an oversize LF-terminated frame (no LF)"},
  };
  for (const Case& k : cases) {
    INFO(k.stream);
    Decoder d(SYSLOGTLS_FRAMING_AUTO, 20, SYSLOGTLS_OVERSIZE_DISCARD);
    Result r = decode_chunks(d, {oc("ok"), k.stream});
    CHECK(r.frames == std::vector<Out>{{"ok", 0}});
    CHECK_FALSE(r.at_boundary);
    CHECK_FALSE(d.finish());
    CHECK(d.error_text() == k.reason);
    CHECK(d.invalid_count() == 1);
  }
  Decoder clean(SYSLOGTLS_FRAMING_AUTO, 20, SYSLOGTLS_OVERSIZE_DISCARD);
  decode_chunks(clean, {oc("ok") + "\n"});
  CHECK(clean.at_boundary());
  CHECK(clean.finish());
}

TEST_CASE("frames from one buffer stay valid after a partial tail is carried") {
  Decoder d(SYSLOGTLS_FRAMING_AUTO, 100, SYSLOGTLS_OVERSIZE_TRUNCATE);
  const std::string a = "20 0123456789";
  const std::string b = "abcdefghij5 hello7 par";
  const std::string c = "tial<13>lf tail";
  const std::string e = " end\n";
  size_t pos = 0;
  Frame f1, f2, f3;
  CHECK(d.next(a.data(), a.size(), &pos, &f1) == DecodeStatus::need_more);
  pos = 0;
  REQUIRE(d.next(b.data(), b.size(), &pos, &f1) == DecodeStatus::frame);  // from the carry
  REQUIRE(d.next(b.data(), b.size(), &pos, &f2) == DecodeStatus::frame);  // zero-copy
  CHECK(f2.data == b.data() + 12);
  REQUIRE(d.next(b.data(), b.size(), &pos, &f3) == DecodeStatus::need_more);  // "par" carried
  CHECK(std::string(f1.data, f1.len) == "0123456789abcdefghij");
  CHECK(std::string(f2.data, f2.len) == "hello");
  pos = 0;
  REQUIRE(d.next(c.data(), c.size(), &pos, &f1) == DecodeStatus::frame);
  CHECK(d.next(c.data(), c.size(), &pos, &f2) == DecodeStatus::need_more);  // LF frame carried
  CHECK(std::string(f1.data, f1.len) == "partial");
  pos = 0;
  REQUIRE(d.next(e.data(), e.size(), &pos, &f2) == DecodeStatus::frame);
  CHECK(std::string(f2.data, f2.len) == "<13>lf tail end");
  CHECK(d.next(e.data(), e.size(), &pos, &f3) == DecodeStatus::need_more);
}

TEST_CASE("encoder: octet-counted and LF with LF replacement") {
  std::string out;
  CHECK_FALSE(syslogtls::encode_frame(SYSLOGTLS_FRAMING_OCTET_COUNTED, "a\nb", 3, out));
  CHECK(out == "3 a\nb");
  out.clear();
  CHECK(syslogtls::encode_frame(SYSLOGTLS_FRAMING_LF, "a\nb\n", 4, out));
  CHECK(out == "a b \n");
  out.clear();
  CHECK_FALSE(syslogtls::encode_frame(SYSLOGTLS_FRAMING_LF, "ab", 2, out));
  CHECK(out == "ab\n");
  CHECK_THROWS_AS(syslogtls::encode_frame(SYSLOGTLS_FRAMING_OCTET_COUNTED, "", 0, out), syslogtls::Error);
  CHECK_THROWS_AS(syslogtls::encode_frame(SYSLOGTLS_FRAMING_AUTO, "x", 1, out), syslogtls::Error);
  CHECK(syslogtls::encoded_size(SYSLOGTLS_FRAMING_OCTET_COUNTED, 9) == 11);
  CHECK(syslogtls::encoded_size(SYSLOGTLS_FRAMING_OCTET_COUNTED, 10) == 13);
  CHECK(syslogtls::encoded_size(SYSLOGTLS_FRAMING_LF, 10) == 11);
}

TEST_CASE("encoder round trip through the decoder, byte for byte") {
  uint32_t seed = 12345;  // fixed: deterministic
  auto rnd = [&seed] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  std::vector<std::string> msgs;
  for (size_t len : {1, 2, 9, 10, 11, 99, 100, 101, 999, 1000, 4096}) {
    std::string m(len, '\0');
    for (char& ch : m) ch = static_cast<char>(rnd() & 0xff);
    msgs.push_back(m);
  }
  std::string octet, lf;
  for (const std::string& m : msgs) {
    syslogtls::encode_frame(SYSLOGTLS_FRAMING_OCTET_COUNTED, m.data(), m.size(), octet);
    std::string printable = "<13>" + m;
    for (char& ch : printable) ch = ch == '\r' ? 'r' : ch;  // a CR before LF would be stripped
    syslogtls::encode_frame(SYSLOGTLS_FRAMING_LF, printable.data(), printable.size(), lf);
  }
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{4096}, octet.size()}) {
    Decoder d(SYSLOGTLS_FRAMING_AUTO, 8192, SYSLOGTLS_OVERSIZE_CLOSE);
    std::vector<std::string> chunks;
    for (size_t i = 0; i < octet.size(); i += chunk) chunks.push_back(octet.substr(i, chunk));
    Result r = decode_chunks(d, chunks);
    REQUIRE(r.frames.size() == msgs.size());
    for (size_t i = 0; i < msgs.size(); ++i) CHECK(r.frames[i].data == msgs[i]);
  }
  Decoder d(SYSLOGTLS_FRAMING_LF, 8192, SYSLOGTLS_OVERSIZE_CLOSE);
  Result r = decode_chunks(d, {lf});
  REQUIRE(r.frames.size() == msgs.size());
  for (size_t i = 0; i < msgs.size(); ++i) {
    CHECK(r.frames[i].data.find('\n') == std::string::npos);
    CHECK(r.frames[i].data.size() == msgs[i].size() + 4);
  }
}

TEST_CASE("Decoder rejects bad arguments") {
  CHECK_THROWS_AS(Decoder(7, 100, SYSLOGTLS_OVERSIZE_CLOSE), syslogtls::Error);
  CHECK_THROWS_AS(Decoder(SYSLOGTLS_FRAMING_AUTO, 0, SYSLOGTLS_OVERSIZE_CLOSE), syslogtls::Error);
  CHECK_THROWS_AS(Decoder(SYSLOGTLS_FRAMING_AUTO, 100, 9), syslogtls::Error);
}

namespace {
struct Collected {
  std::vector<Out> frames;
  int stop_after = -1;
};
int collect(const syslogtls_frame* f, void* user) {
  auto* c = static_cast<Collected*>(user);
  c->frames.push_back(Out{std::string(f->data, f->len), f->flags});
  return static_cast<int>(c->frames.size()) == c->stop_after ? 42 : 0;
}
}  // namespace

TEST_CASE("C API: parse functions") {
  int v = -1;
  CHECK(syslogtls_framing_parse("AUTO", &v) == SYSLOGTLS_OK);
  CHECK(v == SYSLOGTLS_FRAMING_AUTO);
  CHECK(syslogtls_framing_parse("octet-counted", &v) == SYSLOGTLS_OK);
  CHECK(v == SYSLOGTLS_FRAMING_OCTET_COUNTED);
  CHECK(syslogtls_framing_parse("Lf", &v) == SYSLOGTLS_OK);
  CHECK(v == SYSLOGTLS_FRAMING_LF);
  CHECK(syslogtls_framing_parse("crlf", &v) == SYSLOGTLS_E_INVAL);
  CHECK(std::string(syslogtls_errmsg()) == "invalid framing 'crlf' (valid: auto, octet-counted, lf)");
  CHECK(syslogtls_framing_parse(nullptr, &v) == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_oversize_parse("Truncate", &v) == SYSLOGTLS_OK);
  CHECK(v == SYSLOGTLS_OVERSIZE_TRUNCATE);
  CHECK(syslogtls_oversize_parse("discard", &v) == SYSLOGTLS_OK);
  CHECK(v == SYSLOGTLS_OVERSIZE_DISCARD);
  CHECK(syslogtls_oversize_parse("close", &v) == SYSLOGTLS_OK);
  CHECK(v == SYSLOGTLS_OVERSIZE_CLOSE);
  CHECK(syslogtls_oversize_parse("drop", &v) == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_oversize_parse("close", nullptr) == SYSLOGTLS_E_INVAL);
  CHECK(std::string(syslogtls_errmsg()) == "NULL result pointer");
  CHECK(syslogtls_oversize_parse("close", &v) == SYSLOGTLS_OK);
  CHECK(std::string(syslogtls_errmsg()).empty());
}

TEST_CASE("C API: frame encoder writes octet-counted and LF frames and reports the length") {
  char buf[16];
  size_t n = 0;
  int replaced = -1;
  CHECK(syslogtls_frame_encode(SYSLOGTLS_FRAMING_OCTET_COUNTED, "hello", 5, buf, sizeof buf, &n, &replaced) ==
        SYSLOGTLS_OK);
  CHECK(n == 7);
  CHECK(std::string(buf, n) == "5 hello");
  CHECK(replaced == 0);
  CHECK(syslogtls_frame_encode(SYSLOGTLS_FRAMING_OCTET_COUNTED, "hello", 5, buf, 7, &n, nullptr) == SYSLOGTLS_OK);
  CHECK(n == 7);  // exactly enough room
  CHECK(syslogtls_frame_encode(SYSLOGTLS_FRAMING_LF, "a\nb", 3, buf, sizeof buf, &n, &replaced) == SYSLOGTLS_OK);
  CHECK(std::string(buf, n) == "a b\n");
  CHECK(replaced == 1);
  CHECK(syslogtls_frame_encode(SYSLOGTLS_FRAMING_LF, "", 0, buf, sizeof buf, &n, nullptr) == SYSLOGTLS_OK);
  CHECK(n == 1);
  CHECK(buf[0] == '\n');
}

TEST_CASE("C API: frame encoder with a too small buffer writes nothing and says the size needed") {
  char buf[16];
  std::memset(buf, '#', sizeof buf);
  size_t n = 0;
  CHECK(syslogtls_frame_encode(SYSLOGTLS_FRAMING_OCTET_COUNTED, "hello", 5, buf, 6, &n, nullptr) == SYSLOGTLS_E_SPACE);
  CHECK(n == 7);
  CHECK(buf[0] == '#');
  CHECK(std::string(syslogtls_strerror(SYSLOGTLS_E_SPACE)) == "buffer too small");
  CHECK(syslogtls_frame_encode(SYSLOGTLS_FRAMING_LF, "abc", 3, nullptr, 0, &n, nullptr) == SYSLOGTLS_E_SPACE);
  CHECK(n == 4);
}

TEST_CASE("C API: frame encoder refuses an empty octet-counted message and bad arguments") {
  char buf[16];
  size_t n = 99;
  CHECK(syslogtls_frame_encode(SYSLOGTLS_FRAMING_OCTET_COUNTED, "", 0, buf, sizeof buf, &n, nullptr) ==
        SYSLOGTLS_E_FRAME);
  CHECK(std::string(syslogtls_errmsg()).find("empty message") != std::string::npos);
  CHECK(syslogtls_frame_encode(SYSLOGTLS_FRAMING_AUTO, "x", 1, buf, sizeof buf, &n, nullptr) == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_frame_encode(SYSLOGTLS_FRAMING_LF, nullptr, 3, buf, sizeof buf, &n, nullptr) == SYSLOGTLS_E_INVAL);
  CHECK(syslogtls_frame_encode(SYSLOGTLS_FRAMING_LF, "x", 1, buf, sizeof buf, nullptr, nullptr) == SYSLOGTLS_E_INVAL);
}

TEST_CASE("C API: decoder feed, stop, errors and finish") {
  syslogtls_decoder* dec = nullptr;
  CHECK(syslogtls_decoder_new(&dec, SYSLOGTLS_FRAMING_AUTO, 0, SYSLOGTLS_OVERSIZE_CLOSE) == SYSLOGTLS_E_INVAL);
  CHECK(dec == nullptr);
  CHECK(std::string(syslogtls_errmsg()) == "the maximum frame size must be greater than 0");
  CHECK(syslogtls_decoder_new(nullptr, SYSLOGTLS_FRAMING_AUTO, 10, SYSLOGTLS_OVERSIZE_CLOSE) == SYSLOGTLS_E_INVAL);

  REQUIRE(syslogtls_decoder_new(&dec, SYSLOGTLS_FRAMING_AUTO, 10, SYSLOGTLS_OVERSIZE_TRUNCATE) == SYSLOGTLS_OK);
  Collected c;
  CHECK(syslogtls_decoder_feed(dec, "3 ab", 4, collect, &c) == SYSLOGTLS_OK);
  CHECK(syslogtls_decoder_finish(dec) == SYSLOGTLS_E_FRAME);
  CHECK(std::string(syslogtls_errmsg()) == "end of stream inside a frame (2 of 3 bytes received)");
  syslogtls_decoder_free(dec);

  REQUIRE(syslogtls_decoder_new(&dec, SYSLOGTLS_FRAMING_AUTO, 10, SYSLOGTLS_OVERSIZE_TRUNCATE) == SYSLOGTLS_OK);
  CHECK(syslogtls_decoder_feed(dec, "3 abc<1>0123456789xyz\n", 22, collect, &c) == SYSLOGTLS_OK);
  CHECK(c.frames == std::vector<Out>{{"abc", 0}, {"<1>0123456", SYSLOGTLS_FRAME_TRUNCATED}});
  CHECK(syslogtls_decoder_finish(dec) == SYSLOGTLS_OK);
  c.frames.clear();
  c.stop_after = 1;
  CHECK(syslogtls_decoder_feed(dec, "1 a1 b", 6, collect, &c) == 42);
  CHECK(c.frames.size() == 1);
  CHECK(syslogtls_decoder_feed(dec, "1x", 2, collect, &c) == SYSLOGTLS_E_FRAME);
  CHECK(std::string(syslogtls_errmsg()) == "invalid octet count: non-digit 'x' in length field");
  CHECK(syslogtls_decoder_feed(dec, "1 a", 3, collect, &c) == SYSLOGTLS_E_FRAME);  // stays in error
  CHECK(syslogtls_decoder_feed(nullptr, "1 a", 3, collect, &c) == SYSLOGTLS_E_INVAL);
  syslogtls_decoder_free(dec);
  syslogtls_decoder_free(nullptr);
}
