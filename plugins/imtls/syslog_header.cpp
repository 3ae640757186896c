// syslog_header.cpp - HOSTNAME location by rsyslog's default parser rules.
//
// The scanners below keep two numbers, like rsyslog's parsers: the position
// and the count of bytes "left". They normally agree; rsyslog's RFC 3164
// timestamp reader does not count the SP after a leading year, so after such
// a timestamp "left" is one too high, which makes rsyslog refuse a
// timestamp or HOSTNAME that ends the message. That is reproduced here, so
// that imtls checks exactly the HOSTNAME rsyslog will use. Reads past the
// end give 0 (rsyslog's raw message is NUL-terminated).
//
// Concurrency & Locking: none (pure functions).
#include "syslog_header.hpp"

#include <climits>

namespace imtls {
namespace {

constexpr long kMaxPri = 191;              // highest valid PRI
constexpr long kHostnameMax = 512 - 1;     // rsyslog's HOSTNAME buffer, without its NUL
constexpr std::size_t kRfc5424HostMax = 255;

struct Text final {
  const unsigned char* d;
  long n;
  unsigned char at(long i) const noexcept { return i >= 0 && i < n ? d[i] : 0; }
};

bool isDigit(unsigned char c) noexcept { return c >= '0' && c <= '9'; }
bool isAlpha(unsigned char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAlnum(unsigned char c) noexcept { return isDigit(c) || isAlpha(c); }
bool isHostChar(unsigned char c) noexcept { return isAlnum(c) || c == '.' || c == '_' || c == '-'; }
unsigned char lower(unsigned char c) noexcept { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

// A position and the bytes left, as rsyslog's parsers keep them.
struct Cursor final {
  long p;
  long left;
};

// Decimal digits while bytes are left (0 when there are none), stopping
// before the value could overflow.
int readNumber(const Text& t, Cursor& c) noexcept {
  int v = 0;
  while (c.left > 0 && isDigit(t.at(c.p)) && v < INT_MAX / 10 - 1) {
    v = v * 10 + (t.at(c.p) - '0');
    ++c.p;
    --c.left;
  }
  return v;
}

// One expected byte, if any is left.
bool expect(const Text& t, Cursor& c, unsigned char ch) noexcept {
  if (c.left == 0 || t.at(c.p) != ch) return false;
  ++c.p;
  --c.left;
  return true;
}

bool inRange(int v, int lo, int hi) noexcept { return v >= lo && v <= hi; }

// hh:mm:ss[.frac] (hour already read into hour).
bool timeOfDay(const Text& t, Cursor& c, int hour) noexcept {
  if (!inRange(hour, 0, 23) || !expect(t, c, ':')) return false;
  if (!inRange(readNumber(t, c), 0, 59) || !expect(t, c, ':')) return false;
  if (!inRange(readNumber(t, c), 0, 60)) return false;
  if (c.left > 0 && t.at(c.p) == '.') {
    ++c.p;
    --c.left;
    (void)readNumber(t, c);
  }
  return true;
}

// After a timestamp: the end, or one SP (skipped).
bool endOfTimestamp(const Text& t, Cursor& c) noexcept {
  if (c.left > 0) {
    if (t.at(c.p) != ' ') return false;
    ++c.p;
    --c.left;
  }
  return true;
}

// RFC 3339 timestamp; on success c is past it and its SP.
bool skipRfc3339(const Text& t, Cursor& io) noexcept {
  Cursor c = io;
  const int year = readNumber(t, c);
  if (year < 0 || year >= 2100 || !expect(t, c, '-')) return false;
  if (!inRange(readNumber(t, c), 1, 12) || !expect(t, c, '-')) return false;
  if (!inRange(readNumber(t, c), 1, 31) || !expect(t, c, 'T')) return false;
  if (!timeOfDay(t, c, readNumber(t, c))) return false;
  if (c.left == 0) return false;  // the zone is required
  const unsigned char z = t.at(c.p);
  ++c.p;
  --c.left;
  if (z == '+' || z == '-') {
    if (!inRange(readNumber(t, c), 0, 23) || !expect(t, c, ':')) return false;
    if (!inRange(readNumber(t, c), 0, 59)) return false;
  } else if (z != 'Z') {
    return false;
  }
  if (!endOfTimestamp(t, c)) return false;
  io = c;
  return true;
}

// "Jan".."Dec", any case, exactly three letters.
bool monthName(const Text& t, long p) noexcept {
  static const char kMonths[] = "janfebmaraprmayjunjulaugsepoctnovdec";
  for (int m = 0; m < 12; ++m) {
    if (lower(t.at(p)) == kMonths[3 * m] && lower(t.at(p + 1)) == kMonths[3 * m + 1] &&
        lower(t.at(p + 2)) == kMonths[3 * m + 2])
      return true;
  }
  return false;
}

// RFC 3164 timestamp with rsyslog's variants (see the header; no time zone
// name and no year after the time: the legacy parser's defaults).
bool skipRfc3164(const Text& t, Cursor& io) noexcept {
  Cursor c = io;
  if (c.left < 3) return false;
  bool haveYear = false;
  if (isDigit(t.at(c.p))) {
    const int year = readNumber(t, c);
    if (year < 1970 || year > 2100 || t.at(c.p) != ' ') return false;
    ++c.p;  // the SP, not counted in "left" (see the top of this file)
    haveYear = true;
  }
  if (!monthName(t, c.p)) return false;
  c.p += 3;
  c.left -= 3;
  if (!expect(t, c, ' ')) return false;
  if (t.at(c.p) == ' ') {  // "Jan  1"
    ++c.p;
    --c.left;
  }
  if (!inRange(readNumber(t, c), 1, 31) || !expect(t, c, ' ')) return false;
  int hour = readNumber(t, c);
  if (!haveYear && hour > 1970 && hour < 2100) {  // "Jan  1 2026 00:00:00"
    if (!expect(t, c, ' ')) return false;
    hour = readNumber(t, c);
  }
  if (!timeOfDay(t, c, hour)) return false;
  if (c.left > 0 && t.at(c.p) == ':') {
    ++c.p;
    --c.left;
  }
  if (!endOfTimestamp(t, c)) return false;
  io = c;
  return true;
}

// The offset of the text after PRI; valid = false for an invalid PRI.
long afterPri(const Text& t, bool& valid) noexcept {
  valid = true;
  if (t.at(0) != '<') return 0;
  long i = 1;
  long pri = 0;
  while (i < t.n && isDigit(t.at(i)) && pri <= kMaxPri) {
    pri = 10 * pri + (t.at(i) - '0');
    ++i;
  }
  if (i < t.n && t.at(i) == '>' && pri <= kMaxPri) return i + 1;
  valid = false;
  return 0;
}

HostnameField rfc5424(const Text& t, long start) noexcept {
  HostnameField f;
  f.format = SyslogFormat::kRfc5424;
  Cursor c{start + 2, t.n - start - 2};  // after "1 "
  if (c.left >= 2 && t.at(c.p) == '-' && t.at(c.p + 1) == ' ') {
    c.p += 2;
    c.left -= 2;
  } else if (!skipRfc3339(t, c)) {
    return f;  // rsyslog stops parsing the header here
  }
  const long from = c.p;
  while (c.left > 0 && t.at(c.p) != ' ') {
    ++c.p;
    --c.left;
  }
  const long n = c.p - from;
  if (n == 0 || (n == 1 && t.at(from) == '-')) return f;
  f.present = true;
  f.offset = static_cast<std::size_t>(from);
  f.length = static_cast<std::size_t>(n);
  return f;
}

HostnameField rfc3164(const Text& t, long start, bool validPri) noexcept {
  HostnameField f;
  f.format = SyslogFormat::kRfc3164;
  if (!validPri) return f;  // facility "invalid": not parsed at all
  Cursor c{start, t.n - start};
  long i = 0;
  while (i < c.left && (t.at(c.p + i) == ' ' || t.at(c.p + i) == '\t')) ++i;
  if (i < c.left && (t.at(c.p + i) == '{' || t.at(c.p + i) == '[')) return f;  // headerless
  if (!skipRfc3339(t, c) && !skipRfc3164(t, c) && t.at(c.p) == ' ' && c.left > 1) {
    Cursor shifted{c.p + 1, c.left - 1};  // one stray SP before the timestamp
    if (skipRfc3164(t, shifted)) c = shifted;
  }
  if (c.left <= 0) return f;
  long n = 0;
  while (n < c.left && isHostChar(t.at(c.p + n)) && n < kHostnameMax) ++n;
  const bool endsMessage = n == c.left;
  if (!endsMessage && !(n > 0 && isAlnum(t.at(c.p + n - 1)) && t.at(c.p + n) == ' ')) return f;
  if (c.p + n > t.n) return f;  // cannot happen (bytes past the end are 0); bounds kept explicit
  f.present = true;
  f.offset = static_cast<std::size_t>(c.p);
  f.length = static_cast<std::size_t>(n);
  return f;
}

}  // namespace

HostnameField findHostname(const char* data, std::size_t len) noexcept {
  if (data == nullptr || len == 0 || len > static_cast<std::size_t>(LONG_MAX / 2)) return HostnameField();
  const Text t{reinterpret_cast<const unsigned char*>(data), static_cast<long>(len)};
  bool validPri = true;
  const long start = afterPri(t, validPri);
  if (t.n - start >= 2 && t.at(start) == '1' && t.at(start + 1) == ' ') return rfc5424(t, start);
  return rfc3164(t, start, validPri);
}

bool fitsHostnameField(SyslogFormat format, std::string_view name) noexcept {
  if (name.empty()) return false;
  if (format == SyslogFormat::kRfc5424) {
    if (name.size() > kRfc5424HostMax) return false;
    for (unsigned char ch : name)
      if (ch < 33 || ch > 126) return false;
    return true;
  }
  if (name.size() > static_cast<std::size_t>(kHostnameMax)) return false;
  for (unsigned char ch : name)
    if (!isHostChar(ch)) return false;
  return isAlnum(static_cast<unsigned char>(name.back()));
}

void withHostname(const char* data, std::size_t len, const HostnameField& f, std::string_view name,
                  std::string& out) {
  out.clear();
  out.reserve(len - f.length + name.size());
  out.append(data, f.offset);
  out.append(name.data(), name.size());
  out.append(data + f.offset + f.length, len - f.offset - f.length);
}

}  // namespace imtls
