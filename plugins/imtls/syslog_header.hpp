// syslog_header.hpp - where the HOSTNAME of a raw syslog message is, as
// rsyslog's default parsers will find it, and the message with another
// HOSTNAME in that place.
//
// imtls hands rsyslog raw frames; rsyslog parses them only after the
// submit. To apply tls.hostnameCheck before that, imtls locates the HOSTNAME
// itself, following the rules of rsyslog 8.2302's PRI parser and of its
// default parser chain (rsyslog.rfc5424, then rsyslog.rfc3164 with its
// default options), as described in ABI.md §16:
//   - PRI: "<" digits ">" with a value of at most 191; a message that does
//     not start with "<" has the default PRI; any other start is an invalid
//     PRI, and the legacy parser then takes no HOSTNAME.
//   - RFC 5424 (the text after PRI starts with "1 "): TIMESTAMP is "-" or an
//     RFC 3339 time, followed by SP; HOSTNAME is the next field up to SP or
//     the end. "-" (NILVALUE) and an empty field claim no HOSTNAME. If the
//     TIMESTAMP is invalid, rsyslog takes no HOSTNAME either.
//   - RFC 3164 (everything else): no HOSTNAME when the text after PRI is
//     blanks followed by "{" or "[" (headerless). An optional RFC 3339 or
//     RFC 3164 timestamp ("Mmm dd hh:mm:ss", a leading year, a year in place
//     of the hour, ".frac", a trailing ":") is skipped; then the HOSTNAME is
//     the longest run of ASCII letters, digits, ".", "_" and "-" (at most 511
//     bytes), taken only if it ends the message, or ends with a letter or
//     digit and is followed by SP.
//
// Pure functions: no I/O, no allocation except in withHostname.
// Concurrency & Locking: none needed (no shared state).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace imtls {

enum class SyslogFormat {
  kRfc5424,  // parsed by rsyslog.rfc5424
  kRfc3164,  // parsed by rsyslog.rfc3164
};

struct HostnameField {
  SyslogFormat format = SyslogFormat::kRfc3164;
  bool present = false;  // the message claims a HOSTNAME: data[offset, offset + length)
  std::size_t offset = 0;
  std::size_t length = 0;
};

// Locates the HOSTNAME of one raw message (a frame without its framing).
HostnameField findHostname(const char* data, std::size_t len) noexcept;

// The claimed HOSTNAME ("" if none).
inline std::string_view hostnameOf(const char* data, const HostnameField& f) noexcept {
  return f.present ? std::string_view(data + f.offset, f.length) : std::string_view();
}

// True when rsyslog's parser for format would read name back as the whole
// HOSTNAME in that place: RFC 5424 1-255 printable US-ASCII bytes without
// SP; RFC 3164 1-511 letters, digits, ".", "_", "-", ending with a letter
// or digit.
bool fitsHostnameField(SyslogFormat format, std::string_view name) noexcept;

// data with the present field f replaced by name, written to out (reused
// buffer). Requires f.present.
void withHostname(const char* data, std::size_t len, const HostnameField& f, std::string_view name,
                  std::string& out);

}  // namespace imtls
