// param_value_fuzz.cpp - libFuzzer target for the functions that turn a
// parameter's string value into a setting: framing, oversizeMode,
// tls.authMode, tls.hostnameCheck (imtls), address and target (loopback and
// IP-literal tests, "[::1]", IDN names), tls.permittedPeer entries, and the
// two validations built on them (imtls::validate, omtls's
// ActionConfig::build with tls="off", which reads no file).
//
// Built by ./configure --enable-fuzzing, run by make fuzz-check
// (tests/fuzz/fuzz.am); seeds in tests/fuzz/corpus/param_value_fuzz/.
// rsyslogd's symbols come from the host tests' stand-ins
// (plugins/host/host_test_stubs.cpp), which record what would be logged.
//
// Input: lines "framing\noversizeMode\naddress-or-targets\nhostnameCheck\n
// authMode\npermittedPeer"; a missing line keeps the default. Properties:
//  - each enum parser accepts exactly its names in any ASCII case, and the
//    value does not depend on the case;
//  - isLoopback implies loopback for IP literals (127/8, ::1, mapped 127/8)
//    and isIpLiteral agrees with the runtime's is_ip_literal;
//  - a permitted peer is accepted exactly when it is a well-formed
//    fingerprint, an IP literal, or a permitted name with an A-label form;
//    a refusal names tls.permittedPeer;
//  - imtls::validate and ActionConfig::build accept exactly when each value
//    does, and every refusal names the parameter it refuses.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "address.hpp"
#include "host_test_stubs.hpp"
#include "idna.hpp"
#include "omtls_config.hpp"
#include "peer_verify.hpp"
#include "settings.hpp"
#include "syslogtls.h"

namespace {

namespace peer = syslogtls::peer;

void require(bool ok) {
  if (!ok) std::abort();
}

std::string lowered(const std::string& s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string upper(const std::string& s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool one_of(const std::string& s, std::initializer_list<const char*> names) {
  const std::string l = lowered(s);
  for (const char* n : names)
    if (l == n) return true;
  return false;
}

bool logged_names(const char* param) {
  const std::string want = std::string("parameter '") + param + "'";
  for (const auto& line : stubs::logged)
    if (line.find(want) != std::string::npos) return true;
  return false;
}

// An enum parser taking a C string: accepts exactly names, case-blind.
template <typename Parse>
bool check_enum(const std::string& v, std::initializer_list<const char*> names, Parse parse, int* value) {
  const bool ok = parse(v.c_str(), value) == SYSLOGTLS_OK;
  require(ok == (v.find('\0') == std::string::npos && one_of(v, names)));
  if (ok) {
    int a = -1, b = -1;
    require(parse(lowered(v).c_str(), &a) == SYSLOGTLS_OK && parse(upper(v).c_str(), &b) == SYSLOGTLS_OK);
    require(a == *value && b == *value);
  }
  return ok;
}

bool check_address(const std::string& a) {
  const std::string c = a.c_str();  // the functions read C strings
  const bool lit = host::isIpLiteral(c);
  require(lit == peer::is_ip_literal(c) || (c.size() > 2 && c.front() == '['));
  const bool loop = host::isLoopback(c);
  if (lit) {
    std::vector<uint8_t> b;
    require(peer::parse_ip(c, &b));
    const bool v6loop = b.size() == 16 && std::vector<uint8_t>(b.begin(), b.end() - 1) == std::vector<uint8_t>(15, 0) &&
                        b[15] == 1;
    require(loop == ((b.size() == 4 && b[0] == 127) || v6loop));
  }
  return loop;
}

bool check_permitted_peer(const std::string& p) {
  syslogtls_tls_config* cfg = nullptr;
  require(syslogtls_tls_config_new(&cfg, SYSLOGTLS_ROLE_SERVER) == SYSLOGTLS_OK);
  const bool ok = syslogtls_tls_config_add_permitted_peer(cfg, p.c_str()) == SYSLOGTLS_OK;
  const std::string c = p.c_str();
  std::string why, out;
  peer::Fingerprint fp;
  bool want;
  if (peer::looks_like_fingerprint(c))
    want = peer::parse_fingerprint(c, &fp, &why);
  else
    want = peer::is_ip_literal(c) || (peer::check_permitted_name(c, &why) && syslogtls::to_alabel(c, &out, &why));
  require(ok == want);
  if (!ok) require(syslogtls_tls_config_failed_setting(cfg) == SYSLOGTLS_SETTING_PERMITTED_PEER);
  syslogtls_tls_config_free(cfg);
  return ok;
}

void check_imtls(const std::vector<std::string>& f, bool tls) {
  imtls::Settings s;
  s.tls = tls;
  if (f.size() > 0) s.framing = f[0];
  if (f.size() > 1) s.oversizeMode = f[1];
  if (f.size() > 2) s.address = f[2];
  if (f.size() > 3) s.tlsValues.hostnameCheck = f[3];
  if (f.size() > 4) s.tlsValues.authMode = f[4];
  int framing = 0, oversize = 0, auth = 0;
  const bool framingOk = check_enum(s.framing, {"auto", "octet-counted", "lf"}, syslogtls_framing_parse, &framing);
  const bool oversizeOk =
      check_enum(s.oversizeMode, {"truncate", "discard", "close"}, syslogtls_oversize_parse, &oversize);
  const bool authOk = !s.tlsValues.authMode || check_enum(*s.tlsValues.authMode,
                                                          {"anon", "x509/certvalid", "x509/name", "x509/fingerprint"},
                                                          syslogtls_auth_mode_parse, &auth);
  imtls::HostnameCheck hc{};
  const std::string hcText = s.tlsValues.hostnameCheck.value_or("off");
  const bool hcOk = imtls::parseHostnameCheck(hcText, hc);
  require(hcOk == one_of(hcText, {"off", "warn", "tag", "enforce", "replace"}));
  const bool loop = !s.address.empty() && check_address(s.address);

  stubs::logged.clear();
  imtls::ListenerConfig out;
  const bool ok = imtls::validate(s, out);
  require(ok == (framingOk && oversizeOk && (tls || loop) && (!tls || authOk) && hcOk));
  if (!framingOk) require(logged_names("framing"));
  if (!oversizeOk) require(logged_names("oversizeMode"));
  if (!tls && !loop) require(logged_names("tls"));
  if (tls && !authOk) require(logged_names("tls.authMode"));
  if (!hcOk) require(logged_names("tls.hostnameCheck"));
  if (ok) {
    require(out.framing == framing && out.oversize == oversize && out.hostnameCheck == hc);
    require(out.loopback == loop);
  }
  stubs::logged.clear();
}

void check_omtls(const std::vector<std::string>& f) {
  omtls::ActionSettings s;
  s.tls = false;
  if (f.size() > 0) s.framing = f[0];
  if (f.size() > 2) {
    std::string t;
    for (char ch : f[2] + " ") {
      if (ch == ' ') {
        s.targets.push_back(t);
        t.clear();
      } else {
        t += ch;
      }
    }
  }
  int framing = 0;
  const bool framingOk = check_enum(s.framing, {"auto", "octet-counted", "lf"}, syslogtls_framing_parse, &framing) &&
                         framing != SYSLOGTLS_FRAMING_AUTO;
  bool targetsOk = !s.targets.empty();
  bool loopback = true;
  for (std::string t : s.targets) {
    if (t.size() > 2 && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2);
    std::string a, why;
    if (t.empty() || (!syslogtls::to_alabel(t.c_str(), &a, &why) && !peer::is_ip_literal(t.c_str())))
      targetsOk = false;
    else if (!host::isLoopback(t))
      loopback = false;
  }
  std::string err;
  std::vector<std::string> warnings;
  const auto c = omtls::ActionConfig::build(s, omtls::TlsDefaults{}, err, warnings);
  if (c) {
    require(targetsOk && loopback && framingOk);
    require(c->framing() == framing && c->targets().size() == s.targets.size() && !c->tls());
  } else {
    require(err.rfind("parameter '", 0) == 0);
    if (targetsOk && loopback) require(!framingOk && err.rfind("parameter 'framing'", 0) == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 2048) return 0;
  std::vector<std::string> f;
  std::string cur;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') {
      f.push_back(cur);
      cur.clear();
    } else {
      cur += static_cast<char>(data[i]);
    }
  }
  f.push_back(cur);
  // Embedded NULs: the core hands C strings over.
  for (auto& v : f) v = v.c_str();
  check_imtls(f, true);
  check_imtls(f, false);
  check_omtls(f);
  if (f.size() > 5) check_permitted_peer(f[5]);
  if (f.size() > 2) check_address(f[2]);
  return 0;
}
