// peer_verify.hpp - pure peer-policy helpers: RFC 5425 name and wildcard
// matching, IP literal comparison, fingerprint parsing, refusal wording.
//
// No GnuTLS, no I/O, no state: every function is thread-safe and total
// (never throws except std::bad_alloc).
//
// Wildcards (RFC 5425 section 5.2) are supported on BOTH sides:
//  - in a permitted peer ("*.example.com" matches "a.example.com"), and
//  - in a certificate dNSName / CN ("*.example.com" in the certificate
//    matches the permitted peer or target "a.example.com").
// '*' counts only as the whole left-most label and stands for exactly one
// non-empty label; "f*o.example.com" and "a.*.example.com" never match.
// A wildcard in a certificate must be followed by at least two labels
// ("*.com" in a certificate matches nothing); the operator's own permitted
// list may use "*.lan". Comparison is ASCII case-insensitive and ignores one
// trailing dot. Two identical wildcard strings match each other.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace syslogtls {
namespace peer {

// --- IP literals ---------------------------------------------------------

// Parses "192.0.2.1", "::1", "[::1]" into network-order bytes: 4 bytes for
// IPv4 (also for IPv4-mapped IPv6 "::ffff:192.0.2.1"), else 16. false if
// text is not an IP literal.
bool parse_ip(std::string_view text, std::vector<uint8_t>* bytes);
bool is_ip_literal(std::string_view text);
// 4 or 16 bytes -> "192.0.2.1" / "2001:db8::1"; other lengths -> hex.
std::string format_ip(const std::vector<uint8_t>& bytes);

// --- DNS names -----------------------------------------------------------

// Checks a permitted-peer name: non-empty, no blanks, '*' only as the whole
// left-most label followed by at least one label. false + *reason if bad.
bool check_permitted_name(std::string_view name, std::string* reason);

// One certificate name against one permitted name / target (see the rules
// at the top of this file). IP literals never match through wildcards.
bool dns_name_matches(std::string_view cert_name, std::string_view permitted);

// --- Certificate identities ----------------------------------------------

// The names a certificate carries, as extracted by the TLS layer.
struct CertNames {
  std::vector<std::string> dns;           // SAN dNSName entries
  std::vector<std::vector<uint8_t>> ips;  // SAN iPAddress entries (4 or 16 bytes)
  std::vector<std::string> cns;           // subject CN values
};

// True if any permitted entry matches: an IP-literal entry against the IP
// SANs (compared as addresses); a name entry against the dNSName SANs; the
// CN (as a name, or as an address if it is an IP literal) is used only when
// the certificate has no dNSName SAN. Fingerprint entries are ignored.
bool names_match(const CertNames& names, const std::vector<std::string>& permitted);

// A certificate name that is a wildcard ("*.example.com", any case, one
// trailing dot allowed).
bool is_wildcard_name(std::string_view cert_name);

// names_match with the answer for tls.acceptWildcardCertificates: matched =
// some entry matches some name; wildcard_only = every matching certificate
// name is a wildcard (then wildcard is the first such name, as written in
// the certificate). A caller refusing wildcard certificates refuses when
// matched && wildcard_only.
struct NameMatch {
  bool matched = false;
  bool wildcard_only = false;
  std::string wildcard;
};
NameMatch match_names(const CertNames& names, const std::vector<std::string>& permitted);

// One claimed host name (a message's HOSTNAME, an IP literal) against the
// certificate: the rules of names_match, except that the claimed name is
// never a pattern (a '*' in it matches nothing) and, when accept_wildcards
// is false, a match only through a wildcard certificate name does not count.
bool claimed_name_matches(const CertNames& names, std::string_view name, bool accept_wildcards);

// "[DNS:a.example.net, IP:127.0.0.1]"; the CN appears as "CN:x" only when
// it takes part in matching (no dNSName SAN). "[]" when there is nothing.
std::string describe_names(const CertNames& names);
// "[a.example.net, *.example.org]"
std::string describe_list(const std::vector<std::string>& items);

// --- Fingerprints --------------------------------------------------------

enum class FpAlg { sha1, sha256 };

struct Fingerprint {
  FpAlg alg = FpAlg::sha256;
  std::vector<uint8_t> digest;  // 20 bytes (SHA-1) or 32 bytes (SHA-256)
  bool operator==(const Fingerprint& o) const { return alg == o.alg && digest == o.digest; }
};

// A permitted-peer entry is a fingerprint when it has a "prefix:" and is not
// an IP literal (DNS names never contain ':').
bool looks_like_fingerprint(std::string_view text);

// "SHA256:AA:BB:..", "SHA1:..", "sha-256:..", "sha-1:.."; hex in any case,
// bytes separated by ':' or not separated at all. false + *reason (unknown
// algorithm, bad hex byte, wrong length) if malformed.
bool parse_fingerprint(std::string_view text, Fingerprint* out, std::string* reason);

// "SHA256:AB:CD:.." (upper case, colon separated).
std::string format_fingerprint(const Fingerprint& fp);

// --- Wording -------------------------------------------------------------

// "peer 127.0.0.1:40000" / "peer [::1]:40000", plus " (subject 'CN=x')"
// when subject is not empty.
std::string peer_label(const std::string& ip, unsigned port, const std::string& subject);

}  // namespace peer
}  // namespace syslogtls
