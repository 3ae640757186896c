/* tls-abuse.c - a misbehaving TLS syslog client for the hostile-peer tests.
 *
 * Uses GnuTLS directly (the project's runtime would refuse to misbehave).
 * Every mode connects to 127.0.0.1:PORT (or --host), completes or attempts
 * the TLS handshake with the given certificate, then does one thing a
 * hostile peer does, and prints what happened as "key: value" lines on
 * stdout, for the test to assert:
 *
 *   reneg      TLS 1.2: after the handshake and --count messages, runs
 *              gnutls_handshake() again (a client-initiated renegotiation)
 *              --repeat times, each bounded by --wait-ms; prints the result
 *              of each attempt ("reneg.result: ..."), then tries to send
 *              --count more messages on the same session ("after: sent" or
 *              "after: failed ...").
 *   keyupdate  TLS 1.3: gnutls_session_key_update() --repeat times in a
 *              row (flag GNUTLS_KU_PEER with --peer-update), then --count
 *              messages; prints how many updates went out and how the
 *              session ended.
 *   empty      TLS 1.3: after the handshake, --repeat application-data
 *              records without data (--pad bytes of TLS 1.3 padding, 0 by
 *              default; see send_empty_record for how they are made);
 *              the bytes written are parsed as TLS records and counted
 *              ("wire.records: N", "wire.bytes: B"), so the test knows what
 *              actually reached the wire; then --count messages.
 *   slow       after the handshake, one octet-counted message written one
 *              byte per record, one record per second, for at most --wait-ms;
 *              prints "slow.closed_after_ms: MS" when the server closed the
 *              session, or "slow.closed_after_ms: none".
 *   split      the client's handshake flights (the ClientHello first) are
 *              written one byte per send() with TCP_NODELAY and --gap-us
 *              between bytes; prints "split.sends: N" and
 *              "split.handshake_ms: MS", then sends --count messages.
 *   good       the handshake and --count messages (a reference client).
 *
 * --hold-ms MS: before closing, the session stays open and silent for MS
 * (so that the test can measure the receiver's CPU while nothing arrives).
 *
 * Messages are octet-counted RFC 5424 lines "msgnum:%08d:" from --start.
 * Exit status: 0 when the mode ran (its outcome is in the output), 1 when
 * the connection or handshake itself failed, 2 for a usage error.
 */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <linux/tcp.h> /* struct tcp_info with tcpi_segs_out */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct options {
  const char *host, *mode, *ca, *cert, *key, *priority, *tag;
  unsigned port;
  unsigned long count, start, repeat;
  unsigned wait_ms, pad, gap_us, hold_ms;
  int peer_update;
} options;

/* Parses the TLS record stream the client writes (after the handshake). */
typedef struct wire {
  int counting;
  unsigned char hdr[5];
  unsigned hdr_have;
  unsigned long body_left;
  unsigned long records, bytes;
} wire;

static int g_fd = -1;
static int g_split = 0;
static unsigned g_gap_us = 0;
static unsigned long g_sends = 0;
static wire g_wire;

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("tls-abuse: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void wire_feed(const unsigned char *p, size_t n) {
  if (!g_wire.counting) return;
  g_wire.bytes += n;
  while (n > 0) {
    if (g_wire.body_left > 0) {
      size_t k = n < g_wire.body_left ? n : g_wire.body_left;
      g_wire.body_left -= k;
      p += k;
      n -= k;
      continue;
    }
    g_wire.hdr[g_wire.hdr_have++] = *p++;
    --n;
    if (g_wire.hdr_have == 5) {
      g_wire.hdr_have = 0;
      g_wire.body_left = ((unsigned long)g_wire.hdr[3] << 8) | g_wire.hdr[4];
      ++g_wire.records;
    }
  }
}

static ssize_t push_cb(gnutls_transport_ptr_t ptr, const void *data, size_t len) {
  (void)ptr;
  const unsigned char *p = data;
  if (g_split) {
    /* one byte per send(): with TCP_NODELAY and a gap each is its own segment */
    size_t done = 0;
    while (done < len) {
      ssize_t n = send(g_fd, p + done, 1, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        return done > 0 ? (ssize_t)done : -1;
      }
      ++g_sends;
      ++done;
      if (g_gap_us > 0) usleep(g_gap_us);
    }
    return (ssize_t)len;
  }
  ssize_t n;
  do {
    n = send(g_fd, data, len, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n > 0) wire_feed(p, (size_t)n);
  return n;
}

static ssize_t pull_cb(gnutls_transport_ptr_t ptr, void *data, size_t len) {
  (void)ptr;
  ssize_t n;
  do {
    n = recv(g_fd, data, len, 0);
  } while (n < 0 && errno == EINTR);
  return n;
}

static int pull_timeout_cb(gnutls_transport_ptr_t ptr, unsigned ms) {
  (void)ptr;
  struct pollfd pfd = {g_fd, POLLIN, 0};
  int r = poll(&pfd, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);
  return r < 0 ? -1 : r;
}

static void tcp_connect(const options *o) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)o->port);
  if (inet_pton(AF_INET, o->host, &sa.sin_addr) != 1) die("bad address '%s'", o->host);
  g_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (g_fd < 0) die("socket: %s", strerror(errno));
  int one = 1;
  setsockopt(g_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(g_fd, (struct sockaddr *)&sa, sizeof sa) != 0) die("connect: %s", strerror(errno));
}

static unsigned long segs_out(void) {
  struct tcp_info ti;
  socklen_t len = sizeof ti;
  memset(&ti, 0, sizeof ti);
  if (getsockopt(g_fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0) return 0;
  return ti.tcpi_segs_out;
}

/* GnuTLS refuses to send a record without data (gnutls_record_send and
 * gnutls_record_send2 with 0 bytes return GNUTLS_E_INVALID_REQUEST), so
 * such a TLS 1.3 record is built here from the session's write keys: inner
 * plaintext = content type 23 followed by pad zero bytes, sealed with the
 * session's AEAD (nonce = IV xor sequence number, additional data = the
 * record header); the sequence number is then handed back to GnuTLS
 * (gnutls_record_set_state), so the session goes on normally. */
static ssize_t send_empty_record(gnutls_session_t s, unsigned pad) {
  if (gnutls_protocol_get_version(s) != GNUTLS_TLS1_3) return GNUTLS_E_INVALID_REQUEST;
  gnutls_datum_t mac_key, iv, key;
  unsigned char seq[8];
  int rc = gnutls_record_get_state(s, 0, &mac_key, &iv, &key, seq);
  if (rc < 0) return rc;
  if (iv.size != 12) return GNUTLS_E_INVALID_REQUEST;
  gnutls_aead_cipher_hd_t h;
  rc = gnutls_aead_cipher_init(&h, gnutls_cipher_get(s), &key);
  if (rc < 0) return rc;
  unsigned char nonce[12];
  memcpy(nonce, iv.data, 12);
  for (int i = 0; i < 8; ++i) nonce[4 + i] ^= seq[i];
  unsigned char plain[1 + 256];
  if (pad > 256) pad = 256;
  memset(plain, 0, sizeof plain);
  plain[0] = 23;
  const size_t plen = 1 + pad, tag = 16;
  unsigned char rec[5 + sizeof plain + 16];
  rec[0] = 23;
  rec[1] = 3;
  rec[2] = 3;
  rec[3] = (unsigned char)((plen + tag) >> 8);
  rec[4] = (unsigned char)((plen + tag) & 0xff);
  size_t outlen = sizeof rec - 5;
  rc = gnutls_aead_cipher_encrypt(h, nonce, sizeof nonce, rec, 5, tag, plain, plen, rec + 5, &outlen);
  gnutls_aead_cipher_deinit(h);
  if (rc < 0) return rc;
  const size_t total = 5 + outlen;
  size_t off = 0;
  while (off < total) {
    ssize_t n = push_cb(NULL, rec + off, total - off);
    if (n < 0) return GNUTLS_E_PUSH_ERROR;
    off += (size_t)n;
  }
  for (int i = 7; i >= 0; --i)
    if (++seq[i] != 0) break;
  rc = gnutls_record_set_state(s, 0, seq);
  return rc < 0 ? rc : 0;
}

/* One octet-counted message. Returns 0 or the GnuTLS error. */
static int send_msg(gnutls_session_t s, const options *o, unsigned long num) {
  char msg[256], frame[300];
  int n = snprintf(msg, sizeof msg, "<13>1 2026-01-01T00:00:00Z tbhost %s - - - msgnum:%08lu:", o->tag, num);
  int f = snprintf(frame, sizeof frame, "%d %s", n, msg);
  int off = 0;
  while (off < f) {
    ssize_t r = gnutls_record_send(s, frame + off, (size_t)(f - off));
    if (r < 0) {
      if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) continue;
      return (int)r;
    }
    off += (int)r;
  }
  return 0;
}

static int send_range(gnutls_session_t s, const options *o, unsigned long first, unsigned long n, const char *label) {
  for (unsigned long i = 0; i < n; ++i) {
    int rc = send_msg(s, o, first + i);
    if (rc != 0) {
      printf("%s: failed after %lu messages: %s\n", label, i, gnutls_strerror(rc));
      return rc;
    }
  }
  printf("%s: sent %lu\n", label, n);
  return 0;
}

/* Waits up to ms for the server to close or answer; prints what came.
 * GNUTLS_E_AGAIN follows a post-handshake message (a session ticket): read on. */
static void report_end(gnutls_session_t s, unsigned ms) {
  char buf[512];
  gnutls_record_set_timeout(s, ms);
  for (;;) {
    ssize_t r = gnutls_record_recv(s, buf, sizeof buf);
    if (r > 0 || r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) continue;
    if (r == 0) {
      printf("end: closed by server (close_notify)\n");
    } else if (r == GNUTLS_E_TIMEDOUT) {
      printf("end: still open\n");
    } else if (r == GNUTLS_E_WARNING_ALERT_RECEIVED) {
      printf("end: warning alert %s\n", gnutls_alert_get_name(gnutls_alert_get(s)));
      continue;
    } else if (r == GNUTLS_E_FATAL_ALERT_RECEIVED) {
      printf("end: fatal alert %s\n", gnutls_alert_get_name(gnutls_alert_get(s)));
    } else {
      printf("end: %s\n", gnutls_strerror((int)r));
    }
    return;
  }
}

/* Called when the socket is readable: 1 if the server closed or failed the
 * session, 0 if what came was a post-handshake message (a session ticket). */
static int server_closed(gnutls_session_t s) {
  char buf[512];
  gnutls_record_set_timeout(s, 50);
  ssize_t r = gnutls_record_recv(s, buf, sizeof buf);
  gnutls_record_set_timeout(s, 0);
  return !(r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED || r == GNUTLS_E_TIMEDOUT);
}

static void usage(void) {
  fprintf(stderr,
          "usage: tls-abuse --mode MODE -p PORT --ca FILE [--cert FILE --key FILE]\n"
          "       [--host IP] [--priority P] [--count N] [--start N] [--repeat N]\n"
          "       [--wait-ms MS] [--pad BYTES] [--gap-us US] [--peer-update] [--tag TAG]\n"
          "       [--hold-ms MS]\n"
          "modes: reneg keyupdate empty slow split good (see the header of tls-abuse.c)\n");
  exit(2);
}

int main(int argc, char **argv) {
  options o;
  memset(&o, 0, sizeof o);
  o.host = "127.0.0.1";
  o.tag = "abuse";
  o.repeat = 1;
  o.wait_ms = 3000;
  static const struct option longopts[] = {
      {"mode", required_argument, 0, 'm'},  {"port", required_argument, 0, 'p'},
      {"host", required_argument, 0, 'H'},  {"ca", required_argument, 0, 'a'},
      {"cert", required_argument, 0, 'c'},  {"key", required_argument, 0, 'k'},
      {"priority", required_argument, 0, 'P'}, {"count", required_argument, 0, 'n'},
      {"start", required_argument, 0, 's'}, {"repeat", required_argument, 0, 'r'},
      {"wait-ms", required_argument, 0, 'w'}, {"pad", required_argument, 0, 'd'},
      {"gap-us", required_argument, 0, 'g'}, {"peer-update", no_argument, 0, 'u'},
      {"tag", required_argument, 0, 't'},   {"hold-ms", required_argument, 0, 'h'},
      {0, 0, 0, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "m:p:", longopts, NULL)) != -1) {
    switch (c) {
      case 'm': o.mode = optarg; break;
      case 'p': o.port = (unsigned)strtoul(optarg, NULL, 10); break;
      case 'H': o.host = optarg; break;
      case 'a': o.ca = optarg; break;
      case 'c': o.cert = optarg; break;
      case 'k': o.key = optarg; break;
      case 'P': o.priority = optarg; break;
      case 'n': o.count = strtoul(optarg, NULL, 10); break;
      case 's': o.start = strtoul(optarg, NULL, 10); break;
      case 'r': o.repeat = strtoul(optarg, NULL, 10); break;
      case 'w': o.wait_ms = (unsigned)strtoul(optarg, NULL, 10); break;
      case 'd': o.pad = (unsigned)strtoul(optarg, NULL, 10); break;
      case 'g': o.gap_us = (unsigned)strtoul(optarg, NULL, 10); break;
      case 'u': o.peer_update = 1; break;
      case 't': o.tag = optarg; break;
      case 'h': o.hold_ms = (unsigned)strtoul(optarg, NULL, 10); break;
      default: usage();
    }
  }
  if (o.mode == NULL || o.port == 0 || o.ca == NULL) usage();
  const char *mode = o.mode;
  if (strcmp(mode, "reneg") && strcmp(mode, "keyupdate") && strcmp(mode, "empty") && strcmp(mode, "slow") &&
      strcmp(mode, "split") && strcmp(mode, "good"))
    usage();
  if (o.priority == NULL) {
    if (!strcmp(mode, "reneg"))
      o.priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2";
    else if (!strcmp(mode, "keyupdate") || !strcmp(mode, "empty"))
      o.priority = "NORMAL:-VERS-ALL:+VERS-TLS1.3";
    else
      o.priority = "NORMAL";
  }
  setvbuf(stdout, NULL, _IOLBF, 0);

  gnutls_certificate_credentials_t cred;
  if (gnutls_certificate_allocate_credentials(&cred) < 0) die("out of memory");
  if (gnutls_certificate_set_x509_trust_file(cred, o.ca, GNUTLS_X509_FMT_PEM) < 0) die("cannot load %s", o.ca);
  if (o.cert != NULL) {
    int rc = gnutls_certificate_set_x509_key_file(cred, o.cert, o.key ? o.key : o.cert, GNUTLS_X509_FMT_PEM);
    if (rc < 0) die("cannot load %s: %s", o.cert, gnutls_strerror(rc));
  }
  tcp_connect(&o);
  gnutls_session_t s;
  /* No session tickets of its own; the server may still send TLS 1.3
   * NewSessionTicket messages after the handshake, which server_answered()
   * and report_end() read past. */
  if (gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_NO_TICKETS) < 0) die("gnutls_init failed");
  const char *errpos = NULL;
  if (gnutls_priority_set_direct(s, o.priority, &errpos) < 0) die("bad priority at '%s'", errpos);
  gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
  gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", strlen("localhost"));
  gnutls_session_set_verify_cert(s, "localhost", 0);
  gnutls_transport_set_push_function(s, push_cb);
  gnutls_transport_set_pull_function(s, pull_cb);
  gnutls_transport_set_pull_timeout_function(s, pull_timeout_cb);
  gnutls_handshake_set_timeout(s, o.wait_ms > 0 ? o.wait_ms : GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT);

  g_split = !strcmp(mode, "split");
  g_gap_us = o.gap_us;
  const unsigned long segs0 = segs_out();
  const double t0 = now_ms();
  int rc;
  do {
    rc = gnutls_handshake(s);
  } while (rc < 0 && gnutls_error_is_fatal(rc) == 0);
  const double hs_ms = now_ms() - t0;
  g_split = 0;
  if (!strcmp(mode, "split")) {
    printf("split.sends: %lu\n", g_sends);
    printf("split.segments: %lu\n", segs_out() - segs0);
  }
  if (rc < 0) {
    printf("handshake: failed: %s", gnutls_strerror(rc));
    if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) printf(" (alert %s)", gnutls_alert_get_name(gnutls_alert_get(s)));
    printf("\n");
    return 1;
  }
  char *desc = gnutls_session_get_desc(s);
  printf("handshake: ok %s\n", desc ? desc : "");
  gnutls_free(desc);
  printf("handshake_ms: %.0f\n", hs_ms);
  if (!strcmp(mode, "split")) printf("split.handshake_ms: %.0f\n", hs_ms);

  if (!strcmp(mode, "good") || !strcmp(mode, "split")) {
    rc = send_range(s, &o, o.start, o.count, "sent");
  } else if (!strcmp(mode, "reneg")) {
    printf("safe_renegotiation: %s\n", gnutls_safe_renegotiation_status(s) ? "yes" : "no");
    rc = send_range(s, &o, o.start, o.count, "before");
    for (unsigned long i = 0; rc == 0 && i < o.repeat; ++i) {
      const double t = now_ms();
      int r;
      do {
        r = gnutls_handshake(s);
      } while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
      const char *what = gnutls_strerror(r);
      if (r == GNUTLS_E_WARNING_ALERT_RECEIVED || r == GNUTLS_E_FATAL_ALERT_RECEIVED)
        what = gnutls_alert_get_name(gnutls_alert_get(s));
      printf("reneg.result: %s%s (%.0f ms)\n", r == 0 ? "renegotiated" : r == GNUTLS_E_WARNING_ALERT_RECEIVED ? "warning alert " : r == GNUTLS_E_FATAL_ALERT_RECEIVED ? "fatal alert " : "", r == 0 ? "" : what, now_ms() - t);
      if (r < 0 && gnutls_error_is_fatal(r)) break;
    }
    if (rc == 0) rc = send_range(s, &o, o.start + o.count, o.count, "after");
  } else if (!strcmp(mode, "keyupdate")) {
    unsigned long done = 0;
    int r = 0;
    for (; done < o.repeat; ++done) {
      do {
        r = gnutls_session_key_update(s, o.peer_update ? GNUTLS_KU_PEER : 0);
      } while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
      if (r < 0) break;
    }
    printf("keyupdate.sent: %lu%s%s\n", done, r < 0 ? " then " : "", r < 0 ? gnutls_strerror(r) : "");
    rc = send_range(s, &o, o.start, o.count, "after");
  } else if (!strcmp(mode, "empty")) {
    g_wire.counting = 1;
    unsigned long done = 0;
    ssize_t r = 0;
    for (; done < o.repeat; ++done) {
      r = send_empty_record(s, o.pad);
      if (r < 0) break;
    }
    g_wire.counting = 0;
    printf("empty.calls: %lu%s%s\n", done, r < 0 ? " then " : "", r < 0 ? gnutls_strerror((int)r) : "");
    printf("wire.records: %lu\n", g_wire.records);
    printf("wire.bytes: %lu\n", g_wire.bytes);
    rc = send_range(s, &o, o.start, o.count, "after");
  } else if (!strcmp(mode, "slow")) {
    char msg[256], frame[300];
    int n = snprintf(msg, sizeof msg, "<13>1 2026-01-01T00:00:00Z tbhost %s - - - msgnum:%08lu: slow", o.tag, o.start);
    int f = snprintf(frame, sizeof frame, "%d %s", n, msg);
    const double t = now_ms();
    int closed = 0, i = 0;
    while (!closed && now_ms() - t < o.wait_ms) {
      if (i < f) {
        ssize_t w = gnutls_record_send(s, frame + i, 1);
        if (w < 0) {
          closed = 1;
          break;
        }
        ++i;
      }
      struct pollfd pfd = {g_fd, POLLIN, 0};
      if (poll(&pfd, 1, 1000) > 0) closed = server_closed(s);  /* the server answers only by closing */
    }
    printf("slow.bytes_sent: %d\n", i);
    if (closed)
      printf("slow.closed_after_ms: %.0f\n", now_ms() - t);
    else
      printf("slow.closed_after_ms: none\n");
    report_end(s, 1000);
    gnutls_deinit(s);
    close(g_fd);
    gnutls_certificate_free_credentials(cred);
    return 0;
  }
  if (rc == 0 && o.hold_ms > 0) {
    /* the session stays open and silent: the receiver must not spin */
    printf("hold: %u ms\n", o.hold_ms);
    struct timespec ts = {(time_t)(o.hold_ms / 1000), (long)(o.hold_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
  if (rc == 0) {
    gnutls_record_set_timeout(s, o.wait_ms);
    int r = gnutls_bye(s, GNUTLS_SHUT_WR);
    printf("bye: %s\n", r == 0 ? "ok" : gnutls_strerror(r));
  }
  report_end(s, o.wait_ms);
  gnutls_deinit(s);
  close(g_fd);
  gnutls_certificate_free_credentials(cred);
  return 0;
}
