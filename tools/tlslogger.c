/* tlslogger.c - tlslogger: a logger(1)-compatible command that sends syslog
 * messages over TLS (RFC 5425) to imtls or any other TLS syslog receiver.
 *
 * Uses only the public header syslogtls.h. One connection per invocation:
 * the message given as arguments, or every line of -f FILE or of stdin, is
 * written over one TLS session, verified like omtls verifies its target.
 *
 * Exit status (also in --help and tlslogger(1)):
 *   0  every message was written;
 *   1  the session was established but not every message was written
 *      (the line on stderr says how many were);
 *   2  usage error: bad option or value, unreadable file, invalid TLS setting;
 *   3  the server could not be reached: name resolution, connection
 *      refused, unreachable, connect timeout;
 *   4  the server was reached but no verified TLS session came up: the
 *      handshake failed or timed out (a plaintext server does not answer
 *      it), the server's certificate was refused (untrusted, name or
 *      fingerprint mismatch, expired), or the server refused us.
 * Every failure is one line on stderr naming the server, its address and
 * the reason in the runtime's words (the words imtls and omtls log).
 */
#define _GNU_SOURCE 1 /* getopt_long, getline */

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "syslogtls.h"

#define EXIT_NOT_ALL 1
#define EXIT_USAGE 2
#define EXIT_CONNECT 3
#define EXIT_REFUSED 4

#define MAX_PEERS 64
#define MAX_TAG_5424 48 /* RFC 5424 APP-NAME */

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTF_LIKE(f, a)
#define NORETURN
#endif

typedef struct options {
  const char *server;
  unsigned port;
  const char *ca, *cert, *key;
  int auth_mode;
  const char *peers[MAX_PEERS];
  int npeers;
  int framing;
  unsigned timeout_s;
  const char *tag;
  int facility, level;
  int rfc3164;
  int log_id;          /* -i / --id: put a process id into every message */
  unsigned long id;    /* the id given to --id=ID, else the pid */
  const char *file;    /* -f FILE */
  int to_stderr;       /* -s */
} options;

/* One session: the client and what is known of the server, for the
 * failure line. */
typedef struct session {
  const options *opt;
  syslogtls_client *client;
  unsigned long long written; /* messages handed to the TLS session */
} session;

/* ---- usage -------------------------------------------------------------- */

static void usage(FILE *f) {
  fprintf(f,
          "Usage: tlslogger --server HOST [options] [MESSAGE...]\n"
          "Send a syslog message over TLS (RFC 5425): the MESSAGE arguments, or every\n"
          "line of --file or of standard input, all over one verified TLS session.\n"
          "\n"
          "logger options:\n"
          "  -t, --tag TAG             tag / APP-NAME (default: the user's login name)\n"
          "  -p, --priority PRIO       FACILITY.LEVEL or LEVEL, names or numbers\n"
          "                            (default user.notice)\n"
          "  -i, --id[=ID]             add the process id (or ID) to every message\n"
          "      --rfc5424             RFC 5424 messages (default)\n"
          "      --rfc3164             RFC 3164 (BSD) messages\n"
          "  -f, --file FILE           send every line of FILE (empty lines skipped)\n"
          "  -s, --stderr              also print every message to standard error\n"
          "\n"
          "TLS options:\n"
          "  -n, --server HOST         receiver host name or address (required)\n"
          "  -P, --port PORT           receiver port (default 6514)\n"
          "      --ca FILE             CA certificate(s) the server must chain to\n"
          "      --cert FILE           client certificate (when the server asks for one)\n"
          "      --key FILE            private key of --cert\n"
          "      --auth-mode MODE      x509/name (default: the server's certificate must\n"
          "                            name --server, or a --permitted-peer),\n"
          "                            x509/certvalid, x509/fingerprint, anon\n"
          "      --permitted-peer P    a name, wildcard or fingerprint the server's\n"
          "                            certificate must match (repeatable)\n"
          "      --octet-counted       RFC 5425 octet-counted framing (default)\n"
          "      --lf                  LF-terminated framing (RFC 6587)\n"
          "      --timeout SECONDS     bound of the connect, of the handshake and of\n"
          "                            every write (default 10)\n"
          "  -h, --help                this text\n"
          "  -V, --version             the version\n"
          "\n"
          "Exit status:\n"
          "  0  every message was written\n"
          "  1  the session was established, but not every message was written\n"
          "  2  usage error (option, value, file, TLS setting)\n"
          "  3  the server could not be reached (resolve, refused, unreachable, timeout)\n"
          "  4  no verified TLS session: handshake failed or timed out, the server's\n"
          "     certificate was refused, or the server refused us\n");
}

static void fail_usage(const char *fmt, ...) PRINTF_LIKE(1, 2) NORETURN;
static void fail_usage(const char *fmt, ...) {
  va_list ap;
  fputs("tlslogger: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\nTry 'tlslogger --help' for more information.\n", stderr);
  exit(EXIT_USAGE);
}

/* A failure before any connection (file, TLS setting): one line, exit 2. */
static void fail_setup(const char *fmt, ...) PRINTF_LIKE(1, 2) NORETURN;
static void fail_setup(const char *fmt, ...) {
  va_list ap;
  fputs("tlslogger: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(EXIT_USAGE);
}

static int parse_ulong(const char *text, unsigned long max, unsigned long *out) {
  char *end = NULL;
  unsigned long v;
  if (text == NULL || *text < '0' || *text > '9') return -1;
  errno = 0;
  v = strtoul(text, &end, 10);
  if (errno != 0 || *end != '\0' || v > max) return -1;
  *out = v;
  return 0;
}

/* ---- priorities --------------------------------------------------------- */

typedef struct name_value {
  const char *name;
  int value;
} name_value;

/* The names of logger(1) (and syslog.conf); "security", "panic", "error"
 * and "warn" are its deprecated synonyms. */
static const name_value k_facilities[] = {
    {"kern", 0},     {"user", 1},     {"mail", 2},     {"daemon", 3},   {"auth", 4},     {"security", 4},
    {"syslog", 5},   {"lpr", 6},      {"news", 7},     {"uucp", 8},     {"cron", 9},     {"authpriv", 10},
    {"ftp", 11},     {"local0", 16},  {"local1", 17},  {"local2", 18},  {"local3", 19},  {"local4", 20},
    {"local5", 21},  {"local6", 22},  {"local7", 23},  {NULL, 0}};
static const name_value k_levels[] = {
    {"emerg", 0}, {"panic", 0}, {"alert", 1},   {"crit", 2},   {"err", 3},  {"error", 3},
    {"warning", 4}, {"warn", 4}, {"notice", 5}, {"info", 6},   {"debug", 7}, {NULL, 0}};

/* name or number (0..max) -> value; -1 when unknown. len: length of text. */
static int lookup(const name_value *table, const char *text, size_t len, int max) {
  char buf[16];
  unsigned long v;
  int k;
  if (len == 0 || len >= sizeof buf) return -1;
  memcpy(buf, text, len);
  buf[len] = '\0';
  if (parse_ulong(buf, (unsigned long)max, &v) == 0) return (int)v;
  for (k = 0; table[k].name != NULL; ++k)
    if (strcasecmp(table[k].name, buf) == 0) return table[k].value;
  return -1;
}

/* "FACILITY.LEVEL" or "LEVEL" (facility user). Exits on an unknown name.
 * Like logger, the kern facility is not given to user messages: they go
 * out as user. */
static void parse_priority(const char *text, options *o) {
  const char *dot = strchr(text, '.');
  const char *lvl = dot != NULL ? dot + 1 : text;
  int fac = 1, level;
  if (dot != NULL) {
    fac = lookup(k_facilities, text, (size_t)(dot - text), 23);
    if (fac < 0) fail_usage("unknown facility '%.*s' in --priority '%s'", (int)(dot - text), text, text);
  }
  level = lookup(k_levels, lvl, strlen(lvl), 7);
  if (level < 0) fail_usage("unknown level '%s' in --priority '%s'", lvl, text);
  o->facility = fac == 0 ? 1 : fac;
  o->level = level;
}

/* ---- options ------------------------------------------------------------ */

/* RFC 5424 APP-NAME / RFC 3164 TAG: printable ASCII without spaces. */
static int valid_tag(const char *tag) {
  const unsigned char *p = (const unsigned char *)tag;
  if (*p == '\0') return 0;
  for (; *p != '\0'; ++p)
    if (*p <= ' ' || *p > '~') return 0;
  return 1;
}

static const char *default_tag(void) {
  const char *name = getlogin();
  if (name == NULL || *name == '\0') {
    const struct passwd *pw = getpwuid(geteuid());
    name = pw != NULL ? pw->pw_name : NULL;
  }
  return name != NULL && *name != '\0' ? name : "tlslogger";
}

static void parse_options(int argc, char **argv, options *o) {
  enum { O_5424 = 256, O_3164, O_CA, O_CERT, O_KEY, O_AUTH, O_PEER, O_OCTET, O_LF, O_TIMEOUT };
  static const struct option longopts[] = {
      {"tag", required_argument, NULL, 't'},        {"priority", required_argument, NULL, 'p'},
      {"id", optional_argument, NULL, 'i'},         {"rfc5424", no_argument, NULL, O_5424},
      {"rfc3164", no_argument, NULL, O_3164},       {"file", required_argument, NULL, 'f'},
      {"stderr", no_argument, NULL, 's'},           {"server", required_argument, NULL, 'n'},
      {"port", required_argument, NULL, 'P'},       {"ca", required_argument, NULL, O_CA},
      {"cert", required_argument, NULL, O_CERT},    {"key", required_argument, NULL, O_KEY},
      {"auth-mode", required_argument, NULL, O_AUTH}, {"permitted-peer", required_argument, NULL, O_PEER},
      {"octet-counted", no_argument, NULL, O_OCTET}, {"lf", no_argument, NULL, O_LF},
      {"timeout", required_argument, NULL, O_TIMEOUT}, {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},          {NULL, 0, NULL, 0}};
  unsigned long v;
  int c;

  while ((c = getopt_long(argc, argv, ":t:p:if:sn:P:hV", longopts, NULL)) != -1) {
    switch (c) {
      case 't': o->tag = optarg; break;
      case 'p': parse_priority(optarg, o); break;
      case 'i':
        o->log_id = 1;
        if (optarg != NULL) {
          if (parse_ulong(optarg, 4294967295UL, &v) != 0) fail_usage("invalid --id '%s' (a number)", optarg);
          o->id = v;
        }
        break;
      case O_5424: o->rfc3164 = 0; break;
      case O_3164: o->rfc3164 = 1; break;
      case 'f': o->file = optarg; break;
      case 's': o->to_stderr = 1; break;
      case 'n': o->server = optarg; break;
      case 'P':
        if (parse_ulong(optarg, 65535, &v) != 0 || v == 0) fail_usage("invalid port '%s' (1..65535)", optarg);
        o->port = (unsigned)v;
        break;
      case O_CA: o->ca = optarg; break;
      case O_CERT: o->cert = optarg; break;
      case O_KEY: o->key = optarg; break;
      case O_AUTH:
        if (syslogtls_auth_mode_parse(optarg, &o->auth_mode) != SYSLOGTLS_OK)
          fail_usage("invalid --auth-mode '%s' (x509/name, x509/certvalid, x509/fingerprint, anon)", optarg);
        break;
      case O_PEER:
        if (o->npeers == MAX_PEERS) fail_usage("too many --permitted-peer (at most %d)", MAX_PEERS);
        o->peers[o->npeers++] = optarg;
        break;
      case O_OCTET: o->framing = SYSLOGTLS_FRAMING_OCTET_COUNTED; break;
      case O_LF: o->framing = SYSLOGTLS_FRAMING_LF; break;
      case O_TIMEOUT:
        if (parse_ulong(optarg, 3600, &v) != 0 || v == 0)
          fail_usage("invalid --timeout '%s' (seconds, 1..3600)", optarg);
        o->timeout_s = (unsigned)v;
        break;
      case 'h': usage(stdout); exit(0);
      case 'V':
        printf("tlslogger (rsyslog-tls) %s, libsyslogtls %s\n", SYSLOGTLS_VERSION_STRING, syslogtls_version());
        exit(0);
      case ':': fail_usage("option '%s' needs a value", argv[optind - 1]);
      default:
        if (optopt != 0 && optopt < 256) fail_usage("unknown option '-%c'", optopt);
        fail_usage("unknown or ambiguous option '%s'", argv[optind - 1]);
    }
  }
  if (o->server == NULL || *o->server == '\0') fail_usage("no server given (--server HOST)");
  if (o->file != NULL && optind < argc) fail_usage("--file and a message argument exclude each other");
  if (o->tag == NULL) o->tag = default_tag();
  if (!valid_tag(o->tag)) fail_usage("invalid tag '%s' (printable characters, no spaces)", o->tag);
  if (!o->rfc3164 && strlen(o->tag) > MAX_TAG_5424)
    fail_usage("tag '%s' is longer than the %d characters of an RFC 5424 APP-NAME", o->tag, MAX_TAG_5424);
  if ((o->cert == NULL) != (o->key == NULL)) fail_usage("--cert and --key go together");
}

/* ---- TLS configuration ---------------------------------------------------- */

static const char *option_of_setting(int setting) {
  switch (setting) {
    case SYSLOGTLS_SETTING_CA_FILE: return "option --ca";
    case SYSLOGTLS_SETTING_CERT_FILE: return "option --cert";
    case SYSLOGTLS_SETTING_KEY_FILE: return "option --key";
    case SYSLOGTLS_SETTING_AUTH_MODE: return "option --auth-mode";
    case SYSLOGTLS_SETTING_PERMITTED_PEER: return "option --permitted-peer";
    case SYSLOGTLS_SETTING_HANDSHAKE_TIMEOUT: return "option --timeout";
    default: return "TLS settings";
  }
}

/* Builds and loads the client configuration; exits 2 on a bad setting. */
static syslogtls_tls_config *make_tls(const options *o) {
  syslogtls_tls_config *cfg = NULL;
  int rc, k;

  rc = syslogtls_tls_config_new(&cfg, SYSLOGTLS_ROLE_CLIENT);
  if (rc != SYSLOGTLS_OK) fail_setup("cannot create the TLS configuration: %s", syslogtls_strerror(rc));
  rc = syslogtls_tls_config_set_auth_mode(cfg, o->auth_mode);
  if (rc == SYSLOGTLS_OK && o->ca != NULL) rc = syslogtls_tls_config_set_ca_file(cfg, o->ca);
  if (rc == SYSLOGTLS_OK && o->cert != NULL) rc = syslogtls_tls_config_set_cert_file(cfg, o->cert);
  if (rc == SYSLOGTLS_OK && o->key != NULL) rc = syslogtls_tls_config_set_key_file(cfg, o->key);
  if (rc == SYSLOGTLS_OK) rc = syslogtls_tls_config_set_handshake_timeout(cfg, o->timeout_s * 1000u);
  for (k = 0; rc == SYSLOGTLS_OK && k < o->npeers; ++k) rc = syslogtls_tls_config_add_permitted_peer(cfg, o->peers[k]);
  if (rc == SYSLOGTLS_OK) rc = syslogtls_tls_config_load(cfg);
  if (rc != SYSLOGTLS_OK) {
    char detail[2048];
    const char *what;
    /* copied first: the text lives only until the next call into the library */
    snprintf(detail, sizeof detail, "%s", syslogtls_errmsg());
    what = option_of_setting(syslogtls_tls_config_failed_setting(cfg));
    fprintf(stderr, "tlslogger: %s: %s\n", what, detail[0] ? detail : syslogtls_strerror(rc));
    syslogtls_tls_config_free(cfg);
    exit(EXIT_USAGE);
  }
  if (o->auth_mode == SYSLOGTLS_AUTH_ANON)
    fprintf(stderr, "tlslogger: warning: --auth-mode anon: the server's certificate is NOT checked\n");
  return cfg;
}

/* ---- messages ------------------------------------------------------------- */

/* A growable byte buffer. */
typedef struct buffer {
  char *data;
  size_t len, cap;
} buffer;

static void reserve(buffer *b, size_t need) {
  char *p;
  size_t cap;
  if (need <= b->cap) return;
  cap = b->cap ? b->cap : 1024;
  while (cap < need) cap *= 2;
  p = realloc(b->data, cap);
  if (p == NULL) {
    fputs("tlslogger: out of memory\n", stderr);
    exit(EXIT_NOT_ALL);
  }
  b->data = p;
  b->cap = cap;
}

static char g_hostname[256]; /* RFC 5424 HOSTNAME: this host's name, or "-" */
static char g_shortname[256]; /* RFC 3164 HOSTNAME: up to the first dot */

static void init_hostname(void) {
  char *dot;
  if (gethostname(g_hostname, sizeof g_hostname) != 0 || !valid_tag(g_hostname)) strcpy(g_hostname, "-");
  g_hostname[sizeof g_hostname - 1] = '\0';
  memcpy(g_shortname, g_hostname, sizeof g_shortname);
  dot = strchr(g_shortname, '.');
  if (dot != NULL && dot != g_shortname) *dot = '\0';
}

/* The syslog message for the text msg (len bytes) into b, without framing:
 *   RFC 5424: <PRI>1 TIMESTAMP HOSTNAME TAG PROCID - - MSG
 *   RFC 3164: <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG
 * timestamps in local time (RFC 5424 with microseconds and UTC offset). */
static void format_message(const options *o, const char *msg, size_t len, buffer *b) {
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int pri = o->facility * 8 + o->level;
  struct timeval tv;
  struct tm tm;
  char head[512], ts[64], procid[32];
  int n;

  gettimeofday(&tv, NULL);
  localtime_r(&tv.tv_sec, &tm);
  if (o->log_id)
    snprintf(procid, sizeof procid, "%lu", o->id);
  else
    strcpy(procid, "-");
  if (o->rfc3164) {
    n = snprintf(head, sizeof head, "<%d>%s %2d %02d:%02d:%02d %s %s%s%s%s: ", pri, months[tm.tm_mon], tm.tm_mday,
                 tm.tm_hour, tm.tm_min, tm.tm_sec, g_shortname, o->tag, o->log_id ? "[" : "",
                 o->log_id ? procid : "", o->log_id ? "]" : "");
  } else {
    long off = tm.tm_gmtoff / 60;
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    n = snprintf(head, sizeof head, "<%d>1 %s.%06ld%c%02ld:%02ld %s %s %s - -%s", pri, ts, (long)tv.tv_usec, sign,
                 off / 60, off % 60, g_hostname, o->tag, procid, len > 0 ? " " : "");
  }
  if (n < 0 || (size_t)n >= sizeof head) n = 0; /* cannot happen: every field is bounded */
  reserve(b, (size_t)n + len);
  memcpy(b->data, head, (size_t)n);
  if (len > 0) memcpy(b->data + n, msg, len);
  b->len = (size_t)n + len;
}

/* ---- session -------------------------------------------------------------- */

/* "ADDR:PORT" of the server for the failure line: the address connected to,
 * else the first address the name resolves to, else "address unknown". */
static void server_address(const session *s, char *out, size_t cap) {
  const char *ip = syslogtls_client_peer_ip(s->client);
  unsigned port = syslogtls_client_peer_port(s->client);
  char host[NI_MAXHOST];
  if (*ip == '\0') {
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    if (getaddrinfo(s->opt->server, NULL, &hints, &res) == 0 && res != NULL &&
        getnameinfo(res->ai_addr, res->ai_addrlen, host, sizeof host, NULL, 0, NI_NUMERICHOST) == 0)
      ip = host;
    if (res != NULL) freeaddrinfo(res);
    port = s->opt->port;
  }
  if (*ip == '\0')
    snprintf(out, cap, "address unknown, port %u", port);
  else if (strchr(ip, ':') != NULL)
    snprintf(out, cap, "[%s]:%u", ip, port);
  else
    snprintf(out, cap, "%s:%u", ip, port);
}

/* The one failure line: server, address, the reason's name and the
 * runtime's text (which names the reason in the words imtls and omtls
 * log). Call right after the failing call (syslogtls_errmsg is per call). */
static void report(const session *s, int rc, const char *suffix) {
  char addr[NI_MAXHOST + 32], detail[2048];
  int reason;
  /* copied first: the text lives only until the next call into the library */
  snprintf(detail, sizeof detail, "%s", syslogtls_errmsg());
  reason = syslogtls_client_last_reason(s->client);
  server_address(s, addr, sizeof addr);
  fprintf(stderr, "tlslogger: server %s (%s): %s: %s%s\n", s->opt->server, addr,
          reason != SYSLOGTLS_REASON_NONE ? syslogtls_reason_name(reason) : syslogtls_strerror(rc),
          detail[0] ? detail : syslogtls_strerror(rc), suffix);
}

/* The server was not reached at all (exit 3), as opposed to reached but no
 * verified TLS session (exit 4). */
static int exit_status_of_connect(int reason) {
  switch (reason) {
    case SYSLOGTLS_REASON_CONNECT:
    case SYSLOGTLS_REASON_RESOLVE:
    case SYSLOGTLS_REASON_NONE:
    case SYSLOGTLS_REASON_ABORTED:
      return EXIT_CONNECT;
    default:
      return EXIT_REFUSED;
  }
}

/* Connects and verifies the server; exits 3 or 4 on failure. */
static void open_session(session *s, syslogtls_tls_config *tls) {
  const options *o = s->opt;
  int rc = syslogtls_client_new(&s->client, tls);
  if (rc != SYSLOGTLS_OK) fail_setup("cannot create a client: %s", syslogtls_strerror(rc));
  /* with x509/name and no --permitted-peer, the server's name is --server */
  rc = syslogtls_client_connect(s->client, o->server, o->port, NULL, o->timeout_s * 1000u);
  if (rc != SYSLOGTLS_OK) {
    const int reason = syslogtls_client_last_reason(s->client);
    const char *hint = "";
    if (reason == SYSLOGTLS_REASON_HANDSHAKE_TIMEOUT)
      hint = " (no TLS answer: a plaintext syslog port does not answer a TLS handshake)";
    else if (reason == SYSLOGTLS_REASON_REJECTED_BY_PEER && o->cert == NULL)
      hint = " (the server probably requires a client certificate: give --cert and --key)";
    report(s, rc, hint);
    syslogtls_client_free(s->client);
    exit(exit_status_of_connect(reason));
  }
}

/* Frames and writes one message. Returns 0, or -1 after reporting why the
 * session broke (then nothing more can be written). */
static int send_message(session *s, const char *msg, size_t len, buffer *text, buffer *frame) {
  const options *o = s->opt;
  size_t need = 0;
  char suffix[128];
  int rc;

  format_message(o, msg, len, text);
  if (o->to_stderr) fprintf(stderr, "%.*s\n", (int)text->len, text->data);
  rc = syslogtls_frame_encode(o->framing, text->data, text->len, frame->data, frame->cap, &need, NULL);
  if (rc == SYSLOGTLS_E_SPACE) {
    reserve(frame, need);
    rc = syslogtls_frame_encode(o->framing, text->data, text->len, frame->data, frame->cap, &need, NULL);
  }
  if (rc != SYSLOGTLS_OK) {
    fprintf(stderr, "tlslogger: cannot frame message %llu: %s\n", s->written + 1, syslogtls_errmsg());
    return -1;
  }
  /* a server that closed (idle timeout, shutdown) is noticed before the write */
  rc = syslogtls_client_check(s->client);
  if (rc == SYSLOGTLS_OK) rc = syslogtls_client_send(s->client, frame->data, need, o->timeout_s * 1000u);
  if (rc != SYSLOGTLS_OK) {
    snprintf(suffix, sizeof suffix, "; %llu message(s) written, message %llu and any after it not", s->written,
             s->written + 1);
    report(s, rc, suffix);
    return -1;
  }
  ++s->written;
  return 0;
}

/* Every non-empty line of in, one message each. Returns the exit status. */
static int send_lines(session *s, FILE *in, const char *name) {
  buffer text = {NULL, 0, 0}, frame = {NULL, 0, 0};
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int status = 0;

  while ((n = getline(&line, &cap, in)) >= 0) {
    if (n > 0 && line[n - 1] == '\n') --n;
    if (n == 0) continue; /* empty lines are skipped, as logger --skip-empty does */
    if (send_message(s, line, (size_t)n, &text, &frame) != 0) {
      status = EXIT_NOT_ALL;
      break;
    }
  }
  if (status == 0 && ferror(in)) {
    fprintf(stderr, "tlslogger: reading %s: %s; %llu message(s) written\n", name, strerror(errno), s->written);
    status = EXIT_NOT_ALL;
  }
  free(line);
  free(text.data);
  free(frame.data);
  return status;
}

/* The arguments joined by spaces, one message (none if it is empty). */
static int send_arguments(session *s, int argc, char **argv) {
  buffer msg = {NULL, 0, 0}, text = {NULL, 0, 0}, frame = {NULL, 0, 0};
  int k, status = 0;
  for (k = 0; k < argc; ++k) {
    const size_t len = strlen(argv[k]);
    reserve(&msg, msg.len + len + 1);
    if (k > 0) msg.data[msg.len++] = ' ';
    memcpy(msg.data + msg.len, argv[k], len);
    msg.len += len;
  }
  if (msg.len > 0 && send_message(s, msg.data, msg.len, &text, &frame) != 0) status = EXIT_NOT_ALL;
  free(msg.data);
  free(text.data);
  free(frame.data);
  return status;
}

int main(int argc, char **argv) {
  options o;
  session s;
  syslogtls_tls_config *tls;
  FILE *in = NULL;
  int status;

  memset(&o, 0, sizeof o);
  o.port = 6514;
  o.auth_mode = SYSLOGTLS_AUTH_X509_NAME;
  o.framing = SYSLOGTLS_FRAMING_OCTET_COUNTED;
  o.timeout_s = 10;
  o.facility = 1; /* user */
  o.level = 5;    /* notice */
  o.id = (unsigned long)getpid();
  parse_options(argc, argv, &o);
  signal(SIGPIPE, SIG_IGN); /* a server that goes away is an error line, not a signal */
  init_hostname();

  if (o.file != NULL && (in = fopen(o.file, "r")) == NULL) fail_setup("cannot open %s: %s", o.file, strerror(errno));
  tls = make_tls(&o);

  memset(&s, 0, sizeof s);
  s.opt = &o;
  open_session(&s, tls);
  if (o.file != NULL)
    status = send_lines(&s, in, o.file);
  else if (optind < argc)
    status = send_arguments(&s, argc - optind, argv + optind);
  else
    status = send_lines(&s, stdin, "standard input");
  /* close_notify, then wait for the server's: it has then read everything */
  syslogtls_client_close(s.client, o.timeout_s * 1000u);
  syslogtls_client_free(s.client);
  syslogtls_tls_config_free(tls);
  if (in != NULL) fclose(in);
  return status;
}
