/* syslogtls.h - the public C contract of libsyslogtls.
 *
 * libsyslogtls moves syslog messages over TLS (RFC 5425) or plain TCP
 * (RFC 6587): TLS credentials and peer verification on GnuTLS, the framing
 * codec, a multi-threaded receiving server and a blocking sender with
 * timeouts. It knows nothing of rsyslog; any C99 or C++ program may use it.
 *
 * Conventions
 *  - Every name is prefixed syslogtls_ / SYSLOGTLS_. Handles are opaque.
 *  - Functions returning int return SYSLOGTLS_OK (0) or a negative
 *    SYSLOGTLS_E_* code. syslogtls_strerror() names a code;
 *    syslogtls_errmsg() gives the detailed text of the last failure of a call
 *    made on the calling thread (thread-local, valid until the next call into
 *    the library on that thread).
 *  - No C++ exception ever crosses this boundary; out of memory is reported
 *    as SYSLOGTLS_E_NOMEM.
 *  - Strings are NUL-terminated UTF-8 unless a length is given. Strings the
 *    library returns stay owned by the library; each function says how long
 *    they live.
 */
#ifndef SYSLOGTLS_H
#define SYSLOGTLS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(SYSLOGTLS_STATIC_BUILD)
#define SYSLOGTLS_API __attribute__((visibility("default")))
#else
#define SYSLOGTLS_API
#endif

/* ---------------------------------------------------------------------- */
/* Version                                                                */

#define SYSLOGTLS_VERSION_MAJOR 0
#define SYSLOGTLS_VERSION_MINOR 1
#define SYSLOGTLS_VERSION_PATCH 0
#define SYSLOGTLS_VERSION_STRING "0.1.0"

/* The library's version string ("0.1.0"); static storage. */
SYSLOGTLS_API const char *syslogtls_version(void);

/* ---------------------------------------------------------------------- */
/* Error codes. Three classes: we rejected the peer (PEER_REJECTED,
 * FRAME, LIMIT), the peer rejected us (REJECTED_BY_PEER), and we or the
 * environment broke (everything else).                                    */

#define SYSLOGTLS_OK 0
#define SYSLOGTLS_E_INVAL -1            /* invalid argument or setting value */
#define SYSLOGTLS_E_NOMEM -2            /* out of memory */
#define SYSLOGTLS_E_INTERNAL -3         /* bug or unexpected library failure */
#define SYSLOGTLS_E_IO -4               /* socket or system call failure */
#define SYSLOGTLS_E_FILE -5             /* file missing, unreadable or not valid PEM */
#define SYSLOGTLS_E_AGAIN -6            /* would block; retry when ready */
#define SYSLOGTLS_E_TIMEOUT -7          /* a timeout expired */
#define SYSLOGTLS_E_CLOSED -8           /* peer closed (close_notify or EOF) */
#define SYSLOGTLS_E_PEER_REJECTED -9    /* we refused the peer (certificate, name, pin) */
#define SYSLOGTLS_E_REJECTED_BY_PEER -10 /* the peer refused us (alert received) */
#define SYSLOGTLS_E_TLS -11             /* TLS protocol error (not a TLS peer, bad record) */
#define SYSLOGTLS_E_FRAME -12           /* invalid syslog frame */
#define SYSLOGTLS_E_ADDR -13            /* address cannot be resolved or bound */
#define SYSLOGTLS_E_CONNECT -14         /* connection refused or unreachable */
#define SYSLOGTLS_E_LIMIT -15           /* a configured limit was reached */
#define SYSLOGTLS_E_STATE -16           /* call not valid in the object's current state */
#define SYSLOGTLS_E_ABORTED -17         /* aborted through the caller's abort flag */

/* Short constant name of a code ("peer rejected"); static storage.
 * Unknown codes give "unknown error". */
SYSLOGTLS_API const char *syslogtls_strerror(int code);

/* Detailed text of the last failing call on this thread ("" if none).
 * Valid until the next call into the library on the same thread. */
SYSLOGTLS_API const char *syslogtls_errmsg(void);

/* ---------------------------------------------------------------------- */
/* Logging. Asynchronous events (sessions opened, peers refused, bad frames)
 * are reported through a callback registered per object.
 *  - level: syslog severity (SYSLOGTLS_LOG_*).
 *  - code: the SYSLOGTLS_E_* code behind the event, 0 for information.
 *  - msg: complete text in words, naming peer IP:port and the certificate
 *    subject where there is one. Valid only during the call.
 * Thread: called on the thread that detected the event (a server event-loop
 * thread, or the thread calling into a client). It must not call back into
 * the object that reports the event. The callback and user pointer must stay
 * valid until the object is freed.                                         */

#define SYSLOGTLS_LOG_ERR 3
#define SYSLOGTLS_LOG_WARNING 4
#define SYSLOGTLS_LOG_NOTICE 5
#define SYSLOGTLS_LOG_INFO 6
#define SYSLOGTLS_LOG_DEBUG 7

typedef void (*syslogtls_log_fn)(int level, int code, const char *msg, void *user);

/* ---------------------------------------------------------------------- */
/* TLS configuration: credentials, priorities and peer policy. Build it on
 * one thread, then syslogtls_tls_config_load(); after that it is immutable
 * and may be shared by any number of servers and clients, on any threads.
 * Objects using it keep their own reference: it may be freed after them or
 * before them.                                                             */

typedef struct syslogtls_tls_config syslogtls_tls_config;

#define SYSLOGTLS_ROLE_SERVER 0 /* receiver: TLS server (RFC 5425) */
#define SYSLOGTLS_ROLE_CLIENT 1 /* sender: TLS client */

#define SYSLOGTLS_AUTH_ANON 0            /* no certificate checks (loud warning) */
#define SYSLOGTLS_AUTH_X509_CERTVALID 1  /* chain to the configured CA */
#define SYSLOGTLS_AUTH_X509_NAME 2       /* chain + permitted peer names */
#define SYSLOGTLS_AUTH_X509_FINGERPRINT 3 /* certificate pinned by fingerprint */

/* Default priority string: TLS 1.2 and 1.3 only; forward-secret ECDHE key
 * exchange and AEAD ciphers only (no static RSA, no CBC, no SHA-1 MAC). */
#define SYSLOGTLS_DEFAULT_PRIORITY                                          \
  "SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-RSA:-DHE-RSA:-CIPHER-ALL:" \
  "+AES-256-GCM:+CHACHA20-POLY1305:+AES-128-GCM:-MAC-ALL:+AEAD:%SERVER_PRECEDENCE"

SYSLOGTLS_API int syslogtls_tls_config_new(syslogtls_tls_config **out, int role);
SYSLOGTLS_API void syslogtls_tls_config_free(syslogtls_tls_config *cfg);

/* "anon", "x509/certvalid", "x509/name", "x509/fingerprint"
 * (case-insensitive) -> SYSLOGTLS_AUTH_*. SYSLOGTLS_E_INVAL if unknown. */
SYSLOGTLS_API int syslogtls_auth_mode_parse(const char *text, int *mode);

/* Paths are read by syslogtls_tls_config_load(). */
SYSLOGTLS_API int syslogtls_tls_config_set_ca_file(syslogtls_tls_config *cfg, const char *path);
SYSLOGTLS_API int syslogtls_tls_config_set_cert_file(syslogtls_tls_config *cfg, const char *path);
SYSLOGTLS_API int syslogtls_tls_config_set_key_file(syslogtls_tls_config *cfg, const char *path);
/* NULL = SYSLOGTLS_DEFAULT_PRIORITY. Checked by _load(). */
SYSLOGTLS_API int syslogtls_tls_config_set_priority(syslogtls_tls_config *cfg, const char *priority);
SYSLOGTLS_API int syslogtls_tls_config_set_auth_mode(syslogtls_tls_config *cfg, int mode);
/* A permitted peer: a DNS name, a wildcard ("*.example.com": '*' only as
 * the whole left-most label, one label), an IP address, or a fingerprint
 * ("SHA256:AA:BB:..", "SHA1:..", also "sha-256:"/"sha-1:"). Call once per
 * entry. SYSLOGTLS_E_INVAL for a malformed fingerprint or wildcard. */
SYSLOGTLS_API int syslogtls_tls_config_add_permitted_peer(syslogtls_tls_config *cfg, const char *peer);
/* Handshake timeout in milliseconds (default 10000; 0 = none). */
SYSLOGTLS_API int syslogtls_tls_config_set_handshake_timeout(syslogtls_tls_config *cfg, unsigned ms);

/* Reads the files, checks the priority string and the policy (x509 modes
 * need a CA file, except fingerprint; a server needs cert and key; cert and
 * key must be given together; x509/fingerprint needs at least one pin).
 * Returns SYSLOGTLS_E_FILE / SYSLOGTLS_E_INVAL with syslogtls_errmsg()
 * naming the file or setting and the reason. */
SYSLOGTLS_API int syslogtls_tls_config_load(syslogtls_tls_config *cfg);

/* ---------------------------------------------------------------------- */
/* Framing (RFC 5425 octet counting, RFC 6587 LF termination).             */

#define SYSLOGTLS_FRAMING_AUTO 0         /* per frame: leading digit = octet-counted */
#define SYSLOGTLS_FRAMING_OCTET_COUNTED 1
#define SYSLOGTLS_FRAMING_LF 2

#define SYSLOGTLS_OVERSIZE_TRUNCATE 0 /* keep the first max bytes, skip the rest */
#define SYSLOGTLS_OVERSIZE_DISCARD 1  /* drop the whole frame */
#define SYSLOGTLS_OVERSIZE_CLOSE 2    /* error: the session is closed */

/* Frame flags */
#define SYSLOGTLS_FRAME_TRUNCATED 0x1u /* frame was cut to the maximum size */

typedef struct syslogtls_frame {
  const char *data; /* message bytes, without framing; not NUL-terminated */
  size_t len;
  unsigned flags; /* SYSLOGTLS_FRAME_* */
} syslogtls_frame;

/* "auto", "octet-counted", "lf" -> SYSLOGTLS_FRAMING_*;
 * "truncate", "discard", "close" -> SYSLOGTLS_OVERSIZE_* (case-insensitive). */
SYSLOGTLS_API int syslogtls_framing_parse(const char *text, int *framing);
SYSLOGTLS_API int syslogtls_oversize_parse(const char *text, int *mode);

/* Encodes one message into out (capacity cap). Returns the encoded length;
 * if it is larger than cap nothing is written (call again with a larger
 * buffer). Octet-counted: "LEN SP MSG". LF: MSG followed by LF, with every
 * LF inside MSG replaced by a space (*lf_replaced, if not NULL, is set to
 * 1 when that happened). framing must be OCTET_COUNTED or LF.
 * Returns 0 on error (bad framing value, NULL msg with len > 0, an empty
 * message in octet-counted framing, whose count 0 is invalid); the reason
 * is in syslogtls_errmsg(). */
SYSLOGTLS_API size_t syslogtls_frame_encode(int framing, const char *msg, size_t len,
                                            char *out, size_t cap, int *lf_replaced);

typedef struct syslogtls_decoder syslogtls_decoder;

SYSLOGTLS_API int syslogtls_decoder_new(syslogtls_decoder **out, int framing,
                                        size_t max_frame, int oversize_mode);
SYSLOGTLS_API void syslogtls_decoder_free(syslogtls_decoder *dec);

/* Called once per complete frame; the data is valid only during the call.
 * Return 0 to continue, non-zero to stop decoding: feed then returns that
 * value and the rest of that buffer is dropped. */
typedef int (*syslogtls_frame_fn)(const syslogtls_frame *frame, void *user);

/* Feeds bytes; calls fn for every frame completed. Returns 0, the callback's
 * non-zero value, or SYSLOGTLS_E_FRAME (syslogtls_errmsg() says why:
 * bad octet count, oversize in close mode). After an error the decoder
 * stays in error. */
SYSLOGTLS_API int syslogtls_decoder_feed(syslogtls_decoder *dec, const void *buf, size_t len,
                                         syslogtls_frame_fn fn, void *user);
/* End of stream: SYSLOGTLS_E_FRAME if a frame was left incomplete. */
SYSLOGTLS_API int syslogtls_decoder_finish(syslogtls_decoder *dec);

/* ---------------------------------------------------------------------- */
/* Server: listens on one address, accepts, handshakes and decodes on its
 * own event-loop threads (every signal blocked in them), and hands batches
 * of frames to the on_frames callback.                                    */

typedef struct syslogtls_server syslogtls_server;
/* One accepted connection, as seen from callbacks. Valid from on_open to
 * on_close of that connection; only on the server's threads. */
typedef struct syslogtls_conn syslogtls_conn;

typedef struct syslogtls_server_callbacks {
  /* A session passed the handshake and peer checks. Return 0 to accept it,
   * non-zero to close it. May be NULL. */
  int (*on_open)(syslogtls_conn *conn, void *user);
  /* Frames decoded from one read of one connection, in order. The frame
   * data are valid only during the call. Required. */
  void (*on_frames)(syslogtls_conn *conn, const syslogtls_frame *frames, size_t n, void *user);
  /* The connection is gone (after on_open). May be NULL. */
  void (*on_close)(syslogtls_conn *conn, void *user);
  syslogtls_log_fn log; /* may be NULL */
} syslogtls_server_callbacks;

/* Connection accessors (strings valid until on_close returns). */
SYSLOGTLS_API const char *syslogtls_conn_peer_ip(const syslogtls_conn *conn);
SYSLOGTLS_API unsigned syslogtls_conn_peer_port(const syslogtls_conn *conn);
/* Certificate subject DN of the peer, "" if none was presented. */
SYSLOGTLS_API const char *syslogtls_conn_peer_subject(const syslogtls_conn *conn);
/* "TLS1.3", cipher suite name; "" for plaintext. */
SYSLOGTLS_API const char *syslogtls_conn_tls_version(const syslogtls_conn *conn);
SYSLOGTLS_API const char *syslogtls_conn_cipher(const syslogtls_conn *conn);
/* One pointer of user data per connection (NULL at first). */
SYSLOGTLS_API void syslogtls_conn_set_userdata(syslogtls_conn *conn, void *data);
SYSLOGTLS_API void *syslogtls_conn_userdata(const syslogtls_conn *conn);

/* Server counters (monotonic uint64_t, updated with relaxed atomics). */
#define SYSLOGTLS_CTR_SESSIONS_OPENED 0
#define SYSLOGTLS_CTR_SESSIONS_CLOSED 1
#define SYSLOGTLS_CTR_SESSIONS_REFUSED 2
#define SYSLOGTLS_CTR_HANDSHAKE_FAILED 3
#define SYSLOGTLS_CTR_FRAMES_OVERSIZE 4
#define SYSLOGTLS_CTR_FRAMES_INVALID 5
#define SYSLOGTLS_CTR_BYTES_RECEIVED 6
#define SYSLOGTLS_CTR_FRAMES_RECEIVED 7
#define SYSLOGTLS_CTR_DRAIN_TIMEOUT 8 /* sessions still sending when the stop bound expired */
#define SYSLOGTLS_CTR_COUNT 9

/* tls == NULL means plaintext TCP. The server keeps its own reference. */
SYSLOGTLS_API int syslogtls_server_new(syslogtls_server **out, syslogtls_tls_config *tls);
SYSLOGTLS_API void syslogtls_server_free(syslogtls_server *srv); /* stops it first */

/* Settings (before syslogtls_server_listen). address NULL or "" = all
 * addresses (IPv6 wildcard with IPv4 mapped, else 0.0.0.0); port 0 =
 * ephemeral. */
SYSLOGTLS_API int syslogtls_server_set_address(syslogtls_server *srv, const char *address, unsigned port);
SYSLOGTLS_API int syslogtls_server_set_framing(syslogtls_server *srv, int framing);
SYSLOGTLS_API int syslogtls_server_set_max_frame(syslogtls_server *srv, size_t max_frame, int oversize_mode);
SYSLOGTLS_API int syslogtls_server_set_max_sessions(syslogtls_server *srv, unsigned max_sessions);
SYSLOGTLS_API int syslogtls_server_set_idle_timeout(syslogtls_server *srv, unsigned seconds); /* 0 = off */
SYSLOGTLS_API int syslogtls_server_set_keepalive(syslogtls_server *srv, int on);
SYSLOGTLS_API int syslogtls_server_set_threads(syslogtls_server *srv, unsigned threads); /* 0 = auto */
/* Log each accepted session at INFO through the log callback (default on). */
SYSLOGTLS_API int syslogtls_server_set_session_log(syslogtls_server *srv, int on);
/* cb is copied. user is passed to every callback. */
SYSLOGTLS_API int syslogtls_server_set_callbacks(syslogtls_server *srv, const syslogtls_server_callbacks *cb, void *user);

/* Binds and listens (call from any one thread). SYSLOGTLS_E_ADDR with the
 * reason in syslogtls_errmsg() if the address cannot be bound. */
SYSLOGTLS_API int syslogtls_server_listen(syslogtls_server *srv);
/* The bound port (after listen). */
SYSLOGTLS_API unsigned syslogtls_server_port(const syslogtls_server *srv);
/* Starts the event-loop threads. */
SYSLOGTLS_API int syslogtls_server_start(syslogtls_server *srv);
/* Graceful stop: stops accepting, sends close_notify on every session, then
 * keeps reading and delivering what senders had already written until each
 * sender closes or drain_ms expires; then closes everything and joins all
 * threads. Sessions cut by the bound are counted (SYSLOGTLS_CTR_DRAIN_TIMEOUT)
 * and logged. Idempotent. Not from a callback. */
SYSLOGTLS_API int syslogtls_server_stop(syslogtls_server *srv, unsigned drain_ms);

/* Pointer to a counter, valid until syslogtls_server_free (for stats
 * systems that read counters through a pointer). NULL for a bad id. */
SYSLOGTLS_API const uint64_t *syslogtls_server_counter(const syslogtls_server *srv, int id);
/* Number of sessions currently open. */
SYSLOGTLS_API unsigned syslogtls_server_sessions(const syslogtls_server *srv);

/* ---------------------------------------------------------------------- */
/* Client: one connection to one receiver, driven by the calling thread with
 * bounded waits (for an rsyslog action worker). Not thread-safe: one
 * thread at a time per client.                                            */

typedef struct syslogtls_client syslogtls_client;

/* tls == NULL means plaintext TCP. */
SYSLOGTLS_API int syslogtls_client_new(syslogtls_client **out, syslogtls_tls_config *tls);
SYSLOGTLS_API void syslogtls_client_free(syslogtls_client *cl); /* closes without waiting */
SYSLOGTLS_API int syslogtls_client_set_log(syslogtls_client *cl, syslogtls_log_fn log, void *user);
/* While *flag is non-zero every wait returns SYSLOGTLS_E_ABORTED. The int
 * must outlive its use; NULL removes it. */
SYSLOGTLS_API int syslogtls_client_set_abort_flag(syslogtls_client *cl, const volatile int *flag);
SYSLOGTLS_API int syslogtls_client_set_keepalive(syslogtls_client *cl, int on);
/* Optional source address to bind before connecting (tests, multi-homed hosts). */
SYSLOGTLS_API int syslogtls_client_set_source(syslogtls_client *cl, const char *address);

/* Resolves host, connects within connect_timeout_ms, then does the TLS
 * handshake within the config's handshake timeout and checks the server.
 * server_name: SNI and the name the certificate must match when the
 * config's auth mode is x509/name and no permitted peer is configured;
 * NULL = host. No SNI is sent when it is an IP address (RFC 6066); the
 * certificate is then matched against its IP SANs.
 * Returns SYSLOGTLS_E_CONNECT, _ADDR, _TIMEOUT, _PEER_REJECTED,
 * _REJECTED_BY_PEER, _TLS, _ABORTED with the text in syslogtls_errmsg()
 * (target, resolved IP:port, server certificate subject, reason). */
SYSLOGTLS_API int syslogtls_client_connect(syslogtls_client *cl, const char *host, unsigned port,
                                           const char *server_name, unsigned connect_timeout_ms);
/* Writes all len bytes as TLS records (corked: as few records and syscalls
 * as possible), waiting at most timeout_ms for the socket. Any failure
 * leaves the client disconnected. */
SYSLOGTLS_API int syslogtls_client_send(syslogtls_client *cl, const void *buf, size_t len, unsigned timeout_ms);
/* Non-blocking health check: reads whatever the server sent (TLS 1.3
 * KeyUpdate and tickets are handled; application data is discarded).
 * SYSLOGTLS_OK if the connection is usable, SYSLOGTLS_E_CLOSED if the
 * server sent close_notify or FIN (the client is then disconnected),
 * SYSLOGTLS_E_STATE if not connected. */
SYSLOGTLS_API int syslogtls_client_check(syslogtls_client *cl);
/* Sends close_notify, waits at most timeout_ms for the peer's, closes. */
SYSLOGTLS_API int syslogtls_client_close(syslogtls_client *cl, unsigned timeout_ms);
SYSLOGTLS_API int syslogtls_client_is_connected(const syslogtls_client *cl);

/* Strings valid until the next connect/close/free. */
SYSLOGTLS_API const char *syslogtls_client_peer_ip(const syslogtls_client *cl);
SYSLOGTLS_API unsigned syslogtls_client_peer_port(const syslogtls_client *cl);
SYSLOGTLS_API const char *syslogtls_client_peer_subject(const syslogtls_client *cl);
SYSLOGTLS_API const char *syslogtls_client_tls_version(const syslogtls_client *cl);
SYSLOGTLS_API const char *syslogtls_client_cipher(const syslogtls_client *cl);

#ifdef __cplusplus
}
#endif

#endif /* SYSLOGTLS_H */
