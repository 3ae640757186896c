// peer_name_fuzz.cpp - libFuzzer target for the peer-name matcher
// (runtime/peer_verify.*: RFC 5425 section 5.2 / RFC 6125 name and
// wildcard rules) and the IDN conversion permitted peers go through.
//
// Built by ./configure --enable-fuzzing, run by make fuzz-check
// (tests/fuzz/fuzz.am); seeds in tests/fuzz/corpus/peer_name_fuzz/.
// Input: "<certificate name>\n<permitted name or claimed host name>"; a
// missing second line means the same name on both sides. Properties:
//  - matching is ASCII case-insensitive and ignores one trailing dot, on
//    either side;
//  - two different names match only through a wildcard that is the whole
//    left-most label ("*.rest", no other '*') standing for exactly one
//    non-empty label of the other name; a certificate wildcard needs at
//    least two labels after it; an IP literal never matches a wildcard;
//  - a '*' anywhere else never makes two different names match;
//  - check_permitted_name accepts only non-empty names without blanks or
//    commas whose '*' (if any) is the whole left-most label;
//  - a claimed host name containing '*' matches nothing, and without
//    wildcard acceptance matches only where an exact name does;
//  - match_names agrees with names_match and its wildcard report is a
//    wildcard name;
//  - the A-label form of a name converts to itself, and an ASCII name is
//    left as it is.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "idna.hpp"
#include "peer_verify.hpp"

namespace {

namespace peer = syslogtls::peer;

void require(bool ok) {
  if (!ok) std::abort();
}

// The spec's normal form, written independently of the matcher.
std::string norm(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string swap_case(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    else if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// "*.rest": '*' is the whole left-most label, rest non-empty, no other '*',
// no empty label.
bool whole_label_wildcard(const std::string& n, std::string* rest) {
  if (n.size() < 3 || n.compare(0, 2, "*.") != 0) return false;
  std::string r = n.substr(2);
  if (r.find('*') != std::string::npos || r.front() == '.' || r.find("..") != std::string::npos) return false;
  *rest = r;
  return true;
}

// name is one non-empty label (no '.', no '*') followed by ".rest".
bool one_label_before(const std::string& name, const std::string& rest) {
  if (name.find('*') != std::string::npos) return false;
  const size_t dot = name.find('.');
  return dot != std::string::npos && dot > 0 && name.substr(dot + 1) == rest;
}

void check_match(const std::string& c, const std::string& p) {
  const bool m = peer::dns_name_matches(c, p);
  // Case and one trailing dot never change the answer.
  require(peer::dns_name_matches(swap_case(c), p) == m);
  require(peer::dns_name_matches(c, swap_case(p)) == m);
  if (c.empty() || c.back() != '.') require(peer::dns_name_matches(c + ".", p) == m);
  if (p.empty() || p.back() != '.') require(peer::dns_name_matches(c, p + ".") == m);
  if (!m) return;
  const std::string nc = norm(c), np = norm(p);
  require(!nc.empty() && !np.empty());
  if (nc == np) return;
  std::string rest;
  if (whole_label_wildcard(np, &rest)) {
    require(one_label_before(nc, rest));
    require(!peer::is_ip_literal(nc));
  } else {
    require(whole_label_wildcard(nc, &rest));
    require(rest.find('.') != std::string::npos);  // "*.com" in a certificate matches nothing
    require(one_label_before(np, rest));
    require(!peer::is_ip_literal(np));
  }
}

void check_permitted(const std::string& p) {
  std::string why;
  if (!peer::check_permitted_name(p, &why)) {
    require(!why.empty());
    return;
  }
  require(!p.empty());
  for (char c : p) require(c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ',');
  const std::string n = norm(p);
  std::string rest;
  if (n.find('*') != std::string::npos) require(whole_label_wildcard(n, &rest));
}

void check_claimed(const std::string& c, const std::string& name) {
  peer::CertNames names;
  names.dns.push_back(c);
  const bool any = peer::claimed_name_matches(names, name, true);
  const bool exact = peer::claimed_name_matches(names, name, false);
  if (name.find('*') != std::string::npos) require(!any);
  require(!exact || any);
  if (any) require(peer::dns_name_matches(c, name));
  if (exact) require(!peer::is_wildcard_name(c) || norm(c) == norm(name));

  const peer::NameMatch nm = peer::match_names(names, {name});
  require(nm.matched == peer::names_match(names, {name}));
  if (nm.wildcard_only) require(nm.matched && peer::is_wildcard_name(nm.wildcard));
  if (!nm.matched) require(!nm.wildcard_only);
}

void check_alabel(const std::string& name) {
  std::string out, why;
  if (!syslogtls::to_alabel(name, &out, &why)) {
    require(!why.empty());
    return;
  }
  if (syslogtls::is_ascii(name)) require(out == name);
  require(syslogtls::is_ascii(out));
  std::string again;
  require(syslogtls::to_alabel(out, &again, &why) && again == out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string in(reinterpret_cast<const char*>(data), size);
  const size_t nl = in.find('\n');
  const std::string cert = in.substr(0, nl);
  const std::string other = nl == std::string::npos ? cert : in.substr(nl + 1);
  check_match(cert, other);
  check_match(other, cert);
  check_permitted(other);
  check_claimed(cert, other);
  check_alabel(other);
  return 0;
}
