/* tls-storm: opens many concurrent TLS syslog sessions from one process (all
 * non-blocking GnuTLS client sessions on one epoll loop), sends a few
 * numbered messages on each, closes each with close_notify and waits for the
 * receiver to close in turn (it has then read everything).
 *
 * Exit status: 0 only if every connection completed its handshake, sent its
 * messages and was closed cleanly; 1 otherwise; 2 on usage errors.
 * Prints the figures: connections, completed, failed by reason, seconds,
 * and the slowest handshake.
 *
 * Messages (octet-counted RFC 5424):
 *   <13>1 2026-01-01T00:00:00Z tbhost TAG - - - msgnum:%08d:
 * numbered START + connection * PER + i, so that every number appears once.
 *
 * --hold-ms MS makes a slow but answering client: every flight it writes is
 * held back MS milliseconds before it goes on the wire.
 *
 * --silent is the attacker of the slowloris test instead: it keeps
 * CONNECTIONS TCP connections open that never send a byte, opens a new one
 * as soon as the receiver closes one, for --timeout seconds, and prints how
 * many the receiver closed (exit 0 unless it could not connect at all).
 * With --partial each of them sends the first 3 bytes of a TLS handshake
 * record and then nothing (an incomplete ClientHello). */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum state { S_CONNECTING, S_HANDSHAKE, S_SENDING, S_BYE, S_DRAIN, S_DONE, S_FAILED };

struct conn {
  int fd;
  enum state st;
  gnutls_session_t s;
  char *msg; /* this connection's messages */
  size_t msg_len, msg_off;
  char out[16384]; /* --hold-ms: bytes written, not yet on the wire */
  size_t out_len;
  double out_ready; /* when the held bytes may go */
  double started, hs_done;
  const char *why; /* failure reason (static text) */
};

static struct {
  const char *target, *ca, *cert, *key, *servername, *tag;
  unsigned port, count, per, sources, start, hold_ms, timeout_s;
  int silent, partial;
} opt = {"127.0.0.1", NULL, NULL, NULL, "localhost", "tbstorm", 0, 100, 3, 1, 0, 0, 120, 0, 0};

static gnutls_certificate_credentials_t creds;
static int epfd;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("tls-storm: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

/* Without --hold-ms: straight to the socket. With it: into c->out. */
static ssize_t push(gnutls_transport_ptr_t p, const void *buf, size_t len) {
  struct conn *c = p;
  if (opt.hold_ms == 0) {
    ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
    if (n < 0) gnutls_transport_set_errno(c->s, errno);
    return n;
  }
  if (c->out_len == sizeof c->out) {
    gnutls_transport_set_errno(c->s, EAGAIN);
    return -1;
  }
  if (c->out_len == 0) c->out_ready = now_s() + opt.hold_ms / 1000.0;
  if (len > sizeof c->out - c->out_len) len = sizeof c->out - c->out_len;
  memcpy(c->out + c->out_len, buf, len);
  c->out_len += len;
  return (ssize_t)len;
}

static ssize_t pull(gnutls_transport_ptr_t p, void *buf, size_t len) {
  struct conn *c = p;
  ssize_t n = recv(c->fd, buf, len, 0);
  if (n < 0) gnutls_transport_set_errno(c->s, errno);
  return n;
}

/* --hold-ms: sends the held bytes once they are due. 0 ok, -1 broken. */
static int flush_held(struct conn *c, double t) {
  if (c->out_len == 0 || t < c->out_ready) return 0;
  ssize_t n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
  if (n < 0) return errno == EAGAIN ? 0 : -1;
  memmove(c->out, c->out + n, c->out_len - (size_t)n);
  c->out_len -= (size_t)n;
  return 0;
}

static void watch(struct conn *c, int op, unsigned events) {
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = events;
  ev.data.ptr = c;
  epoll_ctl(epfd, op, c->fd, &ev);
}

static void finish(struct conn *c, enum state st, const char *why) {
  c->st = st;
  c->why = why;
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
  if (c->s) gnutls_deinit(c->s);
  c->s = NULL;
  close(c->fd);
  c->fd = -1;
  free(c->msg);
  c->msg = NULL;
}

static void want(struct conn *c) {
  watch(c, EPOLL_CTL_MOD, gnutls_record_get_direction(c->s) ? EPOLLOUT : EPOLLIN);
}

static void step(struct conn *c, double t) {
  int rc;
  if (opt.hold_ms != 0 && flush_held(c, t) != 0) {
    finish(c, S_FAILED, "send failed");
    return;
  }
  for (;;) {
    switch (c->st) {
      case S_CONNECTING: {
        int err = 0;
        socklen_t l = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
        if (err != 0) {
          finish(c, S_FAILED, err == ECONNREFUSED ? "connect refused" : err == ETIMEDOUT ? "connect timed out"
                                                                                           : "connect failed");
          return;
        }
        c->st = S_HANDSHAKE;
        continue;
      }
      case S_HANDSHAKE:
        rc = gnutls_handshake(c->s);
        if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
          want(c);
          return;
        }
        if (rc < 0) {
          finish(c, S_FAILED, rc == GNUTLS_E_PREMATURE_TERMINATION || rc == GNUTLS_E_PULL_ERROR ||
                                      rc == GNUTLS_E_PUSH_ERROR
                                  ? "reset or closed during the handshake"
                                  : rc == GNUTLS_E_FATAL_ALERT_RECEIVED ? "alert during the handshake"
                                                                        : "handshake failed");
          return;
        }
        c->hs_done = c->out_len != 0 ? c->out_ready : t; /* done when the last flight is on the wire */
        c->st = S_SENDING;
        continue;
      case S_SENDING:
        while (c->msg_off < c->msg_len) {
          ssize_t n = gnutls_record_send(c->s, c->msg + c->msg_off, c->msg_len - c->msg_off);
          if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
            want(c);
            return;
          }
          if (n < 0) {
            finish(c, S_FAILED, n == GNUTLS_E_FATAL_ALERT_RECEIVED ? "alert after the handshake" : "send failed");
            return;
          }
          c->msg_off += (size_t)n;
        }
        c->st = S_BYE;
        continue;
      case S_BYE:
        rc = gnutls_bye(c->s, GNUTLS_SHUT_WR);
        if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
          want(c);
          return;
        }
        if (rc < 0) {
          finish(c, S_FAILED, "close_notify failed");
          return;
        }
        c->st = S_DRAIN;
        continue;
      case S_DRAIN: {
        if (opt.hold_ms != 0 && c->out_len != 0) {  /* our close_notify is still held */
          watch(c, EPOLL_CTL_MOD, EPOLLIN);
          return;
        }
        char buf[4096];
        ssize_t n = gnutls_record_recv(c->s, buf, sizeof buf);
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
          watch(c, EPOLL_CTL_MOD, EPOLLIN);
          return;
        }
        if (n > 0) continue;
        if (n == 0 || n == GNUTLS_E_PREMATURE_TERMINATION) {
          finish(c, S_DONE, NULL); /* the receiver closed: it read everything */
        } else {
          finish(c, S_FAILED, n == GNUTLS_E_FATAL_ALERT_RECEIVED ? "alert after the handshake"
                                                                 : "error while waiting for the close");
        }
        return;
      }
      default:
        return;
    }
  }
}

static int open_conn(struct conn *c, unsigned i) {
  struct sockaddr_in dst, src;
  memset(&dst, 0, sizeof dst);
  dst.sin_family = AF_INET;
  dst.sin_port = htons((uint16_t)opt.port);
  if (inet_pton(AF_INET, opt.target, &dst.sin_addr) != 1) die("--target must be an IPv4 address");
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) return -1;
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (opt.sources > 1) {
    memset(&src, 0, sizeof src);
    src.sin_family = AF_INET;
    src.sin_addr.s_addr = htonl(0x7f000001u + i % opt.sources);
    setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    if (bind(c->fd, (struct sockaddr *)&src, sizeof src) != 0) return -1;
  }
  c->started = now_s();
  if (connect(c->fd, (struct sockaddr *)&dst, sizeof dst) != 0 && errno != EINPROGRESS) return -1;
  c->st = S_CONNECTING;
  if (gnutls_init(&c->s, GNUTLS_CLIENT | GNUTLS_NONBLOCK) < 0) return -1;
  gnutls_set_default_priority(c->s);
  gnutls_credentials_set(c->s, GNUTLS_CRD_CERTIFICATE, creds);
  gnutls_server_name_set(c->s, GNUTLS_NAME_DNS, opt.servername, strlen(opt.servername));
  gnutls_session_set_verify_cert(c->s, opt.servername, 0);
  gnutls_transport_set_ptr(c->s, c);
  gnutls_transport_set_push_function(c->s, push);
  gnutls_transport_set_pull_function(c->s, pull);
  gnutls_handshake_set_timeout(c->s, 0);
  /* The messages. */
  size_t cap = (size_t)opt.per * 128 + 1;
  c->msg = malloc(cap);
  if (c->msg == NULL) return -1;
  for (unsigned j = 0; j < opt.per; ++j) {
    char one_msg[112];
    int l = snprintf(one_msg, sizeof one_msg, "<13>1 2026-01-01T00:00:00Z tbhost %s - - - msgnum:%08u:", opt.tag,
                     opt.start + i * opt.per + j);
    c->msg_len += (size_t)snprintf(c->msg + c->msg_len, cap - c->msg_len, "%d %s", l, one_msg);
  }
  watch(c, EPOLL_CTL_ADD, EPOLLOUT);
  return 0;
}

/* The slowloris attacker (--silent). */
static int silent_open(struct sockaddr_in *dst) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr *)dst, sizeof *dst) != 0 && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN | EPOLLRDHUP | (opt.partial ? EPOLLOUT | EPOLLONESHOT : 0);
  ev.data.fd = fd;
  epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
  return fd;
}

static int run_silent(void) {
  if (opt.port == 0 || opt.port > 65535) die("need -p PORT");
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  struct sockaddr_in dst;
  memset(&dst, 0, sizeof dst);
  dst.sin_family = AF_INET;
  dst.sin_port = htons((uint16_t)opt.port);
  if (inet_pton(AF_INET, opt.target, &dst.sin_addr) != 1) die("--target must be an IPv4 address");
  epfd = epoll_create1(EPOLL_CLOEXEC);
  unsigned open_now = 0, failed = 0;
  unsigned long closed = 0;
  for (unsigned i = 0; i < opt.count; ++i) {
    if (silent_open(&dst) >= 0) ++open_now; else ++failed;
  }
  if (open_now == 0) die("cannot connect to port %u", opt.port);
  printf("silent connections open %u\n", open_now);
  fflush(stdout);
  const double t0 = now_s();
  struct epoll_event evs[1024];
  while (now_s() - t0 < opt.timeout_s) {
    int n = epoll_wait(epfd, evs, 1024, 200);
    for (int k = 0; k < n; ++k) {
      char buf[512];
      int fd = evs[k].data.fd;
      if (opt.partial && (evs[k].events & EPOLLOUT) && !(evs[k].events & (EPOLLHUP | EPOLLERR))) {
        /* connected: the incomplete ClientHello, then only watch for the close */
        send(fd, "\x16\x03\x01", 3, MSG_NOSIGNAL);
        struct epoll_event ev;
        memset(&ev, 0, sizeof ev);
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.fd = fd;
        epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
        continue;
      }
      if (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0 && !(evs[k].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
        continue;
      epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
      close(fd);
      ++closed;
      if (silent_open(&dst) < 0) ++failed; /* renewed at once */
    }
  }
  printf("silent connections %u, closed by the receiver %lu (each renewed at once), failed to open %u, "
         "seconds %.1f\n",
         opt.count, closed, failed, now_s() - t0);
  return 0;
}

int main(int argc, char **argv) {
  static const struct option longopts[] = {
      {"target", required_argument, NULL, 't'}, {"port", required_argument, NULL, 'p'},
      {"connections", required_argument, NULL, 'c'}, {"messages", required_argument, NULL, 'n'},
      {"ca", required_argument, NULL, 'A'}, {"cert", required_argument, NULL, 'C'},
      {"key", required_argument, NULL, 'K'}, {"servername", required_argument, NULL, 'S'},
      {"tag", required_argument, NULL, 'T'}, {"sources", required_argument, NULL, 's'},
      {"start", required_argument, NULL, 'f'}, {"hold-ms", required_argument, NULL, 'H'},
      {"timeout", required_argument, NULL, 'w'}, {"silent", no_argument, NULL, 'Q'},
      {"partial", no_argument, NULL, 'P'},
      {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  int ch;
  while ((ch = getopt_long(argc, argv, "t:p:c:n:s:h", longopts, NULL)) != -1) {
    switch (ch) {
      case 't': opt.target = optarg; break;
      case 'p': opt.port = (unsigned)strtoul(optarg, NULL, 10); break;
      case 'c': opt.count = (unsigned)strtoul(optarg, NULL, 10); break;
      case 'n': opt.per = (unsigned)strtoul(optarg, NULL, 10); break;
      case 'A': opt.ca = optarg; break;
      case 'C': opt.cert = optarg; break;
      case 'K': opt.key = optarg; break;
      case 'S': opt.servername = optarg; break;
      case 'T': opt.tag = optarg; break;
      case 's': opt.sources = (unsigned)strtoul(optarg, NULL, 10); break;
      case 'f': opt.start = (unsigned)strtoul(optarg, NULL, 10); break;
      case 'H': opt.hold_ms = (unsigned)strtoul(optarg, NULL, 10); break;
      case 'w': opt.timeout_s = (unsigned)strtoul(optarg, NULL, 10); break;
      case 'Q': opt.silent = 1; break;
      case 'P': opt.partial = 1; break;
      default:
        fprintf(stderr,
                "usage: tls-storm -p PORT --ca CA [--cert C --key K] [-t 127.0.0.1] [-c CONNECTIONS=100]\n"
                "       [-n MESSAGES_PER_CONNECTION=3] [--start N] [--sources N] [--servername localhost]\n"
                "       [--tag tbstorm] [--hold-ms MS] [--timeout SECONDS=120]\n"
                "       tls-storm --silent [--partial] -p PORT [-c CONNECTIONS] [--timeout SECONDS]\n");
        return ch == 'h' ? 0 : 2;
    }
  }
  if (opt.silent) return run_silent();
  if (opt.port == 0 || opt.port > 65535 || opt.ca == NULL || opt.count == 0 || opt.sources == 0 ||
      opt.sources > 254 || (opt.cert == NULL) != (opt.key == NULL))
    die("need -p PORT and --ca FILE (and --cert with --key); see --help");

  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)opt.count + 16)
    die("RLIMIT_NOFILE %lu is too low for %u connections (raise it with ulimit -n)", (unsigned long)rl.rlim_cur,
        opt.count);

  gnutls_global_init();
  if (gnutls_certificate_allocate_credentials(&creds) < 0) die("out of memory");
  if (gnutls_certificate_set_x509_trust_file(creds, opt.ca, GNUTLS_X509_FMT_PEM) <= 0) die("cannot load %s", opt.ca);
  if (opt.cert != NULL &&
      gnutls_certificate_set_x509_key_file(creds, opt.cert, opt.key, GNUTLS_X509_FMT_PEM) < 0)
    die("cannot load %s / %s", opt.cert, opt.key);
  epfd = epoll_create1(EPOLL_CLOEXEC);
  struct conn *conns = calloc(opt.count, sizeof *conns);
  if (conns == NULL || epfd < 0) die("out of memory");

  const double t0 = now_s();
  unsigned live = 0;
  for (unsigned i = 0; i < opt.count; ++i) {
    if (open_conn(&conns[i], i) != 0) {
      if (conns[i].fd >= 0) {
        finish(&conns[i], S_FAILED, "socket or connect failed at once");
      } else {
        conns[i].st = S_FAILED;
        conns[i].why = "no socket";
      }
      continue;
    }
    ++live;
  }
  struct epoll_event evs[1024];
  while (live > 0) {
    const double t = now_s();
    if (t - t0 > opt.timeout_s) break;
    int wait_ms = 1000;
    if (opt.hold_ms != 0) wait_ms = opt.hold_ms / 4 + 1;
    int n = epoll_wait(epfd, evs, 1024, wait_ms);
    for (int k = 0; k < n; ++k) {
      struct conn *c = evs[k].data.ptr;
      if (c->fd < 0) continue;
      step(c, now_s());
    }
    if (opt.hold_ms != 0) { /* held flights that are due */
      const double t2 = now_s();
      for (unsigned i = 0; i < opt.count; ++i)
        if (conns[i].fd >= 0 && conns[i].out_len != 0 && t2 >= conns[i].out_ready) step(&conns[i], t2);
    }
    live = 0;
    for (unsigned i = 0; i < opt.count; ++i) live += conns[i].fd >= 0;
  }
  const double took = now_s() - t0;

  /* Figures. */
  unsigned done = 0, failed = 0, handshaken = 0;
  double slowest = 0;
  const char *reasons[16];
  unsigned counts[16];
  unsigned nreasons = 0;
  for (unsigned i = 0; i < opt.count; ++i) {
    struct conn *c = &conns[i];
    if (c->fd >= 0) { /* still running at the timeout */
      static const char *const names[] = {"timeout while connecting", "timeout in the handshake",
                                          "timeout while sending", "timeout while closing",
                                          "timeout waiting for the receiver to close"};
      finish(c, S_FAILED, names[c->st <= S_DRAIN ? c->st : 0]);
    }
    if (c->hs_done > 0) {
      ++handshaken;
      if (c->hs_done - c->started > slowest) slowest = c->hs_done - c->started;
    }
    if (c->st == S_DONE) {
      ++done;
      continue;
    }
    ++failed;
    unsigned r = 0;
    while (r < nreasons && strcmp(reasons[r], c->why) != 0) ++r;
    if (r == nreasons && nreasons < 16) {
      reasons[nreasons] = c->why;
      counts[nreasons++] = 0;
    }
    if (r < 16) ++counts[r];
  }
  printf("connections %u, handshakes completed %u, delivered and closed %u, failed %u, seconds %.1f, "
         "slowest handshake %.2f s, messages %u\n",
         opt.count, handshaken, done, failed, took, slowest, done * opt.per);
  for (unsigned r = 0; r < nreasons; ++r) printf("failed: %u %s\n", counts[r], reasons[r]);
  free(conns);
  gnutls_certificate_free_credentials(creds);
  gnutls_global_deinit();
  return failed == 0 ? 0 : 1;
}
