/* capi_lifecycle.c - certificate lifecycle through the public C API alone:
 * certificate facts of PEM files, revoked peers refused by serial in both
 * roles, and a server whose TLS config is swapped while it runs.
 *
 * Usage:
 *   capi_lifecycle facts FILE   prints the facts of every certificate of FILE
 *                               (one "key=value" line each, for the script to
 *                               compare with certtool); exit 0 on success
 *   capi_lifecycle run DIR      DIR holds the files of tests/certs/gen-certs.sh
 *                               and crl.pem, a CRL of the test CA that revokes
 *                               client-cert.pem and server-cert.pem; runs the
 *                               loopback scenarios; exit 0 only if all pass
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "syslogtls.h"

#define WAIT_SECONDS 20
#define SWAPS 200
#define CONNECTS 50

static int failures = 0;

#define EXPECT(cond, ...)                    \
  do {                                       \
    if (!(cond)) {                           \
      printf("FAIL (line %d): ", __LINE__);  \
      printf(__VA_ARGS__);                   \
      printf("\n");                          \
      failures++;                            \
    }                                        \
  } while (0)

/* ---- facts ---------------------------------------------------------- */

static int print_facts(const char *path) {
  syslogtls_cert_list *list = NULL;
  size_t i, n;
  char date[32];
  int rc = syslogtls_cert_list_read(&list, path);
  if (rc != SYSLOGTLS_OK) {
    printf("cert_list_read: %s: %s\n", syslogtls_strerror(rc), syslogtls_errmsg());
    return 1;
  }
  n = syslogtls_cert_list_count(list);
  printf("count=%lu\n", (unsigned long)n);
  for (i = 0; i < n; ++i) {
    printf("%lu subject=%s\n", (unsigned long)i, syslogtls_cert_list_subject(list, i));
    printf("%lu issuer=%s\n", (unsigned long)i, syslogtls_cert_list_issuer(list, i));
    printf("%lu sha256=%s\n", (unsigned long)i, syslogtls_cert_list_fingerprint(list, i));
    printf("%lu sha1=%s\n", (unsigned long)i, syslogtls_cert_list_fingerprint_sha1(list, i));
    printf("%lu serial=%s\n", (unsigned long)i, syslogtls_cert_list_serial(list, i));
    printf("%lu not_before=%lld\n", (unsigned long)i, (long long)syslogtls_cert_list_not_before(list, i));
    printf("%lu not_after=%lld\n", (unsigned long)i, (long long)syslogtls_cert_list_not_after(list, i));
    if (syslogtls_format_utc(syslogtls_cert_list_not_after(list, i), date, sizeof date) != SYSLOGTLS_OK) {
      printf("format_utc: %s\n", syslogtls_errmsg());
      syslogtls_cert_list_free(list);
      return 1;
    }
    printf("%lu not_after_utc=%s\n", (unsigned long)i, date);
    printf("%lu is_ca=%d\n", (unsigned long)i, syslogtls_cert_list_is_ca(list, i));
  }
  syslogtls_cert_list_free(list);
  return 0;
}

/* ---- the receiving side --------------------------------------------- */

struct receiver {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  unsigned frames;            /* frames received, any session */
  char last_frame[128];       /* the newest one */
  unsigned refused;           /* SYSLOGTLS_EVENT_PEER_REFUSED events */
  int refused_reason;         /* of the newest refusal */
  char refused_text[512];
  unsigned opened;            /* on_open calls */
  char opened_fp[128];        /* syslogtls_conn_peer_fingerprint in the newest on_open */
  long long opened_not_after; /* syslogtls_conn_peer_not_after there */
};

static struct receiver rx;

static void copy_text(char *dst, size_t cap, const char *src, size_t len) {
  if (len >= cap) len = cap - 1;
  memcpy(dst, src, len);
  dst[len] = '\0';
}

static int on_open(syslogtls_conn *conn, void *user) {
  struct receiver *r = user;
  const char *fp = syslogtls_conn_peer_fingerprint(conn);
  pthread_mutex_lock(&r->mutex);
  r->opened++;
  copy_text(r->opened_fp, sizeof r->opened_fp, fp, strlen(fp));
  r->opened_not_after = (long long)syslogtls_conn_peer_not_after(conn);
  pthread_cond_broadcast(&r->cond);
  pthread_mutex_unlock(&r->mutex);
  return 0;
}

static int on_frames(syslogtls_conn *conn, const syslogtls_frame *frames, size_t n, void *user) {
  struct receiver *r = user;
  (void)conn;
  pthread_mutex_lock(&r->mutex);
  r->frames += (unsigned)n;
  if (n > 0) copy_text(r->last_frame, sizeof r->last_frame, frames[n - 1].data, frames[n - 1].len);
  pthread_cond_broadcast(&r->cond);
  pthread_mutex_unlock(&r->mutex);
  return SYSLOGTLS_FRAMES_CONTINUE;
}

static void on_log(const syslogtls_event *ev, void *user) {
  struct receiver *r = user;
  if (ev->kind != SYSLOGTLS_EVENT_PEER_REFUSED) return;
  pthread_mutex_lock(&r->mutex);
  r->refused++;
  r->refused_reason = ev->reason;
  copy_text(r->refused_text, sizeof r->refused_text, ev->text, strlen(ev->text));
  pthread_cond_broadcast(&r->cond);
  pthread_mutex_unlock(&r->mutex);
}

/* Waits until *counter reaches at least want; 1 if it did in time. */
static int wait_count(const unsigned *counter, unsigned want) {
  struct timespec until;
  int ok;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += WAIT_SECONDS;
  pthread_mutex_lock(&rx.mutex);
  while (*counter < want) {
    if (pthread_cond_timedwait(&rx.cond, &rx.mutex, &until) == ETIMEDOUT) break;
  }
  ok = *counter >= want;
  pthread_mutex_unlock(&rx.mutex);
  return ok;
}

static unsigned count_now(const unsigned *counter) {
  unsigned v;
  pthread_mutex_lock(&rx.mutex);
  v = *counter;
  pthread_mutex_unlock(&rx.mutex);
  return v;
}

/* ---- configs, server, client helpers -------------------------------- */

static char dir[1024];

static const char *path(const char *name) {
  static char buf[8][1200];
  static unsigned next = 0;
  char *p = buf[next++ % 8];
  snprintf(p, sizeof buf[0], "%s/%s", dir, name);
  return p;
}

static int ok_or_say(int rc, const char *what) {
  if (rc != SYSLOGTLS_OK) printf("%s: %s: %s\n", what, syslogtls_strerror(rc), syslogtls_errmsg());
  return rc == SYSLOGTLS_OK;
}

/* A loaded config; pin = a permitted fingerprint (mode x509/fingerprint),
 * crl = a CRL file, each NULL for none. */
static syslogtls_tls_config *config(int role, const char *cert, int mode, const char *pin, const char *crl) {
  syslogtls_tls_config *cfg = NULL;
  char crt[64], key[64];
  snprintf(crt, sizeof crt, "%s-cert.pem", cert);
  snprintf(key, sizeof key, "%s-key.pem", cert);
  if (!ok_or_say(syslogtls_tls_config_new(&cfg, role), "tls_config_new")) return NULL;
  if (ok_or_say(syslogtls_tls_config_set_ca_file(cfg, path("ca.pem")), "set_ca_file") &&
      ok_or_say(syslogtls_tls_config_set_cert_file(cfg, path(crt)), "set_cert_file") &&
      ok_or_say(syslogtls_tls_config_set_key_file(cfg, path(key)), "set_key_file") &&
      ok_or_say(syslogtls_tls_config_set_auth_mode(cfg, mode), "set_auth_mode") &&
      (pin == NULL || ok_or_say(syslogtls_tls_config_add_permitted_peer(cfg, pin), "add_permitted_peer")) &&
      (crl == NULL || ok_or_say(syslogtls_tls_config_set_crl_file(cfg, crl), "set_crl_file")) &&
      ok_or_say(syslogtls_tls_config_load(cfg), "tls_config_load"))
    return cfg;
  syslogtls_tls_config_free(cfg);
  return NULL;
}

static syslogtls_server *server(syslogtls_tls_config *tls) {
  syslogtls_server *srv = NULL;
  syslogtls_server_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.on_open = on_open;
  cb.on_frames = on_frames;
  cb.log = on_log;
  if (!ok_or_say(syslogtls_server_new(&srv, tls), "server_new")) return NULL;
  if (ok_or_say(syslogtls_server_set_address(srv, "127.0.0.1", 0), "server_set_address") &&
      ok_or_say(syslogtls_server_set_framing(srv, SYSLOGTLS_FRAMING_OCTET_COUNTED), "server_set_framing") &&
      ok_or_say(syslogtls_server_set_threads(srv, 2), "server_set_threads") &&
      ok_or_say(syslogtls_server_set_session_log(srv, 0), "server_set_session_log") &&
      ok_or_say(syslogtls_server_set_callbacks(srv, &cb, &rx), "server_set_callbacks") &&
      ok_or_say(syslogtls_server_listen(srv), "server_listen") && ok_or_say(syslogtls_server_start(srv), "server_start"))
    return srv;
  syslogtls_server_free(srv);
  return NULL;
}

static int connect_to(syslogtls_client *cl, syslogtls_server *srv) {
  return syslogtls_client_connect(cl, "127.0.0.1", syslogtls_server_port(srv), "localhost", 5000);
}

/* Sends one octet-counted message; 1 on success. */
static int send_msg(syslogtls_client *cl, const char *msg) {
  char frame[256];
  size_t n = 0;
  return ok_or_say(syslogtls_frame_encode(SYSLOGTLS_FRAMING_OCTET_COUNTED, msg, strlen(msg), frame, sizeof frame, &n,
                                          NULL),
                   "frame_encode") &&
         ok_or_say(syslogtls_client_send(cl, frame, n, 5000), "client_send");
}

/* Sends msg and waits until the server has it as its newest frame. */
static int deliver(syslogtls_client *cl, const char *msg) {
  unsigned before = count_now(&rx.frames);
  int same;
  if (!send_msg(cl, msg) || !wait_count(&rx.frames, before + 1)) return 0;
  pthread_mutex_lock(&rx.mutex);
  same = strcmp(rx.last_frame, msg) == 0;
  pthread_mutex_unlock(&rx.mutex);
  return same;
}

/* The facts of the first certificate of a gen-certs file. */
struct facts {
  char sha256[128];
  char serial[64];
  long long not_after;
};

static int facts_of(const char *name, struct facts *f) {
  syslogtls_cert_list *list = NULL;
  const char *s;
  if (!ok_or_say(syslogtls_cert_list_read(&list, path(name)), name)) return 0;
  s = syslogtls_cert_list_fingerprint(list, 0);
  copy_text(f->sha256, sizeof f->sha256, s, strlen(s));
  s = syslogtls_cert_list_serial(list, 0);
  copy_text(f->serial, sizeof f->serial, s, strlen(s));
  f->not_after = (long long)syslogtls_cert_list_not_after(list, 0);
  syslogtls_cert_list_free(list);
  return 1;
}

/* ---- (a) the server refuses a revoked client ------------------------ */

static void revoked_client(const struct facts *client) {
  syslogtls_tls_config *scfg = config(SYSLOGTLS_ROLE_SERVER, "server", SYSLOGTLS_AUTH_X509_CERTVALID, NULL,
                                      path("crl.pem"));
  syslogtls_tls_config *revoked = config(SYSLOGTLS_ROLE_CLIENT, "client", SYSLOGTLS_AUTH_X509_NAME, NULL, NULL);
  syslogtls_tls_config *good = config(SYSLOGTLS_ROLE_CLIENT, "client2", SYSLOGTLS_AUTH_X509_NAME, NULL, NULL);
  syslogtls_server *srv = scfg ? server(scfg) : NULL;
  syslogtls_client *cl = NULL;
  char want[128];
  unsigned refused;
  int rc;
  EXPECT(srv != NULL && revoked != NULL && good != NULL, "(a) set-up");
  if (srv == NULL || revoked == NULL || good == NULL) goto out;
  refused = count_now(&rx.refused);
  if (!ok_or_say(syslogtls_client_new(&cl, revoked), "client_new")) goto out;
  rc = connect_to(cl, srv);
  /* TLS 1.3: the client may finish first; the server's alert then ends it */
  if (rc == SYSLOGTLS_OK) rc = send_msg(cl, "must not arrive") ? syslogtls_client_check(cl) : SYSLOGTLS_E_IO;
  EXPECT(wait_count(&rx.refused, refused + 1), "(a) the server reported no refusal of the revoked client");
  snprintf(want, sizeof want, "certificate revoked (serial %s)", client->serial);
  pthread_mutex_lock(&rx.mutex);
  EXPECT(rx.refused_reason == SYSLOGTLS_REASON_REVOKED, "(a) refusal reason %d (%s), want REVOKED",
         rx.refused_reason, syslogtls_reason_name(rx.refused_reason));
  EXPECT(strstr(rx.refused_text, want) != NULL, "(a) refusal text '%s' lacks '%s'", rx.refused_text, want);
  EXPECT(strstr(rx.refused_text, "subject 'CN=client.example.net'") != NULL, "(a) refusal text '%s' lacks the subject",
         rx.refused_text);
  printf("(a) server: %s\n", rx.refused_text);
  pthread_mutex_unlock(&rx.mutex);
  syslogtls_client_free(cl);
  cl = NULL;

  /* an unrevoked client of the same CA is accepted */
  if (!ok_or_say(syslogtls_client_new(&cl, good), "client_new")) goto out;
  EXPECT(ok_or_say(connect_to(cl, srv), "(a) connect of the unrevoked client"), "(a) unrevoked client refused");
  EXPECT(deliver(cl, "<14>1 - host lifecycle - - - unrevoked"), "(a) message of the unrevoked client lost");
  syslogtls_client_close(cl, 2000);
out:
  syslogtls_client_free(cl);
  syslogtls_server_free(srv);
  syslogtls_tls_config_free(good);
  syslogtls_tls_config_free(revoked);
  syslogtls_tls_config_free(scfg);
}

/* ---- (b) the client refuses a revoked server ------------------------ */

static void revoked_server(const struct facts *srv_facts) {
  syslogtls_tls_config *scfg = config(SYSLOGTLS_ROLE_SERVER, "server", SYSLOGTLS_AUTH_X509_CERTVALID, NULL, NULL);
  syslogtls_tls_config *ccfg = config(SYSLOGTLS_ROLE_CLIENT, "client2", SYSLOGTLS_AUTH_X509_NAME, NULL, path("crl.pem"));
  syslogtls_server *srv = scfg ? server(scfg) : NULL;
  syslogtls_client *cl = NULL;
  char want[128];
  int rc;
  EXPECT(srv != NULL && ccfg != NULL, "(b) set-up");
  if (srv == NULL || ccfg == NULL) goto out;
  if (!ok_or_say(syslogtls_client_new(&cl, ccfg), "client_new")) goto out;
  rc = connect_to(cl, srv);
  snprintf(want, sizeof want, "certificate revoked (serial %s)", srv_facts->serial);
  EXPECT(rc == SYSLOGTLS_E_PEER_REJECTED, "(b) connect returned %s, want peer rejected", syslogtls_strerror(rc));
  EXPECT(syslogtls_client_last_reason(cl) == SYSLOGTLS_REASON_REVOKED, "(b) last reason %s, want REVOKED",
         syslogtls_reason_name(syslogtls_client_last_reason(cl)));
  EXPECT(strstr(syslogtls_errmsg(), want) != NULL, "(b) errmsg '%s' lacks '%s'", syslogtls_errmsg(), want);
  printf("(b) client: %s\n", syslogtls_errmsg());
  EXPECT(syslogtls_client_peer_not_after(cl) == 0 && syslogtls_client_peer_fingerprint(cl)[0] == '\0',
         "(b) a refused server left peer facts behind");
out:
  syslogtls_client_free(cl);
  syslogtls_server_free(srv);
  syslogtls_tls_config_free(ccfg);
  syslogtls_tls_config_free(scfg);
}

/* ---- (c) swap: open sessions keep going, new ones use the new config - */

static void swap_semantics(const struct facts *old_srv, const struct facts *new_srv, const struct facts *client2) {
  syslogtls_tls_config *s_old = config(SYSLOGTLS_ROLE_SERVER, "server", SYSLOGTLS_AUTH_X509_CERTVALID, NULL, NULL);
  syslogtls_tls_config *s_new = config(SYSLOGTLS_ROLE_SERVER, "idn", SYSLOGTLS_AUTH_X509_CERTVALID, NULL, NULL);
  syslogtls_tls_config *c_name = config(SYSLOGTLS_ROLE_CLIENT, "client2", SYSLOGTLS_AUTH_X509_NAME, NULL, NULL);
  syslogtls_tls_config *c_pin =
      config(SYSLOGTLS_ROLE_CLIENT, "client2", SYSLOGTLS_AUTH_X509_FINGERPRINT, new_srv->sha256, NULL);
  syslogtls_tls_config *unloaded = NULL;
  syslogtls_server *srv = s_old ? server(s_old) : NULL;
  syslogtls_server *plain = NULL;
  syslogtls_client *early = NULL, *pinned = NULL;
  int rc;
  EXPECT(srv != NULL && s_new != NULL && c_name != NULL && c_pin != NULL, "(c) set-up");
  if (srv == NULL || s_new == NULL || c_name == NULL || c_pin == NULL) goto out;

  /* the argument checks */
  EXPECT(syslogtls_server_set_tls_config(NULL, s_new) == SYSLOGTLS_E_INVAL, "(c) NULL server accepted");
  EXPECT(syslogtls_server_set_tls_config(srv, NULL) == SYSLOGTLS_E_INVAL, "(c) NULL config accepted");
  EXPECT(syslogtls_server_set_tls_config(srv, c_name) == SYSLOGTLS_E_INVAL, "(c) client-role config accepted");
  if (ok_or_say(syslogtls_tls_config_new(&unloaded, SYSLOGTLS_ROLE_SERVER), "tls_config_new"))
    EXPECT(syslogtls_server_set_tls_config(srv, unloaded) == SYSLOGTLS_E_STATE, "(c) unloaded config accepted");
  if (ok_or_say(syslogtls_server_new(&plain, NULL), "server_new plaintext"))
    EXPECT(syslogtls_server_set_tls_config(plain, s_new) == SYSLOGTLS_E_INVAL, "(c) plaintext server took a config");

  /* a session opened before the swap */
  if (!ok_or_say(syslogtls_client_new(&early, c_name), "client_new") ||
      !ok_or_say(connect_to(early, srv), "(c) connect before the swap"))
    goto out;
  EXPECT(strcmp(syslogtls_client_peer_fingerprint(early), old_srv->sha256) == 0,
         "(c) client sees server fingerprint %s, want %s", syslogtls_client_peer_fingerprint(early), old_srv->sha256);
  EXPECT(syslogtls_client_peer_not_after(early) == old_srv->not_after, "(c) client_peer_not_after %lld, want %lld",
         (long long)syslogtls_client_peer_not_after(early), old_srv->not_after);
  EXPECT(deliver(early, "<14>1 - host lifecycle - - - before the swap"), "(c) message before the swap lost");
  pthread_mutex_lock(&rx.mutex);
  EXPECT(strcmp(rx.opened_fp, client2->sha256) == 0, "(c) conn_peer_fingerprint %s, want %s", rx.opened_fp,
         client2->sha256);
  EXPECT(rx.opened_not_after == client2->not_after, "(c) conn_peer_not_after %lld, want %lld", rx.opened_not_after,
         client2->not_after);
  pthread_mutex_unlock(&rx.mutex);

  /* a client pinning the new certificate is refused before the swap ... */
  if (!ok_or_say(syslogtls_client_new(&pinned, c_pin), "client_new")) goto out;
  rc = connect_to(pinned, srv);
  EXPECT(rc == SYSLOGTLS_E_PEER_REJECTED && syslogtls_client_last_reason(pinned) == SYSLOGTLS_REASON_FINGERPRINT_MISMATCH,
         "(c) pinned client before the swap: %s (%s), want a fingerprint mismatch", syslogtls_strerror(rc),
         syslogtls_reason_name(syslogtls_client_last_reason(pinned)));

  /* ... the swap (the caller's handle goes at once: the server holds its own) */
  EXPECT(ok_or_say(syslogtls_server_set_tls_config(srv, s_new), "server_set_tls_config"), "(c) swap failed");
  syslogtls_tls_config_free(s_new);
  s_new = NULL;

  /* ... the early session is undisturbed ... */
  EXPECT(syslogtls_client_check(early) == SYSLOGTLS_OK, "(c) the early session was disturbed by the swap");
  EXPECT(deliver(early, "<14>1 - host lifecycle - - - after the swap, old session"),
         "(c) message of the early session after the swap lost");

  /* ... and the pinned client is accepted now */
  rc = connect_to(pinned, srv);
  EXPECT(rc == SYSLOGTLS_OK, "(c) pinned client after the swap: %s: %s", syslogtls_strerror(rc), syslogtls_errmsg());
  if (rc == SYSLOGTLS_OK) {
    EXPECT(strcmp(syslogtls_client_peer_fingerprint(pinned), new_srv->sha256) == 0,
           "(c) pinned client sees %s, want %s", syslogtls_client_peer_fingerprint(pinned), new_srv->sha256);
    EXPECT(syslogtls_client_peer_not_after(pinned) == new_srv->not_after, "(c) client_peer_not_after %lld, want %lld",
           (long long)syslogtls_client_peer_not_after(pinned), new_srv->not_after);
    EXPECT(deliver(pinned, "<14>1 - host lifecycle - - - new session"), "(c) message of the new session lost");
  }
  EXPECT(deliver(early, "<14>1 - host lifecycle - - - old session still"), "(c) early session lost a later message");
  syslogtls_client_close(pinned, 2000);
  syslogtls_client_close(early, 2000);
  printf("(c) swap: old session kept, pinned client refused before and accepted after\n");
out:
  syslogtls_client_free(pinned);
  syslogtls_client_free(early);
  syslogtls_server_free(plain);
  syslogtls_server_free(srv);
  syslogtls_tls_config_free(unloaded);
  syslogtls_tls_config_free(c_pin);
  syslogtls_tls_config_free(c_name);
  syslogtls_tls_config_free(s_new);
  syslogtls_tls_config_free(s_old);
}

/* ---- (d) swaps from another thread while clients connect ------------ */

struct swapper {
  syslogtls_server *srv;
  syslogtls_tls_config *cfg[2];
  pthread_mutex_t mutex;
  int stop;        /* set by main when its connects are done */
  unsigned swaps;  /* swaps done */
  unsigned errors; /* swaps that failed */
  int last;        /* index of the config set last */
};

static void *swap_loop(void *arg) {
  struct swapper *sw = arg;
  const struct timespec pace = {0, 200000};
  unsigned i;
  for (i = 0;; ++i) {
    int stop;
    pthread_mutex_lock(&sw->mutex);
    stop = sw->stop && sw->swaps >= SWAPS;
    pthread_mutex_unlock(&sw->mutex);
    if (stop) break;
    if (syslogtls_server_set_tls_config(sw->srv, sw->cfg[i % 2]) != SYSLOGTLS_OK) {
      pthread_mutex_lock(&sw->mutex);
      sw->errors++;
      pthread_mutex_unlock(&sw->mutex);
    }
    pthread_mutex_lock(&sw->mutex);
    sw->swaps++;
    sw->last = (int)(i % 2);
    pthread_mutex_unlock(&sw->mutex);
    nanosleep(&pace, NULL);  /* pacing only, so the swaps spread over the connects */
  }
  return NULL;
}

static void swap_stress(const struct facts *f0, const struct facts *f1) {
  struct swapper sw;
  syslogtls_tls_config *ccfg = config(SYSLOGTLS_ROLE_CLIENT, "client2", SYSLOGTLS_AUTH_X509_CERTVALID, NULL, NULL);
  syslogtls_client *cl = NULL;
  pthread_t t;
  unsigned i, ok = 0, saw[2] = {0, 0};
  unsigned frames;
  memset(&sw, 0, sizeof sw);
  pthread_mutex_init(&sw.mutex, NULL);
  sw.cfg[0] = config(SYSLOGTLS_ROLE_SERVER, "server", SYSLOGTLS_AUTH_X509_CERTVALID, NULL, NULL);
  sw.cfg[1] = config(SYSLOGTLS_ROLE_SERVER, "idn", SYSLOGTLS_AUTH_X509_CERTVALID, NULL, NULL);
  sw.srv = sw.cfg[0] ? server(sw.cfg[0]) : NULL;
  EXPECT(sw.srv != NULL && sw.cfg[1] != NULL && ccfg != NULL, "(d) set-up");
  if (sw.srv == NULL || sw.cfg[1] == NULL || ccfg == NULL) goto out;
  frames = count_now(&rx.frames);
  if (pthread_create(&t, NULL, swap_loop, &sw) != 0) {
    EXPECT(0, "(d) cannot start the swapping thread");
    goto out;
  }
  for (i = 0; i < CONNECTS; ++i) {
    const char *fp;
    if (!ok_or_say(syslogtls_client_new(&cl, ccfg), "client_new")) break;
    if (ok_or_say(connect_to(cl, sw.srv), "(d) connect during swaps") && send_msg(cl, "<14>1 - host lifecycle - - - x")) {
      ok++;
      fp = syslogtls_client_peer_fingerprint(cl);
      if (strcmp(fp, f0->sha256) == 0) saw[0]++;
      if (strcmp(fp, f1->sha256) == 0) saw[1]++;
    }
    syslogtls_client_close(cl, 2000);
    syslogtls_client_free(cl);
    cl = NULL;
  }
  pthread_mutex_lock(&sw.mutex);
  sw.stop = 1;
  pthread_mutex_unlock(&sw.mutex);
  pthread_join(t, NULL);
  EXPECT(ok == CONNECTS, "(d) %u of %u connects succeeded during swaps", ok, CONNECTS);
  EXPECT(saw[0] + saw[1] == ok, "(d) %u sessions presented a certificate of neither config", ok - saw[0] - saw[1]);
  EXPECT(sw.swaps >= SWAPS && sw.errors == 0, "(d) %u swaps, %u failed", sw.swaps, sw.errors);
  EXPECT(wait_count(&rx.frames, frames + ok), "(d) the server received %u of %u messages",
         count_now(&rx.frames) - frames, ok);
  /* after the last swap, a new session uses the config set last */
  if (ok_or_say(syslogtls_client_new(&cl, ccfg), "client_new") && ok_or_say(connect_to(cl, sw.srv), "(d) last connect")) {
    const char *want = sw.last == 0 ? f0->sha256 : f1->sha256;
    EXPECT(strcmp(syslogtls_client_peer_fingerprint(cl), want) == 0, "(d) after the swaps the server presents %s, want %s",
           syslogtls_client_peer_fingerprint(cl), want);
  }
  printf("(d) %u swaps during %u connects (old certificate %u times, new %u times)\n", sw.swaps, ok, saw[0], saw[1]);
out:
  syslogtls_client_free(cl);
  syslogtls_server_free(sw.srv);
  syslogtls_tls_config_free(sw.cfg[0]);
  syslogtls_tls_config_free(sw.cfg[1]);
  syslogtls_tls_config_free(ccfg);
  pthread_mutex_destroy(&sw.mutex);
}

int main(int argc, char **argv) {
  struct facts client, client2, srv_old, srv_new;
  if (argc == 3 && strcmp(argv[1], "facts") == 0) return print_facts(argv[2]);
  if (argc != 3 || strcmp(argv[1], "run") != 0) {
    fprintf(stderr, "usage: %s facts FILE | run DIR\n", argv[0]);
    return 2;
  }
  snprintf(dir, sizeof dir, "%s", argv[2]);
  pthread_mutex_init(&rx.mutex, NULL);
  pthread_cond_init(&rx.cond, NULL);
  if (!facts_of("client-cert.pem", &client) || !facts_of("client2-cert.pem", &client2) ||
      !facts_of("server-cert.pem", &srv_old) || !facts_of("idn-cert.pem", &srv_new))
    return 1;
  revoked_client(&client);
  revoked_server(&srv_old);
  swap_semantics(&srv_old, &srv_new, &client2);
  swap_stress(&srv_old, &srv_new);
  pthread_cond_destroy(&rx.cond);
  pthread_mutex_destroy(&rx.mutex);
  printf("%s\n", failures == 0 ? "PASS" : "FAIL");
  return failures == 0 ? 0 : 1;
}
