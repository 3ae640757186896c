// capi_net.cpp - the C API of the server, its connections and the client:
// thin forwarders behind the exception firewall.
#include <strings.h>

#include <memory>
#include <string>
#include <string_view>

#include "capi_tls.hpp"
#include "client.hpp"
#include "error.hpp"
#include "idna.hpp"
#include "peer_verify.hpp"
#include "server.hpp"
#include "syslogtls.h"

struct syslogtls_server {
  std::unique_ptr<syslogtls::Server> rep;
};

struct syslogtls_client {
  std::unique_ptr<syslogtls::Client> rep;
};

using syslogtls::Error;
using syslogtls::guarded;

namespace {

template <typename T>
T* need(T* p, const char* what) {
  if (p == nullptr) throw Error(SYSLOGTLS_E_INVAL, std::string(what) + " is NULL");
  return p;
}

std::shared_ptr<const syslogtls::TlsConfig> config_of(const syslogtls_tls_config* cfg) {
  if (cfg == nullptr) return nullptr;  // plaintext
  return syslogtls::loaded_config(cfg);
}

const syslogtls::ServerSession* session(const syslogtls_conn* conn) {
  return static_cast<const syslogtls::ServerSession*>(conn);
}

}  // namespace

extern "C" {

/* ---- server ---- */

int syslogtls_server_new(syslogtls_server** out, syslogtls_tls_config* tls) {
  return guarded([&] {
    need(out, "out");
    *out = nullptr;
    auto srv = std::make_unique<syslogtls_server>();
    srv->rep = std::make_unique<syslogtls::Server>(config_of(tls));
    *out = srv.release();
    return SYSLOGTLS_OK;
  });
}

void syslogtls_server_free(syslogtls_server* srv) { delete srv; }

int syslogtls_server_set_tls_config(syslogtls_server* srv, syslogtls_tls_config* tls) {
  return guarded([&] {
    need(srv, "server");
    need(tls, "TLS configuration");
    srv->rep->set_tls(syslogtls::loaded_config(tls));
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_set_address(syslogtls_server* srv, const char* address, unsigned port) {
  return guarded([&] {
    if (port > 65535) throw Error(SYSLOGTLS_E_INVAL, "port " + std::to_string(port) + " out of range");
    auto& s = need(srv, "server")->rep->settings();
    s.address = address != nullptr ? address : "";
    s.port = port;
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_set_framing(syslogtls_server* srv, int framing) {
  return guarded([&] {
    if (framing != SYSLOGTLS_FRAMING_AUTO && framing != SYSLOGTLS_FRAMING_OCTET_COUNTED &&
        framing != SYSLOGTLS_FRAMING_LF) {
      throw Error(SYSLOGTLS_E_INVAL, "unknown framing " + std::to_string(framing));
    }
    need(srv, "server")->rep->settings().framing = framing;
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_set_max_frame(syslogtls_server* srv, size_t max_frame, int oversize_mode) {
  return guarded([&] {
    if (max_frame == 0) throw Error(SYSLOGTLS_E_INVAL, "maximum frame size must be greater than 0");
    if (oversize_mode != SYSLOGTLS_OVERSIZE_TRUNCATE && oversize_mode != SYSLOGTLS_OVERSIZE_DISCARD &&
        oversize_mode != SYSLOGTLS_OVERSIZE_CLOSE) {
      throw Error(SYSLOGTLS_E_INVAL, "unknown oversize mode " + std::to_string(oversize_mode));
    }
    auto& s = need(srv, "server")->rep->settings();
    s.max_frame = max_frame;
    s.oversize = oversize_mode;
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_set_max_sessions(syslogtls_server* srv, unsigned max_sessions) {
  return guarded([&] {
    need(srv, "server")->rep->settings().max_sessions = max_sessions;
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_set_max_pending_handshakes(syslogtls_server* srv, unsigned max_pending) {
  return guarded([&] {
    need(srv, "server")->rep->settings().max_pending = max_pending;
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_set_max_sessions_per_peer(syslogtls_server* srv, unsigned max_per_peer) {
  return guarded([&] {
    need(srv, "server")->rep->settings().max_per_peer = max_per_peer;
    return SYSLOGTLS_OK;
  });
}

int syslogtls_proxy_mode_parse(const char* text, int* mode) {
  return guarded([&] {
    need(mode, "mode");
    if (text == nullptr) throw Error(SYSLOGTLS_E_INVAL, "PROXY protocol mode is NULL");
    static const struct {
      const char* name;
      int mode;
    } names[] = {{"off", SYSLOGTLS_PROXY_OFF}, {"v1", SYSLOGTLS_PROXY_V1}, {"v2", SYSLOGTLS_PROXY_V2},
                 {"any", SYSLOGTLS_PROXY_ANY}};
    for (const auto& n : names) {
      if (strcasecmp(text, n.name) == 0) {
        *mode = n.mode;
        return SYSLOGTLS_OK;
      }
    }
    throw Error(SYSLOGTLS_E_INVAL, std::string("unknown PROXY protocol mode '") + text + "' (expected off, v1, v2, any)");
  });
}

int syslogtls_proxy_source_check(const char* source) {
  return guarded([&] {
    need(source, "source");
    syslogtls::AddressRange r;
    std::string err;
    if (!syslogtls::parse_address_range(source, &r, &err)) throw Error(SYSLOGTLS_E_INVAL, err);
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_set_proxy_protocol(syslogtls_server* srv, int mode) {
  return guarded([&] {
    if (mode < SYSLOGTLS_PROXY_OFF || mode > SYSLOGTLS_PROXY_ANY)
      throw Error(SYSLOGTLS_E_INVAL, "PROXY protocol mode " + std::to_string(mode) + " is not a SYSLOGTLS_PROXY_* value");
    need(srv, "server")->rep->settings().proxy_versions = static_cast<unsigned>(mode);
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_add_proxy_trusted_source(syslogtls_server* srv, const char* source) {
  return guarded([&] {
    need(source, "source");
    syslogtls::ServerSettings& s = need(srv, "server")->rep->settings();
    syslogtls::AddressRange r;
    std::string err;
    if (!syslogtls::parse_address_range(source, &r, &err)) throw Error(SYSLOGTLS_E_INVAL, "trusted source " + err);
    s.proxy_trusted.push_back(r);
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_set_backlog(syslogtls_server* srv, unsigned backlog) {
  return guarded([&] {
    if (backlog < 1 || backlog > 65535) throw Error(SYSLOGTLS_E_INVAL, "listen backlog out of range (1-65535)");
    need(srv, "server")->rep->settings().backlog = backlog;
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_set_idle_timeout(syslogtls_server* srv, unsigned seconds) {
  return guarded([&] {
    need(srv, "server")->rep->settings().idle_timeout_s = seconds;
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_set_keepalive(syslogtls_server* srv, int on) {
  return guarded([&] {
    need(srv, "server")->rep->settings().keepalive = on != 0;
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_set_threads(syslogtls_server* srv, unsigned threads) {
  return guarded([&] {
    if (threads > 256) throw Error(SYSLOGTLS_E_INVAL, "at most 256 server threads");
    need(srv, "server")->rep->settings().threads = threads;
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_set_session_log(syslogtls_server* srv, int on) {
  return guarded([&] {
    need(srv, "server")->rep->settings().session_log = on != 0;
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_set_callbacks(syslogtls_server* srv, const syslogtls_server_callbacks* cb, void* user) {
  return guarded([&] {
    need(cb, "callbacks");
    if (cb->on_frames == nullptr) throw Error(SYSLOGTLS_E_INVAL, "server callbacks: on_frames is required");
    auto& s = need(srv, "server")->rep->settings();
    s.cb = *cb;
    s.user = user;
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_listen(syslogtls_server* srv) {
  return guarded([&] {
    need(srv, "server")->rep->listen();
    return SYSLOGTLS_OK;
  });
}

unsigned syslogtls_server_port(const syslogtls_server* srv) { return srv != nullptr ? srv->rep->port() : 0; }

int syslogtls_server_start(syslogtls_server* srv) {
  return guarded([&] {
    need(srv, "server")->rep->start();
    return SYSLOGTLS_OK;
  });
}

int syslogtls_server_stop(syslogtls_server* srv, unsigned drain_ms) {
  return guarded([&] {
    need(srv, "server")->rep->stop(drain_ms);
    return SYSLOGTLS_OK;
  });
}

const uint64_t* syslogtls_server_counter(const syslogtls_server* srv, int id) {
  return srv != nullptr ? srv->rep->counter(id) : nullptr;
}

unsigned syslogtls_server_sessions(const syslogtls_server* srv) { return srv != nullptr ? srv->rep->sessions() : 0; }

int syslogtls_server_resume(syslogtls_server* srv, uint64_t conn_id) {
  return guarded([&] {
    need(srv, "server")->rep->resume(conn_id);
    return SYSLOGTLS_OK;
  });
}

/* ---- connections (server callbacks) ---- */

const char* syslogtls_conn_peer_ip(const syslogtls_conn* conn) { return conn ? session(conn)->ip.c_str() : ""; }
unsigned syslogtls_conn_peer_port(const syslogtls_conn* conn) { return conn ? session(conn)->port : 0; }
const char* syslogtls_conn_peer_subject(const syslogtls_conn* conn) {
  return conn ? session(conn)->subject.c_str() : "";
}
const char* syslogtls_conn_proxy_ip(const syslogtls_conn* conn) { return conn ? session(conn)->proxy_ip.c_str() : ""; }
unsigned syslogtls_conn_proxy_port(const syslogtls_conn* conn) { return conn ? session(conn)->proxy_port : 0; }
const char* syslogtls_conn_tls_version(const syslogtls_conn* conn) {
  return conn ? session(conn)->version.c_str() : "";
}
const char* syslogtls_conn_cipher(const syslogtls_conn* conn) { return conn ? session(conn)->cipher.c_str() : ""; }
const char* syslogtls_conn_peer_cn(const syslogtls_conn* conn) {
  return conn ? session(conn)->identity.cn.c_str() : "";
}
const char* syslogtls_conn_peer_issuer(const syslogtls_conn* conn) {
  return conn ? session(conn)->identity.issuer.c_str() : "";
}
const char* syslogtls_conn_peer_san(const syslogtls_conn* conn) {
  return conn ? session(conn)->identity.san.c_str() : "";
}
const char* syslogtls_conn_peer_fingerprint(const syslogtls_conn* conn) {
  return conn ? session(conn)->identity.fingerprint.c_str() : "";
}
const char* syslogtls_conn_peer_hostname(const syslogtls_conn* conn) {
  return conn ? session(conn)->identity.hostname.c_str() : "";
}
int64_t syslogtls_conn_peer_not_after(const syslogtls_conn* conn) {
  return conn ? session(conn)->identity.not_after : 0;
}
int syslogtls_conn_peer_name_matches(const syslogtls_conn* conn, const char* name) {
  if (conn == nullptr || name == nullptr || *name == '\0') return 0;
  const syslogtls::ServerSession* s = session(conn);
  if (!s->identity.present) return 0;
  try {
    std::string_view claimed(name);
    std::string ascii, reason;
    if (!syslogtls::is_ascii(claimed)) {
      if (!syslogtls::to_alabel(claimed, &ascii, &reason)) return 0;
      claimed = ascii;
    }
    return syslogtls::peer::claimed_name_matches(s->identity.names, claimed, s->accept_wildcards) ? 1 : 0;
  } catch (...) {
    return 0;  // out of memory: no match rather than an exception across the C boundary
  }
}
void syslogtls_conn_set_userdata(syslogtls_conn* conn, void* data) {
  if (conn != nullptr) static_cast<syslogtls::ServerSession*>(conn)->userdata = data;
}
void* syslogtls_conn_userdata(const syslogtls_conn* conn) { return conn ? session(conn)->userdata : nullptr; }
uint64_t syslogtls_conn_id(const syslogtls_conn* conn) { return conn ? session(conn)->id : 0; }

/* ---- client ---- */

int syslogtls_client_new(syslogtls_client** out, syslogtls_tls_config* tls) {
  return guarded([&] {
    need(out, "out");
    *out = nullptr;
    auto cl = std::make_unique<syslogtls_client>();
    cl->rep = std::make_unique<syslogtls::Client>(config_of(tls));
    *out = cl.release();
    return SYSLOGTLS_OK;
  });
}

void syslogtls_client_free(syslogtls_client* cl) { delete cl; }

int syslogtls_client_set_log(syslogtls_client* cl, syslogtls_log_fn log, void* user) {
  return guarded([&] {
    need(cl, "client")->rep->set_log(syslogtls::LogSink{log, user});
    return SYSLOGTLS_OK;
  });
}

int syslogtls_client_set_abort_flag(syslogtls_client* cl, const volatile int* flag) {
  return guarded([&] {
    need(cl, "client")->rep->set_abort_flag(flag);
    return SYSLOGTLS_OK;
  });
}

int syslogtls_client_set_keepalive(syslogtls_client* cl, int on) {
  return guarded([&] {
    need(cl, "client")->rep->set_keepalive(on != 0);
    return SYSLOGTLS_OK;
  });
}

int syslogtls_client_set_source(syslogtls_client* cl, const char* address) {
  return guarded([&] {
    need(cl, "client")->rep->set_source(address != nullptr ? address : "");
    return SYSLOGTLS_OK;
  });
}

int syslogtls_client_connect(syslogtls_client* cl, const char* host, unsigned port, const char* server_name,
                             unsigned connect_timeout_ms) {
  return guarded([&] {
    need(cl, "client")->rep->connect(need(host, "host"), port, server_name != nullptr ? server_name : "",
                                     connect_timeout_ms);
    return SYSLOGTLS_OK;
  });
}

int syslogtls_client_send(syslogtls_client* cl, const void* buf, size_t len, unsigned timeout_ms) {
  return guarded([&] {
    if (buf == nullptr && len != 0) throw Error(SYSLOGTLS_E_INVAL, "buffer is NULL");
    need(cl, "client")->rep->send(buf, len, timeout_ms);
    return SYSLOGTLS_OK;
  });
}

int syslogtls_client_check(syslogtls_client* cl) {
  return guarded([&] { return need(cl, "client")->rep->check(); });
}

int syslogtls_client_close(syslogtls_client* cl, unsigned timeout_ms) {
  return guarded([&] {
    need(cl, "client")->rep->close(timeout_ms);
    return SYSLOGTLS_OK;
  });
}

int syslogtls_client_is_connected(const syslogtls_client* cl) { return cl != nullptr && cl->rep->connected(); }

int syslogtls_client_last_reason(const syslogtls_client* cl) {
  return cl != nullptr ? cl->rep->last_reason() : SYSLOGTLS_REASON_NONE;
}

const char* syslogtls_client_peer_ip(const syslogtls_client* cl) { return cl ? cl->rep->peer_ip().c_str() : ""; }
unsigned syslogtls_client_peer_port(const syslogtls_client* cl) { return cl ? cl->rep->peer_port() : 0; }
const char* syslogtls_client_peer_subject(const syslogtls_client* cl) {
  return cl ? cl->rep->peer_subject().c_str() : "";
}
const char* syslogtls_client_tls_version(const syslogtls_client* cl) {
  return cl ? cl->rep->tls_version().c_str() : "";
}
const char* syslogtls_client_cipher(const syslogtls_client* cl) { return cl ? cl->rep->cipher().c_str() : ""; }
const char* syslogtls_client_peer_fingerprint(const syslogtls_client* cl) {
  return cl ? cl->rep->peer_identity().fingerprint.c_str() : "";
}
int syslogtls_client_resumed(const syslogtls_client* cl) { return cl && cl->rep->resumed() ? 1 : 0; }

int64_t syslogtls_client_peer_not_after(const syslogtls_client* cl) {
  return cl ? cl->rep->peer_identity().not_after : 0;
}

}  // extern "C"
