/* tls-loader.c - syslogtls-loader: sends numbered RFC 5424 test messages over TLS or TCP (tests, benchmark).
 *
 * Uses only the public header syslogtls.h. Each message reads
 *   <134>1 2026-11-27T10:00:00Z HOST TAG - - - msgnum:00000042: XXXX...
 * (padded with 'X' to the requested size) so that receivers can be checked
 * with grep/sort on "msgnum:". Messages are split over -c connections: each
 * connection sends a contiguous range of sequence numbers, in order. With
 * several connections they run in parallel threads (one per connection), one
 * after another with --sequential, or, with --threads T, T threads each
 * driving its share of the connections in turn: every connection is opened
 * first (all of them are open at the same time: the many-sessions load),
 * then each sends its messages, then all are closed. --connect-only opens and
 * closes connections without sending (the connect-storm load). The report
 * adds the loader's own CPU time (getrusage), so that a benchmark can show it
 * is not the bottleneck.
 *
 * Exit status: 0 when every message was written and every connection closed
 * cleanly; 1 on any failure (the reason, from syslogtls_errmsg(), on stderr);
 * 2 for a usage error.
 */
#define _GNU_SOURCE 1 /* getopt_long */

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "syslogtls.h"

#define MAX_PEERS 16
#define MAX_CONNECTIONS 1024        /* one thread per connection */
#define MAX_POOLED_CONNECTIONS 100000 /* with --threads */
#define MAX_THREADS 256
#define FILL_BYTES (16u * 1024)       /* --per-record fill: frames up to one full TLS record */
#define MAX_WRITE (4u * 1024 * 1024) /* bytes per send, unless one message is larger */

typedef struct options {
  const char *host;
  unsigned port;
  unsigned long long count;
  unsigned long long start;
  size_t size;
  unsigned connections;
  unsigned threads;
  int sequential;
  int connect_only;
  int no_resume;
  int warmup;
  int close_timeout_set;
  int fill;
  int framing;
  int plain;
  const char *ca, *cert, *key, *auth, *priority, *servername, *source;
  const char *peers[MAX_PEERS];
  int npeers;
  unsigned timeout_ms;
  unsigned close_timeout_ms; /* wait for the peer's close_notify; default timeout_ms */
  unsigned batch;
  const char *hostname;
  const char *tag;
  int verbose;
} options;

/* One connection's work and result. Written by its thread only; read by main
 * after the thread was joined. */
typedef struct job {
  const options *opt;
  syslogtls_tls_config *tls;
  syslogtls_client *cl;
  unsigned index;
  unsigned long long first;
  unsigned long long n;
  unsigned long long sent;
  int rc;
  int resumed;
  char error[512];
  char tls_version[64];
  char cipher[128];
} job;

static char g_timestamp[32];
static pthread_mutex_t g_log_lock = PTHREAD_MUTEX_INITIALIZER;

static void usage(FILE *f) {
  fprintf(f,
          "usage: syslogtls-loader -t HOST -p PORT [options]\n"
          "  -t, --target HOST        receiver host name or address (default 127.0.0.1)\n"
          "  -p, --port PORT          receiver port (default 6514)\n"
          "  -n, --count N            messages to send (default 1000)\n"
          "      --start N            first sequence number (default 0)\n"
          "  -s, --size BYTES         bytes per message without framing, padded with 'X' (default: no padding)\n"
          "  -c, --connections N      connections; messages are split over them (default 1)\n"
          "      --sequential         run the connections one after another (default: threads)\n"
          "      --threads T          T threads drive the connections (up to %d): all are opened\n"
          "                           first, then each sends, then all close (default: one thread\n"
          "                           per connection, up to %d connections)\n"
          "      --connect-only       open and close the connections, send no message\n"
          "      --no-resume          no TLS session resumption (default: a connection resumes the\n"
          "                           session of an earlier one to the same target)\n"
          "      --warmup             one connection (no messages) before the timed run, so that\n"
          "                           the timed connections can resume its session\n"
          "  -F, --framing MODE       octet-counted (default) or lf\n"
          "      --plain              plaintext TCP instead of TLS\n"
          "      --ca FILE            CA certificate(s) to verify the receiver\n"
          "      --cert FILE          client certificate\n"
          "      --key FILE           client private key\n"
          "      --auth MODE          anon, x509/certvalid, x509/name (default), x509/fingerprint\n"
          "      --peer NAME          permitted receiver name or fingerprint (repeatable)\n"
          "      --servername NAME    SNI and name to verify (default: HOST)\n"
          "      --priority STRING    GnuTLS priority string\n"
          "      --source ADDR        bind this source address before connecting\n"
          "      --timeout MS         connect, handshake, send and close timeout (default 10000)\n"
          "      --close-timeout MS   wait at most MS for the receiver's close_notify (default: --timeout)\n"
          "      --batch N            messages per write (default 256); a write of up to 16 KiB is\n"
          "                           one TLS record: --batch 1 sends one message per record\n"
          "      --per-record K|fill  K messages per write (= --batch K), or fill: as many as fit\n"
          "                           one 16 KiB TLS record\n"
          "      --hostname NAME      HOSTNAME field of the messages (default: this host)\n"
          "      --tag NAME           APP-NAME field of the messages (default tls-loader)\n"
          "  -v, --verbose            print library log messages of every level\n"
          "  -h, --help\n",
          MAX_POOLED_CONNECTIONS, MAX_CONNECTIONS);
}

static int parse_ull(const char *text, unsigned long long max, unsigned long long *out) {
  char *end = NULL;
  unsigned long long v;
  if (text == NULL || *text == '\0' || *text == '-') return -1;
  errno = 0;
  v = strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0' || v > max) return -1;
  *out = v;
  return 0;
}

__attribute__((format(printf, 1, 2), noreturn)) static void fail_usage(const char *fmt, ...) {
  va_list ap;
  fputs("syslogtls-loader: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs(" (try --help)\n", stderr);
  exit(2);
}

static void set_error(job *j, const char *what, int rc) {
  const char *detail = syslogtls_errmsg();
  snprintf(j->error, sizeof j->error, "connection %u: %s: %s%s%s", j->index, what, syslogtls_strerror(rc),
           *detail ? ": " : "", detail);
  j->rc = rc;
}

static void log_cb(const syslogtls_event *ev, void *user) {
  const job *j = (const job *)user;
  if (ev->level > SYSLOGTLS_LOG_WARNING && !j->opt->verbose) return;
  pthread_mutex_lock(&g_log_lock);
  fprintf(stderr, "syslogtls-loader: connection %u: %s\n", j->index, ev->text);
  pthread_mutex_unlock(&g_log_lock);
}

/* Formats message number seq into msg (capacity cap); returns its length. */
static size_t format_message(const options *o, unsigned long long seq, char *msg, size_t cap) {
  int n = snprintf(msg, cap, "<134>1 %s %s %s - - - msgnum:%08llu:", g_timestamp, o->hostname, o->tag, seq);
  size_t len = n < 0 ? 0 : (size_t)n;
  if (len >= cap) len = cap - 1;
  if (o->size > len) {
    if (o->size - len >= 2) {
      msg[len++] = ' ';
    }
    memset(msg + len, 'X', o->size - len);
    len = o->size;
  }
  return len;
}

/* Opens connection j (client object, optional source address, connect and
 * handshake). Returns 0, or -1 with j->error set. */
static int job_connect(job *j) {
  const options *o = j->opt;
  int rc = syslogtls_client_new(&j->cl, j->tls);
  if (rc != SYSLOGTLS_OK) {
    set_error(j, "client", rc);
    return -1;
  }
  syslogtls_client_set_log(j->cl, log_cb, j);
  if (o->source != NULL && (rc = syslogtls_client_set_source(j->cl, o->source)) != SYSLOGTLS_OK) {
    set_error(j, "source address", rc);
    return -1;
  }
  rc = syslogtls_client_connect(j->cl, o->host, o->port, o->servername, o->timeout_ms);
  if (rc != SYSLOGTLS_OK) {
    set_error(j, "connect", rc);
    return -1;
  }
  snprintf(j->tls_version, sizeof j->tls_version, "%s", syslogtls_client_tls_version(j->cl));
  snprintf(j->cipher, sizeof j->cipher, "%s", syslogtls_client_cipher(j->cl));
  j->resumed = syslogtls_client_resumed(j->cl);
  return 0;
}

/* Sends connection j's messages. --batch N writes N frames per send; with
 * --per-record fill a send holds as many frames as fit one 16 KiB TLS
 * record (at least one). Returns 0, or -1 with j->error set. */
static int job_send(job *j) {
  const options *o = j->opt;
  char *msg = NULL, *buf = NULL;
  size_t msg_cap = o->size + 512;
  /* a frame is the message plus at most 20 digits, a space or an LF */
  const size_t frame_max = msg_cap + 24;
  unsigned batch = o->batch;
  size_t buf_cap, used = 0;
  unsigned in_batch = 0;
  unsigned long long i;
  int rc, ret = -1;

  if (j->n == 0) return 0;
  msg = malloc(msg_cap);
  if (o->fill) batch = 65536;
  if ((size_t)batch * frame_max > MAX_WRITE) batch = (unsigned)(MAX_WRITE / frame_max);
  if (batch == 0) batch = 1;
  buf_cap = frame_max * batch;
  if (o->fill && buf_cap > FILL_BYTES + frame_max) buf_cap = FILL_BYTES + frame_max;
  buf = malloc(buf_cap);
  if (msg == NULL || buf == NULL) {
    snprintf(j->error, sizeof j->error, "connection %u: out of memory", j->index);
    j->rc = SYSLOGTLS_E_NOMEM;
    goto out;
  }
  for (i = 0; i < j->n; ++i) {
    size_t len = format_message(o, j->first + i, msg, msg_cap);
    size_t flen = 0;
    int flush;
    rc = syslogtls_frame_encode(o->framing, msg, len, buf + used, buf_cap - used, &flen, NULL);
    if (rc != SYSLOGTLS_OK) {
      snprintf(j->error, sizeof j->error, "connection %u: cannot encode message: %s", j->index,
               syslogtls_errmsg());
      j->rc = SYSLOGTLS_E_INTERNAL;
      goto out;
    }
    used += flen;
    ++in_batch;
    if (o->fill)
      flush = used + frame_max > FILL_BYTES || i + 1 == j->n;
    else
      flush = in_batch == batch || i + 1 == j->n;
    if (flush) {
      rc = syslogtls_client_send(j->cl, buf, used, o->timeout_ms);
      if (rc != SYSLOGTLS_OK) {
        set_error(j, "send", rc);
        goto out;
      }
      j->sent += in_batch;
      used = 0;
      in_batch = 0;
    }
  }
  ret = 0;
out:
  free(msg);
  free(buf);
  return ret;
}

/* Closes connection j cleanly (when it was opened) and frees its client. */
static void job_close(job *j) {
  if (j->cl != NULL && j->rc == 0) {
    int rc = syslogtls_client_close(j->cl, j->opt->close_timeout_ms);
    if (rc != SYSLOGTLS_OK) set_error(j, "close", rc);
  }
  syslogtls_client_free(j->cl);
  j->cl = NULL;
}

/* One thread per connection (or --sequential): open, send, close. */
static void *run_job(void *arg) {
  job *j = (job *)arg;
  j->rc = 0;
  if (job_connect(j) == 0) job_send(j);
  job_close(j);
  return NULL;
}

/* --threads: one thread drives connections first, first + stride, ...:
 * opens all of them, waits until every thread has opened its share, sends,
 * waits again, closes. */
typedef struct pool {
  job *jobs;
  unsigned count, first, stride;
  pthread_barrier_t *barrier;
  double *connected_at; /* written by the thread of index 0 */
} pool;

static double now_seconds(void);

static void *run_pool(void *arg) {
  pool *p = (pool *)arg;
  unsigned k;
  for (k = p->first; k < p->count; k += p->stride) {
    p->jobs[k].rc = 0;
    job_connect(&p->jobs[k]);
  }
  if (pthread_barrier_wait(p->barrier) == PTHREAD_BARRIER_SERIAL_THREAD) *p->connected_at = now_seconds();
  for (k = p->first; k < p->count; k += p->stride)
    if (p->jobs[k].rc == 0) job_send(&p->jobs[k]);
  pthread_barrier_wait(p->barrier);
  for (k = p->first; k < p->count; k += p->stride) job_close(&p->jobs[k]);
  return NULL;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void parse_options(int argc, char **argv, options *o) {
  enum { O_START = 256, O_SEQ, O_PLAIN, O_CA, O_CERT, O_KEY, O_AUTH, O_PEER, O_SNI, O_PRIO, O_SOURCE,
         O_TIMEOUT, O_BATCH, O_HOSTNAME, O_TAG, O_THREADS, O_CONNECT_ONLY, O_PER_RECORD, O_NO_RESUME, O_WARMUP, O_CLOSE_TIMEOUT };
  static const struct option longopts[] = {
      {"target", required_argument, NULL, 't'},   {"port", required_argument, NULL, 'p'},
      {"count", required_argument, NULL, 'n'},    {"start", required_argument, NULL, O_START},
      {"size", required_argument, NULL, 's'},     {"connections", required_argument, NULL, 'c'},
      {"sequential", no_argument, NULL, O_SEQ},   {"framing", required_argument, NULL, 'F'},
      {"plain", no_argument, NULL, O_PLAIN},      {"ca", required_argument, NULL, O_CA},
      {"cert", required_argument, NULL, O_CERT},  {"key", required_argument, NULL, O_KEY},
      {"auth", required_argument, NULL, O_AUTH},  {"peer", required_argument, NULL, O_PEER},
      {"servername", required_argument, NULL, O_SNI}, {"priority", required_argument, NULL, O_PRIO},
      {"source", required_argument, NULL, O_SOURCE},  {"timeout", required_argument, NULL, O_TIMEOUT},
      {"batch", required_argument, NULL, O_BATCH},    {"hostname", required_argument, NULL, O_HOSTNAME},
      {"tag", required_argument, NULL, O_TAG},        {"verbose", no_argument, NULL, 'v'},
      {"threads", required_argument, NULL, O_THREADS}, {"connect-only", no_argument, NULL, O_CONNECT_ONLY},
      {"per-record", required_argument, NULL, O_PER_RECORD}, {"no-resume", no_argument, NULL, O_NO_RESUME},
      {"warmup", no_argument, NULL, O_WARMUP}, {"close-timeout", required_argument, NULL, O_CLOSE_TIMEOUT},
      {"help", no_argument, NULL, 'h'},               {NULL, 0, NULL, 0}};
  unsigned long long v;
  int c;

  while ((c = getopt_long(argc, argv, "t:p:n:s:c:F:vh", longopts, NULL)) != -1) {
    switch (c) {
      case 't': o->host = optarg; break;
      case 'p':
        if (parse_ull(optarg, 65535, &v) != 0 || v == 0) fail_usage("invalid port '%s'", optarg);
        o->port = (unsigned)v;
        break;
      case 'n':
        if (parse_ull(optarg, 99999999999ULL, &o->count) != 0) fail_usage("invalid count '%s'", optarg);
        break;
      case O_START:
        if (parse_ull(optarg, 99999999999ULL, &o->start) != 0) fail_usage("invalid start '%s'", optarg);
        break;
      case 's':
        if (parse_ull(optarg, 64ULL * 1024 * 1024, &v) != 0) fail_usage("invalid size '%s'", optarg);
        o->size = (size_t)v;
        break;
      case 'c':
        if (parse_ull(optarg, MAX_POOLED_CONNECTIONS, &v) != 0 || v == 0)
          fail_usage("invalid connection count '%s' (1..%d)", optarg, MAX_POOLED_CONNECTIONS);
        o->connections = (unsigned)v;
        break;
      case O_SEQ: o->sequential = 1; break;
      case 'F':
        if (syslogtls_framing_parse(optarg, &o->framing) != SYSLOGTLS_OK || o->framing == SYSLOGTLS_FRAMING_AUTO)
          fail_usage("invalid framing '%s' (octet-counted or lf)", optarg);
        break;
      case O_PLAIN: o->plain = 1; break;
      case O_CA: o->ca = optarg; break;
      case O_CERT: o->cert = optarg; break;
      case O_KEY: o->key = optarg; break;
      case O_AUTH: o->auth = optarg; break;
      case O_PEER:
        if (o->npeers == MAX_PEERS) fail_usage("too many --peer (max %d)", MAX_PEERS);
        o->peers[o->npeers++] = optarg;
        break;
      case O_SNI: o->servername = optarg; break;
      case O_PRIO: o->priority = optarg; break;
      case O_SOURCE: o->source = optarg; break;
      case O_TIMEOUT:
        if (parse_ull(optarg, 3600000, &v) != 0 || v == 0) fail_usage("invalid timeout '%s'", optarg);
        o->timeout_ms = (unsigned)v;
        break;
      case O_BATCH:
        if (parse_ull(optarg, 65536, &v) != 0 || v == 0) fail_usage("invalid batch '%s'", optarg);
        o->batch = (unsigned)v;
        break;
      case O_THREADS:
        if (parse_ull(optarg, MAX_THREADS, &v) != 0 || v == 0)
          fail_usage("invalid thread count '%s' (1..%d)", optarg, MAX_THREADS);
        o->threads = (unsigned)v;
        break;
      case O_CONNECT_ONLY: o->connect_only = 1; break;
      case O_NO_RESUME: o->no_resume = 1; break;
      case O_WARMUP: o->warmup = 1; break;
      case O_CLOSE_TIMEOUT:
        if (parse_ull(optarg, 3600000, &v) != 0) fail_usage("invalid close timeout '%s'", optarg);
        o->close_timeout_ms = (unsigned)v;
        o->close_timeout_set = 1;
        break;
      case O_PER_RECORD:
        if (strcmp(optarg, "fill") == 0) {
          o->fill = 1;
        } else {
          if (parse_ull(optarg, 65536, &v) != 0 || v == 0) fail_usage("invalid --per-record '%s'", optarg);
          o->batch = (unsigned)v;
          o->fill = 0;
        }
        break;
      case O_HOSTNAME: o->hostname = optarg; break;
      case O_TAG: o->tag = optarg; break;
      case 'v': o->verbose = 1; break;
      case 'h': usage(stdout); exit(0);
      default: usage(stderr); exit(2);
    }
  }
  if (optind != argc) fail_usage("unexpected argument '%s'", argv[optind]);
  if (o->threads == 0 && o->connections > MAX_CONNECTIONS)
    fail_usage("more than %d connections need --threads", MAX_CONNECTIONS);
  if (o->threads != 0 && o->sequential) fail_usage("--threads excludes --sequential");
  if (o->connect_only) o->count = 0;
  if (!o->close_timeout_set) o->close_timeout_ms = o->timeout_ms;
  if (o->plain && (o->ca || o->cert || o->key || o->auth || o->npeers || o->priority))
    fail_usage("--plain excludes the TLS options");
}

/* Builds and loads the client TLS configuration; exits on failure. */
static syslogtls_tls_config *make_tls(const options *o) {
  syslogtls_tls_config *cfg = NULL;
  int mode, rc, k;
  const char *what = "tls config";

  rc = syslogtls_tls_config_new(&cfg, SYSLOGTLS_ROLE_CLIENT);
  if (rc == SYSLOGTLS_OK) {
    /* default x509/name, like omtls: chain and the receiver's name */
    what = "--auth";
    mode = SYSLOGTLS_AUTH_X509_NAME;
    if (o->auth != NULL) rc = syslogtls_auth_mode_parse(o->auth, &mode);
    if (rc == SYSLOGTLS_OK) rc = syslogtls_tls_config_set_auth_mode(cfg, mode);
  }
  if (rc == SYSLOGTLS_OK && o->ca != NULL) { what = "--ca"; rc = syslogtls_tls_config_set_ca_file(cfg, o->ca); }
  if (rc == SYSLOGTLS_OK && o->cert != NULL) { what = "--cert"; rc = syslogtls_tls_config_set_cert_file(cfg, o->cert); }
  if (rc == SYSLOGTLS_OK && o->key != NULL) { what = "--key"; rc = syslogtls_tls_config_set_key_file(cfg, o->key); }
  if (rc == SYSLOGTLS_OK && o->no_resume) {
    what = "--no-resume";
    rc = syslogtls_tls_config_set_session_resumption(cfg, 0);
  }
  if (rc == SYSLOGTLS_OK && o->priority != NULL) {
    what = "--priority";
    rc = syslogtls_tls_config_set_priority(cfg, o->priority);
  }
  if (rc == SYSLOGTLS_OK) {
    unsigned ms = o->timeout_ms;
    what = "handshake timeout";
    rc = syslogtls_tls_config_set_handshake_timeout(cfg, ms);
  }
  for (k = 0; rc == SYSLOGTLS_OK && k < o->npeers; ++k) {
    what = "--peer";
    rc = syslogtls_tls_config_add_permitted_peer(cfg, o->peers[k]);
  }
  if (rc == SYSLOGTLS_OK) { what = "loading TLS settings"; rc = syslogtls_tls_config_load(cfg); }
  if (rc != SYSLOGTLS_OK) {
    fprintf(stderr, "syslogtls-loader: %s: %s: %s\n", what, syslogtls_strerror(rc), syslogtls_errmsg());
    syslogtls_tls_config_free(cfg);
    exit(1);
  }
  return cfg;
}

int main(int argc, char **argv) {
  options o;
  job *jobs;
  pthread_t *threads;
  syslogtls_tls_config *tls = NULL;
  unsigned long long next, sent = 0;
  unsigned k, started = 0, nfailed = 0, nresumed = 0;
  double connected_at;
  int failed = 0;
  double t0, elapsed;
  char host[256];
  time_t now = time(NULL);
  struct tm tm;

  memset(&o, 0, sizeof o);
  o.host = "127.0.0.1";
  o.port = 6514;
  o.count = 1000;
  o.connections = 1;
  o.framing = SYSLOGTLS_FRAMING_OCTET_COUNTED;
  o.timeout_ms = 10000;
  o.batch = 256;
  o.tag = "tls-loader";
  parse_options(argc, argv, &o);
  signal(SIGPIPE, SIG_IGN); /* a peer that goes away is reported as an error, not a signal */
  if (o.hostname == NULL) {
    char *dot;
    if (gethostname(host, sizeof host) != 0 || host[0] == '\0') snprintf(host, sizeof host, "-");
    host[sizeof host - 1] = '\0';
    dot = strchr(host, '.');
    if (dot != NULL && dot != host) *dot = '\0';
    o.hostname = host;
  }
  gmtime_r(&now, &tm);
  strftime(g_timestamp, sizeof g_timestamp, "%Y-%m-%dT%H:%M:%SZ", &tm);

  if (!o.plain) tls = make_tls(&o);

  jobs = calloc(o.connections, sizeof *jobs);
  threads = calloc(o.threads != 0 ? o.threads : o.connections, sizeof *threads);
  if (jobs == NULL || threads == NULL) {
    fprintf(stderr, "syslogtls-loader: out of memory\n");
    return 1;
  }
  next = o.start;
  for (k = 0; k < o.connections; ++k) {
    jobs[k].opt = &o;
    jobs[k].tls = tls;
    jobs[k].index = k;
    jobs[k].first = next;
    jobs[k].n = o.count / o.connections + (k < o.count % o.connections ? 1 : 0);
    next += jobs[k].n;
  }

  if (o.warmup) {
    job w;
    memset(&w, 0, sizeof w);
    w.opt = &o;
    w.tls = tls;
    run_job(&w);
    if (w.rc != 0) {
      fprintf(stderr, "syslogtls-loader: warmup %s\n", w.error);
      return 1;
    }
  }
  t0 = now_seconds();
  connected_at = 0;
  if (o.threads != 0) {
    unsigned nt = o.threads < o.connections ? o.threads : o.connections;
    pool *pools = calloc(nt, sizeof *pools);
    pthread_barrier_t barrier;
    if (pools == NULL || pthread_barrier_init(&barrier, NULL, nt) != 0) {
      fprintf(stderr, "syslogtls-loader: out of memory\n");
      return 1;
    }
    for (k = 0; k < nt; ++k) {
      pools[k].jobs = jobs;
      pools[k].count = o.connections;
      pools[k].first = k;
      pools[k].stride = nt;
      pools[k].barrier = &barrier;
      pools[k].connected_at = &connected_at;
      if (pthread_create(&threads[k], NULL, run_pool, &pools[k]) != 0) {
        /* the barrier counts nt threads: without all of them nobody gets past it */
        fprintf(stderr, "syslogtls-loader: cannot create thread %u\n", k);
        return 1;
      }
    }
    for (k = 0; k < nt; ++k) pthread_join(threads[k], NULL);
    pthread_barrier_destroy(&barrier);
    free(pools);
  } else if (o.sequential || o.connections == 1) {
    for (k = 0; k < o.connections; ++k) {
      run_job(&jobs[k]);
      if (jobs[k].rc != 0) break; /* later connections would only repeat the failure */
    }
  } else {
    for (k = 0; k < o.connections; ++k) {
      int e = pthread_create(&threads[k], NULL, run_job, &jobs[k]);
      if (e != 0) {
        snprintf(jobs[k].error, sizeof jobs[k].error, "connection %u: cannot create thread: %s", k, strerror(e));
        jobs[k].rc = SYSLOGTLS_E_INTERNAL;
        break;
      }
      ++started;
    }
    for (k = 0; k < started; ++k) pthread_join(threads[k], NULL);
  }
  elapsed = now_seconds() - t0;

  for (k = 0; k < o.connections; ++k) {
    sent += jobs[k].sent;
    if (jobs[k].resumed) ++nresumed;
    if (jobs[k].rc != 0) {
      ++nfailed;
      if (nfailed <= 10) fprintf(stderr, "syslogtls-loader: %s\n", jobs[k].error);
      failed = 1;
    }
  }
  if (nfailed > 10) fprintf(stderr, "syslogtls-loader: ... %u connection(s) failed in all\n", nfailed);
  printf("syslogtls-loader: sent %llu of %llu messages over %u connection(s) in %.3f s (%.0f msgs/s); %s%s%s\n",
         sent, o.count, o.connections, elapsed, elapsed > 0 ? (double)sent / elapsed : 0.0,
         o.plain ? "plaintext" : (jobs[0].tls_version[0] ? jobs[0].tls_version : "no TLS session"),
         o.plain || !jobs[0].cipher[0] ? "" : " ", o.plain ? "" : jobs[0].cipher);
  {
    struct rusage ru;
    double cpu = 0;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
      cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
            (double)ru.ru_stime.tv_usec / 1e6;
    printf("syslogtls-loader: connections %u of %u completed", o.connections - nfailed, o.connections);
    if (connected_at > 0) printf(", all open after %.3f s", connected_at - t0);
    if (!o.plain) printf(", %u resumed", nresumed);
    printf("; cpu %.3f s", cpu);
    if (sent > 0) printf(", %.3f us/msg", cpu * 1e6 / (double)sent);
    printf("\n");
  }
  fflush(stdout);
  free(jobs);
  free(threads);
  syslogtls_tls_config_free(tls);
  return failed ? 1 : 0;
}
