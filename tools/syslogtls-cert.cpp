// syslogtls-cert.cpp - syslogtls-cert: makes keys and certificates for RFC
// 5425 TLS syslog (a self-signed certificate, or a small CA and the
// certificates it issues), prints fingerprints in the spelling of permitted
// peers, and checks a CA / certificate / key set the way imtls and omtls
// would before it is deployed (RFC 5425 section 4.2.1).
//
// Command line: syslogtls-cert SUBCOMMAND [OPTIONS]; the options of each
// subcommand, the file names written and the exit statuses are in the help
// texts (cert-help.cpp) and in syslogtls-cert(1).
//
// Exit status: 0 success (check: the set would be accepted); 1 check: the
// set would be refused, others: a file could not be read or written; 2
// usage error (one line on stderr).
#include <getopt.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "cert-check.hpp"
#include "cert-common.hpp"
#include "cert-facts.hpp"
#include "cert-help.hpp"
#include "cert-make.hpp"
#include "syslogtls.h"

namespace certcmd {
namespace {

constexpr long kMaxDays = 36500;
constexpr long kDefaultLeafDays = 365;
constexpr long kDefaultCaDays = 3650;
constexpr const char* kDefaultCaCn = "syslogtls-cert CA";

// ---- command line ----------------------------------------------------------

// One subcommand's parse of argv with getopt_long; usage errors as one line.
class Args final {
 public:
  Args(const std::string& sub, int argc, char** argv, const option* opts) : sub_(sub), argc_(argc), argv_(argv), opts_(opts) {
    optind = 1;
    opterr = 0;
  }
  // The next option's id (the option's val), -1 at the end.
  int next() {
    int c = getopt_long(argc_, argv_, ":h", opts_, nullptr);
    if (c == '?') {
      const char* arg = argv_[optind - 1];
      if (optopt != 0 && optopt < 256)
        bad("unknown option '-" + std::string(1, static_cast<char>(optopt)) + "'");
      bad("unknown or ambiguous option '" + std::string(arg) + "'");
    }
    if (c == ':') bad("option '" + std::string(argv_[optind - 1]) + "' needs a value");
    return c;
  }
  std::vector<std::string> operands() const {
    std::vector<std::string> out;
    for (int i = optind; i < argc_; ++i) out.emplace_back(argv_[i]);
    return out;
  }
  [[noreturn]] void bad(const std::string& what) const {
    usage_error(sub_ + ": " + what + " (see 'syslogtls-cert " + sub_ + " --help')");
  }

 private:
  std::string sub_;
  int argc_;
  char** argv_;
  const option* opts_;
};

enum OptId {
  kHelp = 'h',
  kName = 256,
  kCn,
  kDns,
  kIp,
  kNoSan,
  kClient,
  kServer,
  kDays,
  kNotBefore,
  kNotAfter,
  kKeyType,
  kOut,
  kPrefix,
  kCa,
  kCaPrefix,
  kHash,
  kRfc,
  kCert,
  kKey,
  kCrl,
};

// "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" (also with "T" and a trailing "Z" or
// " UTC"), UTC -> Unix seconds.
bool parse_date(const std::string& text, time_t* out) {
  struct tm tm {};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, n = 0;
  const char* p = text.c_str();
  if (std::sscanf(p, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return false;
  std::string rest = text.substr(10);
  if (!rest.empty()) {
    if ((rest[0] != ' ' && rest[0] != 'T') ||
        std::sscanf(rest.c_str() + 1, "%2d:%2d:%2d%n", &h, &mi, &s, &n) != 3 || n != 8)
      return false;
    rest = rest.substr(9);
    if (!rest.empty() && rest != "Z" && rest != " UTC") return false;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  const time_t t = timegm(&tm);
  struct tm back {};
  if (t == static_cast<time_t>(-1) || gmtime_r(&t, &back) == nullptr) return false;
  if (back.tm_year != y - 1900 || back.tm_mon != mo - 1 || back.tm_mday != d || back.tm_hour != h ||
      back.tm_min != mi || back.tm_sec != s || y < 1950)
    return false;
  *out = t;
  return true;
}

// A DNS name (IDN converted to its A-label) or a wildcard "*.rest".
std::string dns_name_arg(const Args& args, const char* opt, const std::string& text) {
  char buf[1024];
  size_t len = 0;
  if (text.empty() || text.find_first_of(" \t\n/") != std::string::npos)
    args.bad("invalid " + std::string(opt) + " '" + text + "' (a host name)");
  if (syslogtls_host_to_ascii(text.c_str(), buf, sizeof buf, &len) != SYSLOGTLS_OK)
    args.bad("invalid " + std::string(opt) + " '" + text + "': " + syslogtls_errmsg());
  const std::string ascii(buf, len);
  const size_t star = ascii.find('*');
  if (star != std::string::npos &&
      (star != 0 || ascii.size() < 4 || ascii[1] != '.' || ascii.find('*', 1) != std::string::npos ||
       ascii.find('.', 2) == std::string::npos))
    args.bad("invalid " + std::string(opt) + " '" + text +
             "': a wildcard is '*' as the whole left-most label of a name of three labels or more (*.example.com)");
  return ascii;
}

AltName ip_arg(const Args& args, const std::string& text) {
  AltName n;
  n.ip = true;
  if (!parse_ip(text, &n.addr)) args.bad("invalid --ip '" + text + "' (an IPv4 or IPv6 address)");
  n.text = format_ip(n.addr);
  return n;
}

std::string prefix_arg(const Args& args, const char* opt, const std::string& text) {
  if (text.empty() || text.find('/') != std::string::npos)
    args.bad("invalid " + std::string(opt) + " '" + text + "' (a file name prefix without '/')");
  return text;
}

// The options shared by selfsigned, ca and issue.
struct MakeOptions {
  CertSpec spec;
  std::string name;  // --name (selfsigned, issue)
  bool has_cn = false, no_san = false, client = false, server = false;
  std::vector<AltName> extra_sans;
  long days = 0;
  bool has_days = false, has_not_before = false, has_not_after = false;
  std::string out, prefix;
  std::string ca_dir, ca_prefix = "ca";
};

// Handles one option common to the generating subcommands; false if c is not one.
bool take_make_option(const Args& args, int c, MakeOptions* m) {
  const std::string v = optarg != nullptr ? optarg : "";
  switch (c) {
    case kName:
      m->name = v;
      return true;
    case kCn:
      if (v.empty()) args.bad("invalid --cn '' (not empty)");
      m->spec.cn = v;
      m->has_cn = true;
      return true;
    case kDns: {
      AltName n;
      n.text = dns_name_arg(args, "--dns", v);
      m->extra_sans.push_back(n);
      return true;
    }
    case kIp:
      m->extra_sans.push_back(ip_arg(args, v));
      return true;
    case kNoSan:
      m->no_san = true;
      return true;
    case kClient:
      m->client = true;
      return true;
    case kServer:
      m->server = true;
      return true;
    case kDays: {
      char* end = nullptr;
      errno = 0;
      long d = v.empty() || v[0] < '0' || v[0] > '9' ? -1 : std::strtol(v.c_str(), &end, 10);
      if (d < 1 || d > kMaxDays || errno != 0 || end == nullptr || *end != '\0')
        args.bad("invalid --days '" + v + "' (a number of days, 1..36500)");
      m->days = d;
      m->has_days = true;
      return true;
    }
    case kNotBefore:
      if (!parse_date(v, &m->spec.not_before))
        args.bad("invalid --not-before '" + v + "' (UTC: YYYY-MM-DD or \"YYYY-MM-DD HH:MM:SS\")");
      m->has_not_before = true;
      return true;
    case kNotAfter:
      if (!parse_date(v, &m->spec.not_after))
        args.bad("invalid --not-after '" + v + "' (UTC: YYYY-MM-DD or \"YYYY-MM-DD HH:MM:SS\")");
      m->has_not_after = true;
      return true;
    case kKeyType:
      if (v == "ecdsa")
        m->spec.key_type = KeyType::ecdsa;
      else if (v == "rsa")
        m->spec.key_type = KeyType::rsa;
      else
        args.bad("invalid --key-type '" + v + "' (ecdsa or rsa)");
      return true;
    case kOut:
      if (v.empty()) args.bad("invalid --out '' (a directory)");
      m->out = v;
      return true;
    case kPrefix:
      m->prefix = prefix_arg(args, "--prefix", v);
      return true;
    default:
      return false;
  }
}

// Validity and, for end entities, names and usage from the options.
void finish_spec(const Args& args, MakeOptions* m, long default_days, bool leaf) {
  if (m->out.empty()) args.bad("no output directory given (--out DIR)");
  if (m->has_days && m->has_not_after) args.bad("--days and --not-after exclude each other");
  if (!m->has_not_before) m->spec.not_before = std::time(nullptr);
  if (!m->has_not_after)
    m->spec.not_after = m->spec.not_before + static_cast<time_t>((m->has_days ? m->days : default_days) * 86400L);
  if (m->spec.not_after <= m->spec.not_before) args.bad("--not-after must be later than --not-before");
  if (!leaf) return;
  if (m->name.empty()) args.bad("no name given (--name NAME)");
  AltName first;
  if (parse_ip(m->name, &first.addr)) {
    first.ip = true;
    first.text = format_ip(first.addr);
  } else {
    first.text = dns_name_arg(args, "--name", m->name);
  }
  if (!m->has_cn) m->spec.cn = first.text;
  if (m->no_san && !m->extra_sans.empty()) args.bad("--no-san and --dns/--ip exclude each other");
  if (!m->no_san) {
    m->spec.sans.push_back(first);
    m->spec.sans.insert(m->spec.sans.end(), m->extra_sans.begin(), m->extra_sans.end());
  }
  m->spec.tls_client = m->client || !m->server;
  m->spec.tls_server = m->server || !m->client;
}

void no_operands(const Args& args) {
  const std::vector<std::string> ops = args.operands();
  if (!ops.empty()) args.bad("unexpected argument '" + ops.front() + "'");
}

const char* key_type_text(KeyType t) { return t == KeyType::ecdsa ? "ECDSA P-256" : "RSA 3072"; }

// What was written, two lines on stdout.
void report_written(const CertSpec& spec, const std::string& key_path, const std::string& cert_path) {
  const CertFacts f = read_cert_facts(cert_path).front();
  std::printf("%s: private key (%s, mode 0600)\n", key_path.c_str(), key_type_text(spec.key_type));
  std::printf("%s: certificate '%s' issued by '%s', valid from %s to %s, %s\n", cert_path.c_str(), f.subject.c_str(),
              f.issuer.c_str(), utc_text(f.not_before).c_str(), utc_text(f.not_after).c_str(), f.sha256.c_str());
}

#define MAKE_LONG_OPTIONS                                                                               \
  {"days", required_argument, nullptr, kDays}, {"not-before", required_argument, nullptr, kNotBefore},  \
      {"not-after", required_argument, nullptr, kNotAfter}, {"key-type", required_argument, nullptr, kKeyType}, \
      {"out", required_argument, nullptr, kOut}, {"prefix", required_argument, nullptr, kPrefix},       \
      {"help", no_argument, nullptr, kHelp}
#define NAME_LONG_OPTIONS                                                                                 \
  {"name", required_argument, nullptr, kName}, {"cn", required_argument, nullptr, kCn},                   \
      {"dns", required_argument, nullptr, kDns}, {"ip", required_argument, nullptr, kIp},                 \
      {"no-san", no_argument, nullptr, kNoSan}, {"client", no_argument, nullptr, kClient},                \
      {"server", no_argument, nullptr, kServer}

void print_help(const char* head, bool names, bool validity) {
  std::fputs(head, stdout);
  if (names) std::fputs(kNameOptionsHelp, stdout);
  if (validity) std::fputs(kValidityOptionsHelp, stdout);
  std::fputs(kOutOptionsHelp, stdout);
}

// ---- subcommands -----------------------------------------------------------

int cmd_selfsigned(int argc, char** argv) {
  static const option opts[] = {NAME_LONG_OPTIONS, MAKE_LONG_OPTIONS, {nullptr, 0, nullptr, 0}};
  Args args("selfsigned", argc, argv, opts);
  MakeOptions m;
  for (int c; (c = args.next()) != -1;) {
    if (c == kHelp) {
      print_help(kSelfsignedHelp, true, true);
      std::printf("\nDefault validity: %ld days.\n", kDefaultLeafDays);
      return kExitOk;
    }
    take_make_option(args, c, &m);
  }
  no_operands(args);
  finish_spec(args, &m, kDefaultLeafDays, true);
  m.spec.self_anchor = true;
  const std::string p = m.prefix.empty() ? "" : m.prefix + "-";
  const std::string key = join_path(m.out, p + "key.pem"), cert = join_path(m.out, p + "cert.pem");
  make_certificate(m.spec, nullptr, key, cert);
  report_written(m.spec, key, cert);
  return kExitOk;
}

int cmd_ca(int argc, char** argv) {
  static const option opts[] = {{"cn", required_argument, nullptr, kCn}, MAKE_LONG_OPTIONS, {nullptr, 0, nullptr, 0}};
  Args args("ca", argc, argv, opts);
  MakeOptions m;
  m.spec.cn = kDefaultCaCn;
  for (int c; (c = args.next()) != -1;) {
    if (c == kHelp) {
      print_help(kCaHelp, false, true);
      std::printf("\nDefault validity: %ld days.\n", kDefaultCaDays);
      return kExitOk;
    }
    take_make_option(args, c, &m);
  }
  no_operands(args);
  finish_spec(args, &m, kDefaultCaDays, false);
  m.spec.is_ca = true;
  const std::string p = m.prefix.empty() ? "ca" : m.prefix;
  const std::string key = join_path(m.out, p + "-key.pem"), cert = join_path(m.out, p + ".pem");
  make_certificate(m.spec, nullptr, key, cert);
  report_written(m.spec, key, cert);
  return kExitOk;
}

int cmd_issue(int argc, char** argv) {
  static const option opts[] = {{"ca", required_argument, nullptr, kCa},
                                {"ca-prefix", required_argument, nullptr, kCaPrefix},
                                NAME_LONG_OPTIONS,
                                MAKE_LONG_OPTIONS,
                                {nullptr, 0, nullptr, 0}};
  Args args("issue", argc, argv, opts);
  MakeOptions m;
  for (int c; (c = args.next()) != -1;) {
    if (c == kHelp) {
      print_help(kIssueHelp, true, true);
      std::printf("\nDefault validity: %ld days.\n", kDefaultLeafDays);
      return kExitOk;
    }
    if (c == kCa) {
      if (optarg[0] == '\0') args.bad("invalid --ca '' (the CA's directory)");
      m.ca_dir = optarg;
    } else if (c == kCaPrefix) {
      m.ca_prefix = prefix_arg(args, "--ca-prefix", optarg);
    } else {
      take_make_option(args, c, &m);
    }
  }
  no_operands(args);
  if (m.ca_dir.empty()) args.bad("no CA given (--ca DIR)");
  finish_spec(args, &m, kDefaultLeafDays, true);
  const Issuer issuer =
      load_issuer(join_path(m.ca_dir, m.ca_prefix + ".pem"), join_path(m.ca_dir, m.ca_prefix + "-key.pem"));
  const std::string p = m.prefix.empty() ? "" : m.prefix + "-";
  const std::string key = join_path(m.out, p + "key.pem"), cert = join_path(m.out, p + "cert.pem");
  make_certificate(m.spec, &issuer, key, cert);
  report_written(m.spec, key, cert);
  return kExitOk;
}

int cmd_fingerprint(int argc, char** argv) {
  static const option opts[] = {{"hash", required_argument, nullptr, kHash},
                                {"rfc", no_argument, nullptr, kRfc},
                                {"help", no_argument, nullptr, kHelp},
                                {nullptr, 0, nullptr, 0}};
  Args args("fingerprint", argc, argv, opts);
  bool sha1 = false, rfc = false;
  for (int c; (c = args.next()) != -1;) {
    if (c == kHelp) {
      std::fputs(kFingerprintHelp, stdout);
      return kExitOk;
    }
    if (c == kRfc) {
      rfc = true;
    } else if (c == kHash) {
      const std::string v = optarg;
      if (v == "sha1")
        sha1 = true;
      else if (v == "sha256")
        sha1 = false;
      else
        args.bad("invalid --hash '" + v + "' (sha256 or sha1)");
    }
  }
  const std::vector<std::string> ops = args.operands();
  if (ops.empty()) args.bad("no certificate file given");
  if (ops.size() > 1) args.bad("unexpected argument '" + ops[1] + "'");
  const CertFacts f = read_cert_facts(ops.front()).front();
  const std::string fp = sha1 ? f.sha1 : f.sha256;
  std::printf("%s\n", rfc ? rfc5425_spelling(fp).c_str() : fp.c_str());
  return kExitOk;
}

int cmd_check(int argc, char** argv) {
  static const option opts[] = {{"ca", required_argument, nullptr, kCa},     {"cert", required_argument, nullptr, kCert},
                                {"key", required_argument, nullptr, kKey},   {"name", required_argument, nullptr, kName},
                                {"crl", required_argument, nullptr, kCrl},   {"help", no_argument, nullptr, kHelp},
                                {nullptr, 0, nullptr, 0}};
  Args args("check", argc, argv, opts);
  CheckArgs a;
  for (int c; (c = args.next()) != -1;) {
    std::string* field = nullptr;
    const char* opt = "";
    switch (c) {
      case kHelp:
        std::fputs(kCheckHelp, stdout);
        return kExitOk;
      case kCa: field = &a.ca; opt = "--ca"; break;
      case kCert: field = &a.cert; opt = "--cert"; break;
      case kKey: field = &a.key; opt = "--key"; break;
      case kName: field = &a.name; opt = "--name"; break;
      case kCrl: field = &a.crl; opt = "--crl"; break;
      default: break;
    }
    if (field == nullptr) continue;
    if (optarg[0] == '\0') args.bad("invalid " + std::string(opt) + " '' (not empty)");
    *field = optarg;
  }
  no_operands(args);
  if (a.ca.empty()) args.bad("no CA file given (--ca FILE)");
  if (a.cert.empty()) args.bad("no certificate given (--cert FILE)");
  if (a.key.empty()) args.bad("no private key given (--key FILE)");
  return run_check(a);
}

int dispatch(int argc, char** argv) {
  if (argc < 2) usage_error("no subcommand given (see 'syslogtls-cert --help')");
  const std::string sub = argv[1];
  if (sub == "-h" || sub == "--help") {
    std::fputs(kMainHelp, stdout);
    return kExitOk;
  }
  if (sub == "-V" || sub == "--version") {
    std::printf("syslogtls-cert (rsyslog-tls) %s\n", syslogtls_version());
    return kExitOk;
  }
  if (sub == "selfsigned") return cmd_selfsigned(argc - 1, argv + 1);
  if (sub == "ca") return cmd_ca(argc - 1, argv + 1);
  if (sub == "issue") return cmd_issue(argc - 1, argv + 1);
  if (sub == "fingerprint") return cmd_fingerprint(argc - 1, argv + 1);
  if (sub == "check") return cmd_check(argc - 1, argv + 1);
  if (!sub.empty() && sub[0] == '-') usage_error("unknown option '" + sub + "' (see 'syslogtls-cert --help')");
  usage_error("unknown subcommand '" + sub + "' (see 'syslogtls-cert --help')");
}

}  // namespace
}  // namespace certcmd

int main(int argc, char** argv) {
  // Nothing escapes as an exception: every failure is one line and a status.
  try {
    const int rc = certcmd::dispatch(argc, argv);
    if (std::fflush(stdout) != 0) {
      std::fprintf(stderr, "syslogtls-cert: cannot write to standard output: %s\n", std::strerror(errno));
      return certcmd::kExitFailed;
    }
    return rc;
  } catch (const certcmd::Failure& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "syslogtls-cert: %s\n", e.what());
    return e.status();
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "syslogtls-cert: out of memory\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "syslogtls-cert: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "syslogtls-cert: internal error\n");
  }
  return certcmd::kExitFailed;
}
