// peer_verify.cpp - pure peer-policy helpers (names, IPs, fingerprints).
#include "peer_verify.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

namespace syslogtls {
namespace peer {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Lower case, one trailing dot removed.
std::string normalize(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  std::string out(s.size(), '\0');
  for (size_t i = 0; i < s.size(); ++i) out[i] = lower(s[i]);
  return out;
}

// "*.rest" with rest free of '*' and of empty labels. *rest gets "rest".
bool split_wildcard(const std::string& n, std::string* rest) {
  if (n.size() < 3 || n[0] != '*' || n[1] != '.') return false;
  std::string r = n.substr(2);
  if (r.find('*') != std::string::npos) return false;
  if (r.front() == '.' || r.find("..") != std::string::npos) return false;
  *rest = r;
  return true;
}

// name = one non-empty label + "." + rest, without '*'.
bool one_label_then(const std::string& name, const std::string& rest) {
  if (name.find('*') != std::string::npos) return false;
  size_t dot = name.find('.');
  if (dot == 0 || dot == std::string::npos) return false;
  return name.compare(dot + 1, std::string::npos, rest) == 0;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

bool parse_ip(std::string_view text, std::vector<uint8_t>* bytes) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 64) return false;
  std::string s(text);
  unsigned char buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) {
    bytes->assign(buf, buf + 4);
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) {
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(buf, mapped, sizeof mapped) == 0)
      bytes->assign(buf + 12, buf + 16);
    else
      bytes->assign(buf, buf + 16);
    return true;
  }
  return false;
}

bool is_ip_literal(std::string_view text) {
  std::vector<uint8_t> b;
  return parse_ip(text, &b);
}

std::string format_ip(const std::vector<uint8_t>& bytes) {
  char buf[INET6_ADDRSTRLEN] = "";
  if (bytes.size() == 4 && inet_ntop(AF_INET, bytes.data(), buf, sizeof buf) != nullptr) return buf;
  if (bytes.size() == 16 && inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf) != nullptr) return buf;
  std::string out;
  for (uint8_t b : bytes) {
    char h[3];
    std::snprintf(h, sizeof h, "%02x", b);
    out += h;
  }
  return out;
}

bool check_permitted_name(std::string_view name, std::string* reason) {
  if (name.empty()) {
    *reason = "empty name";
    return false;
  }
  for (char c : name) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',') {
      *reason = "a name must not contain blanks or commas (give one peer per entry)";
      return false;
    }
  }
  std::string n = normalize(name);
  if (n.find('*') == std::string::npos) {
    if (n.empty() || n.front() == '.' || n.find("..") != std::string::npos) {
      *reason = "empty label in name";
      return false;
    }
    return true;
  }
  std::string rest;
  if (!split_wildcard(n, &rest)) {
    *reason = "wildcard '*' is allowed only as the whole left-most label followed by a domain "
              "(e.g. *.example.com)";
    return false;
  }
  return true;
}

bool dns_name_matches(std::string_view cert_name, std::string_view permitted) {
  std::string c = normalize(cert_name);
  std::string p = normalize(permitted);
  if (c.empty() || p.empty()) return false;
  std::string rest;
  if (split_wildcard(p, &rest)) {
    if (c == p) return true;
    return !is_ip_literal(c) && one_label_then(c, rest);
  }
  if (split_wildcard(c, &rest)) {
    // Wildcard in the certificate: at least two labels after it.
    if (rest.find('.') == std::string::npos) return false;
    return !is_ip_literal(p) && one_label_then(p, rest);
  }
  if (c.find('*') != std::string::npos || p.find('*') != std::string::npos) return false;
  return c == p;
}

bool is_wildcard_name(std::string_view cert_name) {
  std::string rest;
  return split_wildcard(normalize(cert_name), &rest);
}

NameMatch match_names(const CertNames& names, const std::vector<std::string>& permitted) {
  NameMatch m;
  bool exact = false;
  // A matching certificate name: exact ends the search, a wildcard is noted.
  auto hit = [&](const std::string& cert_name) {
    if (!is_wildcard_name(cert_name)) {
      exact = true;
      return;
    }
    if (m.wildcard.empty()) m.wildcard = cert_name;
  };
  const bool use_cn = names.dns.empty();
  for (const std::string& entry : permitted) {
    std::vector<uint8_t> want;
    if (parse_ip(entry, &want)) {
      for (const auto& ip : names.ips) {
        std::vector<uint8_t> have;  // re-parsed so that v4-mapped v6 compares as v4
        if (parse_ip(format_ip(ip), &have) && have == want) exact = true;
      }
      if (use_cn) {
        for (const std::string& cn : names.cns) {
          std::vector<uint8_t> have;
          if (parse_ip(cn, &have) && have == want) exact = true;
        }
      }
    } else if (!looks_like_fingerprint(entry)) {
      for (const std::string& d : names.dns)
        if (dns_name_matches(d, entry)) hit(d);
      if (use_cn) {
        for (const std::string& cn : names.cns)
          if (dns_name_matches(cn, entry)) hit(cn);
      }
    }
    if (exact) break;
  }
  m.matched = exact || !m.wildcard.empty();
  m.wildcard_only = !exact && !m.wildcard.empty();
  if (exact) m.wildcard.clear();
  return m;
}

bool names_match(const CertNames& names, const std::vector<std::string>& permitted) {
  return match_names(names, permitted).matched;
}

bool claimed_name_matches(const CertNames& names, std::string_view name, bool accept_wildcards) {
  if (name.empty() || name.find('*') != std::string_view::npos) return false;
  if (!is_ip_literal(name) && looks_like_fingerprint(name)) return false;
  NameMatch m = match_names(names, {std::string(name)});
  return m.matched && (accept_wildcards || !m.wildcard_only);
}

std::string describe_names(const CertNames& names) {
  std::vector<std::string> items;
  for (const auto& d : names.dns) items.push_back("DNS:" + d);
  for (const auto& ip : names.ips) items.push_back("IP:" + format_ip(ip));
  if (names.dns.empty())
    for (const auto& cn : names.cns) items.push_back("CN:" + cn);
  return describe_list(items);
}

std::string describe_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  out += "]";
  return out;
}

bool looks_like_fingerprint(std::string_view text) {
  size_t colon = text.find(':');
  return colon != std::string_view::npos && colon > 0 && !is_ip_literal(text);
}

bool parse_fingerprint(std::string_view text, Fingerprint* out, std::string* reason) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    *reason = "a fingerprint starts with its algorithm, e.g. SHA256:AA:BB:...";
    return false;
  }
  // Lower case only: a trailing dot is no part of an algorithm name.
  std::string alg(text.substr(0, colon));
  for (char& c : alg) c = lower(c);
  Fingerprint fp;
  size_t want = 0;
  if (alg == "sha256" || alg == "sha-256") {
    fp.alg = FpAlg::sha256;
    want = 32;
  } else if (alg == "sha1" || alg == "sha-1") {
    fp.alg = FpAlg::sha1;
    want = 20;
  } else {
    *reason = "unknown fingerprint algorithm '" + std::string(text.substr(0, colon)) +
              "' (use SHA256: or SHA1:)";
    return false;
  }
  std::string_view hex = text.substr(colon + 1);
  const bool separated = hex.find(':') != std::string_view::npos;
  size_t i = 0;
  while (i < hex.size()) {
    if (i + 2 > hex.size() || hex_value(hex[i]) < 0 || hex_value(hex[i + 1]) < 0 ||
        (separated && i + 2 < hex.size() && hex[i + 2] != ':')) {
      size_t end = separated ? hex.find(':', i) : i + 2;
      if (end == std::string_view::npos || end > hex.size()) end = hex.size();
      *reason = "'" + std::string(hex.substr(i, end - i)) + "' is not a hexadecimal byte";
      return false;
    }
    fp.digest.push_back(static_cast<uint8_t>(hex_value(hex[i]) * 16 + hex_value(hex[i + 1])));
    i += separated ? 3 : 2;
    if (separated && i == hex.size() && hex.back() == ':') {
      *reason = "trailing ':' in fingerprint";
      return false;
    }
  }
  if (fp.digest.size() != want) {
    *reason = std::string(want == 32 ? "a SHA256" : "a SHA1") + " fingerprint has " +
              std::to_string(want) + " bytes, this one has " + std::to_string(fp.digest.size());
    return false;
  }
  *out = std::move(fp);
  return true;
}

std::string format_fingerprint(const Fingerprint& fp) {
  std::string out = fp.alg == FpAlg::sha256 ? "SHA256" : "SHA1";
  for (uint8_t b : fp.digest) {
    char h[4];
    std::snprintf(h, sizeof h, ":%02X", b);
    out += h;
  }
  return out;
}

std::string peer_label(const std::string& ip, unsigned port, const std::string& subject) {
  std::string out = "peer ";
  if (ip.find(':') != std::string::npos)
    out += "[" + ip + "]";
  else
    out += ip;
  out += ":" + std::to_string(port);
  if (!subject.empty()) out += " (subject '" + subject + "')";
  return out;
}

}  // namespace peer
}  // namespace syslogtls
