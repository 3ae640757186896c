/* capi_loopback.c - end-to-end check of the public C API alone: a TLS
 * server and client on loopback move 1000 octet-counted messages, which must
 * all arrive exactly once and in order.
 *
 * Usage: capi_loopback CA SERVER_CERT SERVER_KEY CLIENT_CERT CLIENT_KEY [CLIENT_NAME]
 * Exit 0 only when every message arrived; 1 otherwise.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "syslogtls.h"

#define N_MESSAGES 1000
#define BATCH 100
#define WAIT_SECONDS 30

struct receiver {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  unsigned received;   /* frames that matched the next expected message */
  unsigned errors;     /* frames out of order, duplicated or altered */
  int closed;          /* on_close seen */
  char first[3][128];  /* the first three messages, for the report */
  char version[32];
  char cipher[64];
  char subject[256];
  char peer[64];
  char cn[128];          /* syslogtls_conn_peer_cn */
  char issuer[256];      /* syslogtls_conn_peer_issuer */
  char san[256];         /* syslogtls_conn_peer_san */
  char fingerprint[128]; /* syslogtls_conn_peer_fingerprint */
  char hostname[128];    /* syslogtls_conn_peer_hostname */
  int name_matches;      /* syslogtls_conn_peer_name_matches of the CN */
  int other_matches;     /* the same for a name the certificate lacks */
  uint64_t conn_id;    /* syslogtls_conn_id of the session */
};

static void format_message(unsigned i, char *out, size_t cap) {
  snprintf(out, cap, "<14>1 2026-01-01T00:00:00Z capi-host capi_loopback - - - message %u of %u", i + 1,
           N_MESSAGES);
}

static void copy_text(char *dst, size_t cap, const char *src) {
  strncpy(dst, src, cap - 1);
  dst[cap - 1] = '\0';
}

static int on_open(syslogtls_conn *conn, void *user) {
  struct receiver *r = user;
  pthread_mutex_lock(&r->mutex);
  copy_text(r->version, sizeof r->version, syslogtls_conn_tls_version(conn));
  copy_text(r->cipher, sizeof r->cipher, syslogtls_conn_cipher(conn));
  copy_text(r->subject, sizeof r->subject, syslogtls_conn_peer_subject(conn));
  snprintf(r->peer, sizeof r->peer, "%s:%u", syslogtls_conn_peer_ip(conn), syslogtls_conn_peer_port(conn));
  copy_text(r->cn, sizeof r->cn, syslogtls_conn_peer_cn(conn));
  copy_text(r->issuer, sizeof r->issuer, syslogtls_conn_peer_issuer(conn));
  copy_text(r->san, sizeof r->san, syslogtls_conn_peer_san(conn));
  copy_text(r->fingerprint, sizeof r->fingerprint, syslogtls_conn_peer_fingerprint(conn));
  copy_text(r->hostname, sizeof r->hostname, syslogtls_conn_peer_hostname(conn));
  r->name_matches = syslogtls_conn_peer_name_matches(conn, r->cn);
  r->other_matches = syslogtls_conn_peer_name_matches(conn, "not-in-the.certificate");
  pthread_mutex_unlock(&r->mutex);
  return 0;
}

static int on_frames(syslogtls_conn *conn, const syslogtls_frame *frames, size_t n, void *user) {
  struct receiver *r = user;
  char expected[128];
  size_t i;
  pthread_mutex_lock(&r->mutex);
  r->conn_id = syslogtls_conn_id(conn);
  for (i = 0; i < n; ++i) {
    format_message(r->received, expected, sizeof expected);
    if (r->received < N_MESSAGES && frames[i].len == strlen(expected) &&
        memcmp(frames[i].data, expected, frames[i].len) == 0) {
      if (r->received < 3) {
        memcpy(r->first[r->received], frames[i].data, frames[i].len);
        r->first[r->received][frames[i].len] = '\0';
      }
      r->received++;
    } else {
      if (r->errors < 5) {
        fprintf(stderr, "unexpected frame after %u good ones: '%.*s'\n", r->received, (int)frames[i].len,
                frames[i].data);
      }
      r->errors++;
    }
  }
  pthread_cond_broadcast(&r->cond);
  pthread_mutex_unlock(&r->mutex);
  return SYSLOGTLS_FRAMES_CONTINUE;
}

static void on_close(syslogtls_conn *conn, void *user) {
  struct receiver *r = user;
  (void)conn;
  pthread_mutex_lock(&r->mutex);
  r->closed = 1;
  pthread_cond_broadcast(&r->cond);
  pthread_mutex_unlock(&r->mutex);
}

static void on_log(const syslogtls_event *ev, void *user) {
  (void)user;
  fprintf(stderr, "server event (kind %d, level %d, code %d, reason '%s', peer '%s':%u): %s\n", ev->kind, ev->level,
          ev->code, syslogtls_reason_name(ev->reason), ev->peer_ip, ev->peer_port, ev->text);
}

static int check(int rc, const char *what) {
  if (rc != SYSLOGTLS_OK) {
    fprintf(stderr, "%s failed: %s: %s\n", what, syslogtls_strerror(rc), syslogtls_errmsg());
    return 0;
  }
  return 1;
}

static syslogtls_tls_config *make_config(int role, const char *ca, const char *cert, const char *key,
                                         const char *permitted) {
  syslogtls_tls_config *cfg = NULL;
  if (!check(syslogtls_tls_config_new(&cfg, role), "tls_config_new")) return NULL;
  if (check(syslogtls_tls_config_set_ca_file(cfg, ca), "set_ca_file") &&
      check(syslogtls_tls_config_set_cert_file(cfg, cert), "set_cert_file") &&
      check(syslogtls_tls_config_set_key_file(cfg, key), "set_key_file") &&
      check(syslogtls_tls_config_set_auth_mode(cfg, SYSLOGTLS_AUTH_X509_NAME), "set_auth_mode") &&
      (permitted == NULL || check(syslogtls_tls_config_add_permitted_peer(cfg, permitted), "add_permitted_peer")) &&
      check(syslogtls_tls_config_load(cfg), "tls_config_load")) {
    return cfg;
  }
  syslogtls_tls_config_free(cfg);
  return NULL;
}

/* Waits until the receiver has all messages (or an error); 1 on success. */
static int wait_for_all(struct receiver *r) {
  struct timespec until;
  int ok;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += WAIT_SECONDS;
  pthread_mutex_lock(&r->mutex);
  while (r->received + r->errors < N_MESSAGES) {
    if (pthread_cond_timedwait(&r->cond, &r->mutex, &until) == ETIMEDOUT) break;
  }
  ok = r->received == N_MESSAGES && r->errors == 0;
  pthread_mutex_unlock(&r->mutex);
  return ok;
}

int main(int argc, char **argv) {
  struct receiver r;
  syslogtls_tls_config *scfg = NULL, *ccfg = NULL;
  syslogtls_server *srv = NULL;
  syslogtls_client *cl = NULL;
  syslogtls_server_callbacks cb;
  static char batch[BATCH * 160];
  char msg[128];
  unsigned i, port;
  int ok = 0;
  const char *client_name;

  if (argc < 6) {
    fprintf(stderr, "usage: %s CA SERVER_CERT SERVER_KEY CLIENT_CERT CLIENT_KEY [CLIENT_NAME]\n", argv[0]);
    return 2;
  }
  client_name = argc > 6 ? argv[6] : "client.example.net";
  memset(&r, 0, sizeof r);
  pthread_mutex_init(&r.mutex, NULL);
  pthread_cond_init(&r.cond, NULL);
  printf("libsyslogtls %s\n", syslogtls_version());
  if (strcmp(syslogtls_version(), SYSLOGTLS_VERSION_STRING) != 0) {
    printf("FAIL: syslogtls_version() differs from SYSLOGTLS_VERSION_STRING\n");
    return 1;
  }
  {
    char small[4];
    size_t need = 0;
    if (syslogtls_frame_encode(SYSLOGTLS_FRAMING_OCTET_COUNTED, "hello", 5, small, sizeof small, &need, NULL) !=
            SYSLOGTLS_E_SPACE ||
        need != 7 ||
        syslogtls_frame_encode(SYSLOGTLS_FRAMING_OCTET_COUNTED, "", 0, small, sizeof small, &need, NULL) !=
            SYSLOGTLS_E_FRAME) {
      printf("FAIL: frame_encode does not report SYSLOGTLS_E_SPACE / SYSLOGTLS_E_FRAME\n");
      return 1;
    }
  }

  scfg = make_config(SYSLOGTLS_ROLE_SERVER, argv[1], argv[2], argv[3], client_name);
  ccfg = make_config(SYSLOGTLS_ROLE_CLIENT, argv[1], argv[4], argv[5], NULL);
  if (scfg == NULL || ccfg == NULL) goto out;

  memset(&cb, 0, sizeof cb);
  cb.on_open = on_open;
  cb.on_frames = on_frames;
  cb.on_close = on_close;
  cb.log = on_log;
  if (!check(syslogtls_server_new(&srv, scfg), "server_new") ||
      !check(syslogtls_server_set_address(srv, "127.0.0.1", 0), "server_set_address") ||
      !check(syslogtls_server_set_framing(srv, SYSLOGTLS_FRAMING_OCTET_COUNTED), "server_set_framing") ||
      !check(syslogtls_server_set_session_log(srv, 0), "server_set_session_log") ||
      !check(syslogtls_server_set_callbacks(srv, &cb, &r), "server_set_callbacks") ||
      !check(syslogtls_server_listen(srv), "server_listen") ||
      !check(syslogtls_server_start(srv), "server_start")) {
    goto out;
  }
  port = syslogtls_server_port(srv);
  printf("server listening on 127.0.0.1:%u\n", port);

  if (!check(syslogtls_client_new(&cl, ccfg), "client_new") ||
      !check(syslogtls_client_connect(cl, "127.0.0.1", port, "localhost", 5000), "client_connect")) {
    goto out;
  }
  printf("client connected to %s:%u, server certificate '%s', %s (%s)\n", syslogtls_client_peer_ip(cl),
         syslogtls_client_peer_port(cl), syslogtls_client_peer_subject(cl), syslogtls_client_tls_version(cl),
         syslogtls_client_cipher(cl));

  for (i = 0; i < N_MESSAGES;) {
    size_t used = 0;
    unsigned j;
    for (j = 0; j < BATCH && i < N_MESSAGES; ++j, ++i) {
      size_t n = 0;
      format_message(i, msg, sizeof msg);
      if (!check(syslogtls_frame_encode(SYSLOGTLS_FRAMING_OCTET_COUNTED, msg, strlen(msg), batch + used,
                                        sizeof batch - used, &n, NULL),
                 "frame_encode"))
        goto out;
      used += n;
    }
    if (!check(syslogtls_client_send(cl, batch, used, 5000), "client_send")) goto out;
  }
  if (!check(syslogtls_client_check(cl), "client_check")) goto out;

  ok = wait_for_all(&r);
  if (syslogtls_client_last_reason(cl) != SYSLOGTLS_REASON_NONE) {
    printf("client_last_reason after success: %s\n", syslogtls_reason_name(syslogtls_client_last_reason(cl)));
    ok = 0;
  }
  check(syslogtls_client_close(cl, 2000), "client_close");
  if (!check(syslogtls_server_stop(srv, 2000), "server_stop")) ok = 0;

  pthread_mutex_lock(&r.mutex);
  printf("received %u/%u messages over %s (%s) from %s, client subject '%s'\n", r.received, N_MESSAGES,
         r.version, r.cipher, r.peer, r.subject);
  printf("client identity: CN '%s', issuer '%s', SAN '%s', hostname '%s', fingerprint %s\n", r.cn, r.issuer, r.san,
         r.hostname, r.fingerprint);
  if (strcmp(r.cn, client_name) != 0 || strcmp(r.hostname, client_name) != 0 || strstr(r.san, client_name) == NULL ||
      strncmp(r.fingerprint, "SHA256:", 7) != 0 || strlen(r.fingerprint) != 7 + 32 * 3 - 1 ||
      strncmp(r.issuer, "CN=", 3) != 0 || r.name_matches != 1 || r.other_matches != 0) {
    printf("connection identity accessors disagree with the client certificate (CN %s)\n", client_name);
    ok = 0;
  }
  for (i = 0; i < 3 && i < r.received; ++i) printf("  message %u: %s\n", i + 1, r.first[i]);
  if (r.errors != 0) printf("%u frames were unexpected\n", r.errors);
  if (!r.closed) {
    printf("on_close was not called\n");
    ok = 0;
  }
  pthread_mutex_unlock(&r.mutex);
  printf("server counters: opened %llu, closed %llu, frames %llu, bytes %llu\n",
         (unsigned long long)*syslogtls_server_counter(srv, SYSLOGTLS_CTR_SESSIONS_OPENED),
         (unsigned long long)*syslogtls_server_counter(srv, SYSLOGTLS_CTR_SESSIONS_CLOSED),
         (unsigned long long)*syslogtls_server_counter(srv, SYSLOGTLS_CTR_FRAMES_RECEIVED),
         (unsigned long long)*syslogtls_server_counter(srv, SYSLOGTLS_CTR_BYTES_RECEIVED));
  if (*syslogtls_server_counter(srv, SYSLOGTLS_CTR_FRAMES_RECEIVED) != N_MESSAGES) ok = 0;
  if (r.conn_id == 0 || syslogtls_server_resume(srv, r.conn_id) != SYSLOGTLS_E_STATE) {
    printf("resume of a closed session did not return SYSLOGTLS_E_STATE\n");
    ok = 0;
  }

out:
  syslogtls_client_free(cl);
  syslogtls_server_free(srv);
  syslogtls_tls_config_free(ccfg);
  syslogtls_tls_config_free(scfg);
  pthread_cond_destroy(&r.cond);
  pthread_mutex_destroy(&r.mutex);
  printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
