// tls_session_test.cpp - in-memory client<->server TLS handshakes and records
// through a non-blocking in-memory Transport pair, failures included.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "cert_list.hpp"
#include "error.hpp"
#include "test_certs.hpp"
#include "test_pki.hpp"
#include "tls_session.hpp"
#include "verify_cache.hpp"
#include "x509_facts.hpp"

using syslogtls::Io;
using syslogtls::PeerInfo;
using syslogtls::TlsConfig;
using syslogtls::TlsSession;
using syslogtls::Transport;

namespace {

bool has(const std::string& text, const std::string& words) { return text.find(words) != std::string::npos; }

// One direction of an in-memory connection.
struct Wire {
  std::string bytes;
  bool closed = false;  // writer shut down: EOF once drained
  size_t sent = 0;      // bytes ever written (progress meter)
};

// Non-blocking: recv says EAGAIN when nothing is buffered; send says EAGAIN
// while `blocked`, and moves at most `max_send` bytes per call.
class MemTransport final : public Transport {
 public:
  MemTransport(Wire& in, Wire& out) : in_(in), out_(out) {}
  ssize_t recv(void* buf, size_t len) override {
    if (fail_recv) {
      errno = ECONNRESET;
      return -1;
    }
    if (in_.bytes.empty()) {
      if (in_.closed) return 0;
      errno = EAGAIN;
      return -1;
    }
    size_t n = std::min(len, in_.bytes.size());
    std::memcpy(buf, in_.bytes.data(), n);
    in_.bytes.erase(0, n);
    return static_cast<ssize_t>(n);
  }
  ssize_t send(const void* buf, size_t len) override {
    if (blocked) {
      errno = EAGAIN;
      return -1;
    }
    size_t n = std::min(len, max_send);
    out_.bytes.append(static_cast<const char*>(buf), n);
    out_.sent += n;
    return static_cast<ssize_t>(n);
  }
  bool blocked = false;
  bool fail_recv = false;
  size_t max_send = static_cast<size_t>(-1);

 private:
  Wire& in_;
  Wire& out_;
};

struct Side {
  std::string ca, cert, key, priority, crl;
  int mode = SYSLOGTLS_AUTH_X509_CERTVALID;
  std::vector<std::string> peers;
  bool wildcards = true;  // tls.acceptWildcardCertificates
};

std::shared_ptr<const TlsConfig> make_config(int role, const Side& s) {
  auto cfg = std::make_shared<TlsConfig>(role);
  if (!s.ca.empty()) cfg->set_ca_file(s.ca);
  if (!s.cert.empty()) cfg->set_cert_file(s.cert);
  if (!s.key.empty()) cfg->set_key_file(s.key);
  if (!s.crl.empty()) cfg->set_crl_file(s.crl);
  cfg->set_priority(s.priority);
  cfg->set_auth_mode(s.mode);
  for (const auto& p : s.peers) cfg->add_permitted_peer(p);
  cfg->set_accept_wildcard_certificates(s.wildcards);
  cfg->load();
  return cfg;
}

bool terminal(Io io) { return io == Io::done || io == Io::failed; }

// A client and a server joined by two wires.
struct Link {
  Wire c2s, s2c;
  MemTransport ct{s2c, c2s};
  MemTransport st{c2s, s2c};
  std::unique_ptr<TlsSession> client, server;
  Io cio = Io::want_write, sio = Io::want_read;

  Link(const Side& c, const Side& s, const std::string& server_name = "server.example.net") {
    client = std::make_unique<TlsSession>(make_config(SYSLOGTLS_ROLE_CLIENT, c), ct,
                                          PeerInfo{"127.0.0.1", 6514, server_name});
    server = std::make_unique<TlsSession>(make_config(SYSLOGTLS_ROLE_SERVER, s), st,
                                          PeerInfo{"127.0.0.1", 40000, ""});
  }

  // Over given configs (resumption: the same configs again), the client
  // offering resume data.
  Link(std::shared_ptr<const TlsConfig> ccfg, std::shared_ptr<const TlsConfig> scfg, const std::string& resume) {
    client = std::make_unique<TlsSession>(std::move(ccfg), ct, PeerInfo{"127.0.0.1", 6514, "server.example.net"});
    server = std::make_unique<TlsSession>(std::move(scfg), st, PeerInfo{"127.0.0.1", 40000, ""});
    if (!resume.empty()) client->set_resume_data(resume);
  }

  // Steps both handshakes until both are done or failed, or nothing moves.
  void handshake() {
    for (int round = 0; round < 1000; ++round) {
      size_t before = c2s.sent + s2c.sent;
      Io c0 = cio, s0 = sio;
      if (!terminal(cio)) cio = client->handshake();
      if (!terminal(sio)) sio = server->handshake();
      if (terminal(cio) && terminal(sio)) return;
      if (round > 0 && c0 == cio && s0 == sio && before == c2s.sent + s2c.sent) return;
    }
  }

  // Sends all of data from one session, reads it on the other.
  static std::string transfer(TlsSession& from, TlsSession& to, const std::string& data) {
    size_t off = 0;
    for (int i = 0; i < 100 && off < data.size(); ++i) {
      size_t n = 0;
      Io io = from.write(data.data() + off, data.size() - off, &n);
      if (io == Io::failed) return "write failed: " + from.error_text();
      off += n;
    }
    std::string got;
    char buf[4096];
    for (int i = 0; i < 100 && got.size() < data.size(); ++i) {
      size_t n = 0;
      Io io = to.read(buf, sizeof buf, &n);
      if (io == Io::done) got.append(buf, n);
      else break;
    }
    return got;
  }

  // Reads on s until something other than want_read (or nothing moves).
  static Io read_until(TlsSession& s, std::string* got) {
    char buf[4096];
    for (int i = 0; i < 16; ++i) {
      size_t n = 0;
      Io io = s.read(buf, sizeof buf, &n);
      if (io == Io::done) {
        got->append(buf, n);
        continue;
      }
      return io;
    }
    return Io::want_read;
  }
};

// The shared PKI; the server here presents CN=server.example.net.
struct Pki : testpki::Pki {

  Side client_side(int mode = SYSLOGTLS_AUTH_X509_NAME) const {
    Side s;
    s.ca = ca.cert_file();
    s.cert = client.cert;
    s.key = client.key;
    s.mode = mode;
    return s;
  }
  Side server_side(int mode = SYSLOGTLS_AUTH_X509_CERTVALID) const {
    Side s;
    s.ca = ca.cert_file();
    s.cert = named_server.cert;
    s.key = named_server.key;
    s.mode = mode;
    return s;
  }
};

// The facts of the first certificate of a PEM file.
syslogtls::CertFacts facts_of(const std::string& pem_file) { return syslogtls::CertList(pem_file).certs().at(0); }

}  // namespace

TEST_CASE_FIXTURE(Pki, "handshake succeeds, data flows both ways, names are reported") {
  Link l(client_side(), server_side());
  l.handshake();
  REQUIRE_MESSAGE(l.cio == Io::done, l.client->error_text());
  REQUIRE_MESSAGE(l.sio == Io::done, l.server->error_text());
  CHECK(l.client->handshake_done());
  const std::string v = l.client->tls_version();
  CHECK((v == "TLS1.3" || v == "TLS1.2"));
  CHECK(l.server->tls_version() == v);
  CHECK_FALSE(l.client->cipher().empty());
  CHECK(l.client->cipher() == l.server->cipher());
  CHECK(l.client->peer_subject() == "CN=server.example.net");
  CHECK(l.server->peer_subject() == "CN=client.example.net");
  CHECK(l.server->requested_server_name() == "server.example.net");
  CHECK(l.client->error_code() == 0);
  CHECK(Link::transfer(*l.client, *l.server, "<13>1 - host app - - - hello\n") ==
        "<13>1 - host app - - - hello\n");
  std::string big(100000, 'x');
  CHECK(Link::transfer(*l.server, *l.client, big) == big);
  CHECK(l.client->handshake() == Io::done);  // idempotent
}

TEST_CASE_FIXTURE(Pki, "TLS 1.2 works when the client allows only TLS 1.2") {
  Side c = client_side();
  c.priority = "SECURE128:-VERS-ALL:+VERS-TLS1.2";
  Link l(c, server_side());
  l.handshake();
  REQUIRE_MESSAGE(l.cio == Io::done, l.client->error_text());
  REQUIRE_MESSAGE(l.sio == Io::done, l.server->error_text());
  CHECK(l.client->tls_version() == "TLS1.2");
  CHECK(has(l.client->cipher(), "GCM"));
  CHECK(Link::transfer(*l.client, *l.server, "ping") == "ping");
}

TEST_CASE_FIXTURE(Pki, "wrong CA: the client refuses the server, the server hears the alert") {
  testcerts::Ca other(dir, "other CA");
  Side c = client_side(SYSLOGTLS_AUTH_X509_CERTVALID);
  c.ca = other.cert_file();
  Link l(c, server_side());
  l.handshake();
  CHECK(l.cio == Io::failed);
  CHECK(l.client->error_code() == SYSLOGTLS_E_PEER_REJECTED);
  CHECK(has(l.client->error_text(),
            "peer 127.0.0.1:6514 (subject 'CN=server.example.net') refused: certificate not trusted: "
            "issuer not found among the configured CA certificates"));
  CHECK(l.client->error_reason() == SYSLOGTLS_REASON_UNTRUSTED);
  CHECK(l.sio == Io::failed);
  CHECK(l.server->error_code() == SYSLOGTLS_E_REJECTED_BY_PEER);
  CHECK(l.server->error_reason() == SYSLOGTLS_REASON_REJECTED_BY_PEER);
  // the client refused before sending its certificate: no subject known
  CHECK(l.server->error_text() ==
        "peer 127.0.0.1:40000 rejected us: TLS alert 'Certificate is bad' (the peer does not accept our certificate)");
}

TEST_CASE_FIXTURE(Pki, "wrong CA on the server side: a client certificate from another CA") {
  testcerts::Ca other(dir, "other CA");
  auto rogue = other.issue({"rogue"});
  Side c = client_side(SYSLOGTLS_AUTH_X509_NAME);
  c.cert = rogue.cert;
  c.key = rogue.key;
  Link l(c, server_side());
  l.handshake();
  CHECK(l.sio == Io::failed);
  CHECK(l.server->error_code() == SYSLOGTLS_E_PEER_REJECTED);
  CHECK(l.server->error_text() ==
        "peer 127.0.0.1:40000 (subject 'CN=rogue') refused: certificate not trusted: issuer not found among "
        "the configured CA certificates ('" + ca.cert_file() + "')");
  CHECK(l.server->error_reason() == SYSLOGTLS_REASON_UNTRUSTED);
  CHECK(l.server->peer_subject() == "CN=rogue");
  // TLS 1.3: the client finished first and learns it on its next read
  std::string got;
  Io io = l.cio == Io::done ? Link::read_until(*l.client, &got) : l.cio;
  CHECK(io == Io::failed);
  CHECK(l.client->error_code() == SYSLOGTLS_E_REJECTED_BY_PEER);
  CHECK(l.client->error_reason() == SYSLOGTLS_REASON_REJECTED_BY_PEER);
  CHECK(has(l.client->error_text(), "rejected us: TLS alert"));
}

TEST_CASE_FIXTURE(Pki, "wrong name: the client checks the target name") {
  Link l(client_side(), server_side(), "other.example.net");
  l.handshake();
  CHECK(l.cio == Io::failed);
  CHECK(l.client->error_code() == SYSLOGTLS_E_PEER_REJECTED);
  CHECK(has(l.client->error_text(),
            "refused: name mismatch: certificate names [DNS:server.example.net, IP:127.0.0.1, IP:::1] "
            "match none of the permitted peers [other.example.net]"));
  CHECK(l.client->error_reason() == SYSLOGTLS_REASON_NAME_MISMATCH);
}

TEST_CASE_FIXTURE(Pki, "client: an IP target is matched against IP SANs and sends no SNI") {
  Link ok(client_side(), server_side(), "127.0.0.1");
  ok.handshake();
  CHECK_MESSAGE(ok.cio == Io::done, ok.client->error_text());
  CHECK(ok.server->requested_server_name().empty());
  Link v6(client_side(), server_side(), "::1");
  v6.handshake();
  CHECK_MESSAGE(v6.cio == Io::done, v6.client->error_text());
  Link bad(client_side(), server_side(), "127.0.0.2");
  bad.handshake();
  CHECK(bad.cio == Io::failed);
  CHECK(has(bad.client->error_text(), "match none of the permitted peers [127.0.0.2]"));
}

TEST_CASE_FIXTURE(Pki, "client: permitted peers replace the target name, wildcards allowed") {
  Side c = client_side();
  c.peers = {"*.example.net"};
  Link l(c, server_side(), "unrelated.example.org");
  l.handshake();
  CHECK_MESSAGE(l.cio == Io::done, l.client->error_text());
}

TEST_CASE_FIXTURE(Pki, "server x509/name: permitted peers, wildcard, mismatch, CN fallback") {
  Side s = server_side(SYSLOGTLS_AUTH_X509_NAME);
  s.peers = {"b.example.net", "*.example.net"};
  Link ok(client_side(), s);
  ok.handshake();
  CHECK_MESSAGE(ok.sio == Io::done, ok.server->error_text());

  s.peers = {"b.example.net"};
  Link bad(client_side(), s);
  bad.handshake();
  CHECK(bad.sio == Io::failed);
  CHECK(bad.server->error_code() == SYSLOGTLS_E_PEER_REJECTED);
  CHECK(bad.server->error_text() ==
        "peer 127.0.0.1:40000 (subject 'CN=client.example.net') refused: name mismatch: certificate names "
        "[DNS:client.example.net] match none of the permitted peers [b.example.net]");
  CHECK(bad.server->error_reason() == SYSLOGTLS_REASON_NAME_MISMATCH);

  auto cn_only = ca.issue({"legacy.example.net"});
  Side c = client_side();
  c.cert = cn_only.cert;
  c.key = cn_only.key;
  s.peers = {"legacy.example.net"};
  Link cn(c, s);
  cn.handshake();
  CHECK_MESSAGE(cn.sio == Io::done, cn.server->error_text());
}

TEST_CASE_FIXTURE(Pki, "server: a wildcard client certificate is refused when wildcards are off") {
  auto wild = ca.issue({"*.clients.example", {"*.clients.example"}, {}});
  Side c = client_side();
  c.cert = wild.cert;
  c.key = wild.key;
  Side s = server_side(SYSLOGTLS_AUTH_X509_NAME);
  s.peers = {"a.clients.example"};
  Link on(c, s);
  on.handshake();
  CHECK_MESSAGE(on.sio == Io::done, on.server->error_text());
  s.wildcards = false;
  Link off(c, s);
  off.handshake();
  CHECK(off.sio == Io::failed);
  CHECK(off.server->error_code() == SYSLOGTLS_E_PEER_REJECTED);
  CHECK(off.server->error_reason() == SYSLOGTLS_REASON_WILDCARD_REFUSED);
  CHECK(off.server->error_text() ==
        "peer 127.0.0.1:40000 (subject 'CN=*.clients.example') refused: wildcard certificate refused: only the "
        "wildcard name '*.clients.example' of the certificate matches the permitted peers [a.clients.example] "
        "(wildcard certificates are not accepted)");
  // an exact name of the same certificate still passes with wildcards off
  auto both = ca.issue({"x", {"*.clients.example", "b.clients.example"}, {}});
  c.cert = both.cert;
  c.key = both.key;
  s.peers = {"b.clients.example"};
  Link exact(c, s);
  exact.handshake();
  CHECK_MESSAGE(exact.sio == Io::done, exact.server->error_text());
}

TEST_CASE_FIXTURE(Pki, "client: a wildcard server certificate is refused when wildcards are off") {
  auto wild = ca.issue({"wild", {"*.example.net"}, {}});
  Side s = server_side();
  s.cert = wild.cert;
  s.key = wild.key;
  Link on(client_side(), s, "logs.example.net");
  on.handshake();
  CHECK_MESSAGE(on.cio == Io::done, on.client->error_text());
  Side c = client_side();
  c.wildcards = false;
  Link off(c, s, "logs.example.net");
  off.handshake();
  CHECK(off.cio == Io::failed);
  CHECK(off.client->error_reason() == SYSLOGTLS_REASON_WILDCARD_REFUSED);
  CHECK(has(off.client->error_text(), "refused: wildcard certificate refused: only the wildcard name "
                                      "'*.example.net' of the certificate matches the permitted peers "
                                      "[logs.example.net]"));
}

TEST_CASE_FIXTURE(Pki, "IDN: a U-label permitted peer matches the A-label certificate") {
  auto idn = ca.issue({"xn--bcher-kva.example", {"xn--bcher-kva.example"}, {}});
  auto other = ca.issue({"buecher.example", {"buecher.example"}, {}});
  Side c = client_side();
  c.cert = idn.cert;
  c.key = idn.key;
  Side s = server_side(SYSLOGTLS_AUTH_X509_NAME);
  s.peers = {"bücher.example"};
  Link ok(c, s);
  ok.handshake();
  CHECK_MESSAGE(ok.sio == Io::done, ok.server->error_text());
  c.cert = other.cert;
  c.key = other.key;
  Link bad(c, s);
  bad.handshake();
  CHECK(bad.sio == Io::failed);
  CHECK(bad.server->error_reason() == SYSLOGTLS_REASON_NAME_MISMATCH);
  CHECK(has(bad.server->error_text(), "match none of the permitted peers [xn--bcher-kva.example]"));
}

TEST_CASE_FIXTURE(Pki, "expired and not-yet-valid certificates are refused with their dates") {
  auto old = ca.issue({"server.example.net", {"server.example.net"}, {}, -30, -2});
  Side s = server_side();
  s.cert = old.cert;
  s.key = old.key;
  Link l(client_side(), s);
  l.handshake();
  CHECK(l.cio == Io::failed);
  CHECK(l.client->error_code() == SYSLOGTLS_E_PEER_REJECTED);
  CHECK(l.client->error_text() == "peer 127.0.0.1:6514 (subject 'CN=server.example.net') refused: certificate expired on " +
                                      syslogtls::x509::utc_date(facts_of(old.cert).not_after));
  CHECK(l.client->error_reason() == SYSLOGTLS_REASON_EXPIRED);

  auto future = ca.issue({"client.example.net", {"client.example.net"}, {}, 2, 30});
  Side c = client_side();
  c.cert = future.cert;
  c.key = future.key;
  Link f(c, server_side());
  f.handshake();
  CHECK(f.sio == Io::failed);
  CHECK(f.server->error_code() == SYSLOGTLS_E_PEER_REJECTED);
  CHECK(f.server->error_text() == "peer 127.0.0.1:40000 (subject 'CN=client.example.net') refused: certificate not valid "
                                  "before " + syslogtls::x509::utc_date(facts_of(future.cert).not_before));
  CHECK(f.server->error_reason() == SYSLOGTLS_REASON_NOT_YET_VALID);
}

TEST_CASE_FIXTURE(Pki, "a client without certificate is refused when x509 is required") {
  Side c = client_side(SYSLOGTLS_AUTH_X509_NAME);
  c.cert.clear();
  c.key.clear();
  Link l(c, server_side());
  l.handshake();
  CHECK(l.sio == Io::failed);
  CHECK(l.server->error_code() == SYSLOGTLS_E_PEER_REJECTED);
  CHECK(l.server->error_text() ==
        "peer 127.0.0.1:40000 refused: no client certificate presented (authentication mode \"x509/certvalid\" "
        "requires one; authentication mode \"anon\" accepts clients without certificates)");
  CHECK(l.server->error_reason() == SYSLOGTLS_REASON_NO_CERTIFICATE);
  std::string got;
  Io io = l.cio == Io::done ? Link::read_until(*l.client, &got) : l.cio;
  CHECK(io == Io::failed);
  CHECK(l.client->error_code() == SYSLOGTLS_E_REJECTED_BY_PEER);
  CHECK(has(l.client->error_text(), "peer 127.0.0.1:6514 (subject 'CN=server.example.net') rejected us: TLS alert"));
  CHECK(l.client->error_reason() == SYSLOGTLS_REASON_REJECTED_BY_PEER);
}

TEST_CASE_FIXTURE(Pki, "anon: no client certificate requested, server not verified") {
  auto self = testcerts::self_signed(dir, {"self.example.net"});
  Side s;
  s.cert = self.cert;
  s.key = self.key;
  s.mode = SYSLOGTLS_AUTH_ANON;
  Side c;
  c.mode = SYSLOGTLS_AUTH_ANON;
  Link l(c, s, "whatever.example.org");
  l.handshake();
  REQUIRE_MESSAGE(l.cio == Io::done, l.client->error_text());
  REQUIRE_MESSAGE(l.sio == Io::done, l.server->error_text());
  CHECK(l.server->peer_subject().empty());
  CHECK(l.client->peer_subject() == "CN=self.example.net");
  CHECK(Link::transfer(*l.client, *l.server, "anon data") == "anon data");
}

TEST_CASE_FIXTURE(Pki, "fingerprint: pinned certificates pass without chain, others are refused") {
  auto self_srv = testcerts::self_signed(dir, {"pinned-server"});
  auto self_cli = testcerts::self_signed(dir, {"pinned-client"});
  Side s;
  s.cert = self_srv.cert;
  s.key = self_srv.key;
  s.mode = SYSLOGTLS_AUTH_X509_FINGERPRINT;
  std::string sha1 = self_cli.sha1;  // RFC spelling, lower case
  for (char& ch : sha1) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  s.peers = {"SHA256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
             "sha-1:" + sha1.substr(5)};
  Side c;
  c.cert = self_cli.cert;
  c.key = self_cli.key;
  c.mode = SYSLOGTLS_AUTH_X509_FINGERPRINT;
  c.peers = {self_srv.sha256};
  Link ok(c, s);
  ok.handshake();
  CHECK_MESSAGE(ok.cio == Io::done, ok.client->error_text());
  CHECK_MESSAGE(ok.sio == Io::done, ok.server->error_text());

  c.peers = {self_cli.sha256};  // pins the wrong certificate
  Link bad(c, s);
  bad.handshake();
  CHECK(bad.cio == Io::failed);
  CHECK(bad.client->error_code() == SYSLOGTLS_E_PEER_REJECTED);
  CHECK(bad.client->error_text() == "peer 127.0.0.1:6514 (subject 'CN=pinned-server') refused: fingerprint " +
                                        self_srv.sha256 + " not among the permitted peers");
  CHECK(bad.client->error_reason() == SYSLOGTLS_REASON_FINGERPRINT_MISMATCH);
}

TEST_CASE_FIXTURE(Pki, "a TLS 1.1-only client is refused with a version message") {
  Side c = client_side(SYSLOGTLS_AUTH_ANON);
  c.priority = "NORMAL:-VERS-ALL:+VERS-TLS1.1";
  Link l(c, server_side());
  l.handshake();
  CHECK(l.sio == Io::failed);
  CHECK(l.server->error_code() == SYSLOGTLS_E_TLS);
  CHECK(has(l.server->error_text(), "peer 127.0.0.1:40000: TLS protocol version mismatch"));
  CHECK(l.server->error_reason() == SYSLOGTLS_REASON_TLS_PROTOCOL);
  CHECK(l.cio == Io::failed);
  CHECK(l.client->error_code() == SYSLOGTLS_E_REJECTED_BY_PEER);
  CHECK(has(l.client->error_text(), "version"));
}

TEST_CASE_FIXTURE(Pki, "plaintext syslog sent to the TLS server") {
  Wire in, out;
  MemTransport t(in, out);
  TlsSession srv(make_config(SYSLOGTLS_ROLE_SERVER, server_side()), t, PeerInfo{"127.0.0.1", 40000, ""});
  CHECK(srv.handshake() == Io::want_read);
  in.bytes = "<13>Nov 27 14:00:00 host app: hello\n";
  CHECK(srv.handshake() == Io::failed);
  CHECK(srv.error_code() == SYSLOGTLS_E_TLS);
  CHECK(srv.error_text() == "peer 127.0.0.1:40000: not a TLS handshake (plaintext sent to a TLS port?)");
  CHECK(srv.error_reason() == SYSLOGTLS_REASON_PLAINTEXT);
  CHECK(srv.handshake() == Io::failed);  // stays failed
}

TEST_CASE_FIXTURE(Pki, "a client connected to a plaintext service") {
  Wire in, out;
  MemTransport t(in, out);
  TlsSession cl(make_config(SYSLOGTLS_ROLE_CLIENT, client_side()), t,
                PeerInfo{"127.0.0.1", 25, "server.example.net"});
  CHECK(cl.handshake() == Io::want_read);
  CHECK_FALSE(out.bytes.empty());  // ClientHello
  in.bytes = "220 mail.example.net ESMTP ready\r\n";
  CHECK(cl.handshake() == Io::failed);
  CHECK(cl.error_code() == SYSLOGTLS_E_TLS);
  CHECK(cl.error_text() == "peer 127.0.0.1:25: the server's reply is not TLS (a plaintext port?)");
  CHECK(cl.error_reason() == SYSLOGTLS_REASON_PLAINTEXT);
}

TEST_CASE_FIXTURE(Pki, "handshake: EOF and transport errors") {
  Wire in, out;
  MemTransport t(in, out);
  TlsSession srv(make_config(SYSLOGTLS_ROLE_SERVER, server_side()), t, PeerInfo{"192.0.2.9", 5555, ""});
  in.closed = true;
  CHECK(srv.handshake() == Io::failed);
  CHECK(srv.error_code() == SYSLOGTLS_E_IO);
  CHECK(has(srv.error_text(), "peer 192.0.2.9:5555: connection closed by the peer during the TLS handshake"));
  CHECK(srv.error_reason() == SYSLOGTLS_REASON_CLOSED);

  Wire in2, out2;
  MemTransport t2(in2, out2);
  t2.fail_recv = true;
  TlsSession cl(make_config(SYSLOGTLS_ROLE_CLIENT, client_side()), t2, PeerInfo{"::1", 6514, "server.example.net"});
  CHECK(cl.handshake() == Io::failed);
  CHECK_FALSE(out2.bytes.empty());  // the ClientHello went out before the read failed
  CHECK(cl.error_code() == SYSLOGTLS_E_IO);
  CHECK(has(cl.error_text(), "peer [::1]:6514: receive failed during the TLS handshake: Connection reset by peer"));
  CHECK(cl.error_reason() == SYSLOGTLS_REASON_IO);
}

TEST_CASE_FIXTURE(Pki, "want_write is returned, never spun on, and the handshake resumes") {
  Link l(client_side(), server_side());
  l.ct.blocked = true;
  CHECK(l.client->handshake() == Io::want_write);
  CHECK(l.client->wants_write());
  CHECK(l.c2s.bytes.empty());
  l.ct.blocked = false;
  l.ct.max_send = 37;  // short writes
  l.handshake();
  CHECK_MESSAGE(l.cio == Io::done, l.client->error_text());
  CHECK_MESSAGE(l.sio == Io::done, l.server->error_text());

  // A blocked write is repeated with the same data.
  l.ct.blocked = true;
  const std::string msg = "blocked then sent";
  size_t n = 99;
  CHECK(l.client->write(msg.data(), msg.size(), &n) == Io::want_write);
  CHECK(n == 0);
  l.ct.blocked = false;
  size_t total = 0;
  for (int i = 0; i < 10 && total < msg.size(); ++i) {
    CHECK(l.client->write(msg.data() + total, msg.size() - total, &n) != Io::failed);
    total += n;
  }
  CHECK(total == msg.size());
  std::string got;
  Link::read_until(*l.server, &got);
  CHECK(got == msg);
}

TEST_CASE_FIXTURE(Pki, "cork collects writes, uncork flushes (also after want_write)") {
  Link l(client_side(), server_side());
  l.handshake();
  REQUIRE(l.cio == Io::done);
  REQUIRE(l.sio == Io::done);
  l.client->cork();
  size_t n = 0;
  for (int i = 0; i < 50; ++i) {
    std::string m = "message " + std::to_string(i) + "\n";
    REQUIRE(l.client->write(m.data(), m.size(), &n) == Io::done);
    CHECK(n == m.size());
  }
  CHECK(l.c2s.bytes.empty());  // nothing left yet
  l.ct.blocked = true;
  CHECK(l.client->uncork() == Io::want_write);
  l.ct.blocked = false;
  l.ct.max_send = 100;
  Io io = Io::want_write;
  for (int i = 0; i < 100 && io != Io::done; ++i) io = l.client->uncork();
  CHECK(io == Io::done);
  std::string got;
  Link::read_until(*l.server, &got);
  CHECK(got.size() == 50 * 10 + 40);
  CHECK(has(got, "message 0\nmessage 1\n"));
  CHECK(has(got, "message 49\n"));
}

TEST_CASE_FIXTURE(Pki, "close_notify is seen as a clean close; EOF without it as unclean") {
  Link l(client_side(), server_side());
  l.handshake();
  REQUIRE(l.sio == Io::done);
  CHECK(Link::transfer(*l.client, *l.server, "last words") == "last words");
  CHECK(l.client->bye() == Io::done);
  std::string got;
  CHECK(Link::read_until(*l.server, &got) == Io::closed);
  CHECK(l.server->closed_cleanly());

  Link u(client_side(), server_side());
  u.handshake();
  REQUIRE(u.sio == Io::done);
  u.c2s.closed = true;  // FIN without close_notify
  CHECK(Link::read_until(*u.server, &got) == Io::closed);
  CHECK_FALSE(u.server->closed_cleanly());
}

TEST_CASE_FIXTURE(Pki, "after bye() the session still reads what the peer sends (graceful drain)") {
  Link l(client_side(), server_side());
  l.handshake();
  REQUIRE(l.cio == Io::done);
  REQUIRE(l.sio == Io::done);
  CHECK(l.server->bye() == Io::done);  // server stops first
  // the client keeps sending until it notices
  size_t n = 0;
  CHECK(l.client->write("late 1\n", 7, &n) == Io::done);
  std::string got;
  CHECK(Link::read_until(*l.client, &got) == Io::closed);  // client sees close_notify
  CHECK(l.client->write("late 2\n", 7, &n) == Io::done);  // SHUT_WR on the server only
  CHECK(l.client->bye() == Io::done);
  got.clear();
  CHECK(Link::read_until(*l.server, &got) == Io::closed);
  CHECK(got == "late 1\nlate 2\n");
  CHECK(l.server->closed_cleanly());
}

TEST_CASE_FIXTURE(Pki, "read and write before the handshake are state errors; unloaded config refused") {
  Link l(client_side(), server_side());
  char buf[16];
  size_t n = 0;
  CHECK(l.client->read(buf, sizeof buf, &n) == Io::failed);
  CHECK(l.client->error_code() == SYSLOGTLS_E_STATE);
  auto unloaded = std::make_shared<TlsConfig>(SYSLOGTLS_ROLE_CLIENT);
  Wire a, b;
  MemTransport t(a, b);
  CHECK_THROWS_AS(TlsSession(unloaded, t, PeerInfo{}), syslogtls::Error);
}

TEST_CASE_FIXTURE(Pki, "refusal texts name settings in words, never a module parameter") {
  testcerts::Ca other(dir, "other CA");
  Side c = client_side(SYSLOGTLS_AUTH_X509_CERTVALID);
  c.ca = other.cert_file();
  Link untrusted(c, server_side());
  untrusted.handshake();
  Side nocert = client_side();
  nocert.cert.clear();
  nocert.key.clear();
  Link missing(nocert, server_side());
  missing.handshake();
  for (const std::string& text : {untrusted.client->error_text(), missing.server->error_text()}) {
    CHECK_FALSE(text.empty());
    CHECK_MESSAGE(!has(text, "tls."), text);
  }
}

TEST_CASE_FIXTURE(Pki, "CRL: the server refuses a revoked client by serial, accepts another of the same CA") {
  const std::string serial = facts_of(client.cert).serial;
  REQUIRE(serial.size() > 2);
  Side s = server_side();
  s.crl = ca.crl({client.cert});
  Link l(client_side(), s);
  l.handshake();
  CHECK(l.sio == Io::failed);
  CHECK(l.server->error_code() == SYSLOGTLS_E_PEER_REJECTED);
  CHECK(l.server->error_reason() == SYSLOGTLS_REASON_REVOKED);
  CHECK(l.server->error_text() ==
        "peer 127.0.0.1:40000 (subject 'CN=client.example.net') refused: certificate revoked (serial " + serial + ")");
  std::string got;
  Io io = l.cio == Io::done ? Link::read_until(*l.client, &got) : l.cio;
  CHECK(io == Io::failed);
  CHECK(l.client->error_code() == SYSLOGTLS_E_REJECTED_BY_PEER);

  auto fresh = ca.issue({"fresh.example.net", {"fresh.example.net"}, {}});
  Side c = client_side();
  c.cert = fresh.cert;
  c.key = fresh.key;
  Link ok(c, s);
  ok.handshake();
  REQUIRE_MESSAGE(ok.sio == Io::done, ok.server->error_text());
  REQUIRE_MESSAGE(ok.cio == Io::done, ok.client->error_text());
  CHECK(Link::transfer(*ok.client, *ok.server, "not revoked") == "not revoked");
}

TEST_CASE_FIXTURE(Pki, "CRL: the client refuses a revoked server by serial") {
  Side c = client_side();
  c.crl = ca.crl({named_server.cert, server.cert});
  Link l(c, server_side());
  l.handshake();
  CHECK(l.cio == Io::failed);
  CHECK(l.client->error_code() == SYSLOGTLS_E_PEER_REJECTED);
  CHECK(l.client->error_reason() == SYSLOGTLS_REASON_REVOKED);
  CHECK(l.client->error_text() == "peer 127.0.0.1:6514 (subject 'CN=server.example.net') refused: certificate revoked "
                                  "(serial " + facts_of(named_server.cert).serial + ")");
  CHECK(l.sio == Io::failed);
  CHECK(l.server->error_code() == SYSLOGTLS_E_REJECTED_BY_PEER);
}

TEST_CASE_FIXTURE(Pki, "CRL: revocation is reported before expiry; a CRL of other certificates changes nothing") {
  auto old = ca.issue({"client.example.net", {"client.example.net"}, {}, -30, -2});
  Side s = server_side();
  s.crl = ca.crl({old.cert});
  Side c = client_side();
  c.cert = old.cert;
  c.key = old.key;
  Link l(c, s);
  l.handshake();
  CHECK(l.sio == Io::failed);
  CHECK(l.server->error_reason() == SYSLOGTLS_REASON_REVOKED);
  CHECK(has(l.server->error_text(), "refused: certificate revoked (serial " + facts_of(old.cert).serial + ")"));
  // the same CRL does not concern the fixture's client
  Link ok(client_side(), s);
  ok.handshake();
  CHECK_MESSAGE(ok.sio == Io::done, ok.server->error_text());
}

TEST_CASE_FIXTURE(Pki, "expiry texts name the exact date, in the other direction too") {
  auto expired_client = ca.issue({"client.example.net", {"client.example.net"}, {}, -30, -2});
  Side c = client_side();
  c.cert = expired_client.cert;
  c.key = expired_client.key;
  Link e(c, server_side());
  e.handshake();
  CHECK(e.server->error_reason() == SYSLOGTLS_REASON_EXPIRED);
  CHECK(e.server->error_text() == "peer 127.0.0.1:40000 (subject 'CN=client.example.net') refused: certificate expired on " +
                                      syslogtls::x509::utc_date(facts_of(expired_client.cert).not_after));

  auto future = ca.issue({"server.example.net", {"server.example.net"}, {}, 2, 30});
  Side s = server_side();
  s.cert = future.cert;
  s.key = future.key;
  Link f(client_side(), s);
  f.handshake();
  CHECK(f.client->error_reason() == SYSLOGTLS_REASON_NOT_YET_VALID);
  CHECK(f.client->error_text() == "peer 127.0.0.1:6514 (subject 'CN=server.example.net') refused: certificate not valid "
                                  "before " + syslogtls::x509::utc_date(facts_of(future.cert).not_before));
}

TEST_CASE_FIXTURE(Pki, "CRL: a revoked intermediate CA is named with its subject and serial") {
  testcerts::Ca sub(ca, "sub CA");
  auto leaf = sub.issue({"server.example.net", {"server.example.net"}, {}});
  // the server presents its certificate and the intermediate; the client trusts the root
  Side s = server_side();
  s.cert = dir.write("sub-chain.pem", testcerts::read_text(leaf.cert) + testcerts::read_text(sub.cert_file()));
  s.key = leaf.key;
  Link ok(client_side(), s);
  ok.handshake();
  REQUIRE_MESSAGE(ok.cio == Io::done, ok.client->error_text());

  Side c = client_side();
  c.crl = ca.crl({sub.cert_file()});
  Link l(c, s);
  l.handshake();
  CHECK(l.cio == Io::failed);
  CHECK(l.client->error_reason() == SYSLOGTLS_REASON_REVOKED);
  CHECK(l.client->error_text() == "peer 127.0.0.1:6514 (subject 'CN=server.example.net') refused: certificate revoked: "
                                  "issuer certificate 'CN=sub CA' (serial " + facts_of(sub.cert_file()).serial + ")");
}

TEST_CASE_FIXTURE(Pki, "a resumed session takes the verdict on its chain from the config's verify cache") {
  const auto ccfg = make_config(SYSLOGTLS_ROLE_CLIENT, client_side());
  const auto scfg = make_config(SYSLOGTLS_ROLE_SERVER, server_side());
  std::string ticket, full_fp, full_san;
  {
    Link full(ccfg, scfg, "");
    full.handshake();
    REQUIRE_MESSAGE(full.sio == Io::done, full.server->error_text());
    REQUIRE_MESSAGE(full.cio == Io::done, full.client->error_text());
    CHECK_FALSE(full.server->resumed());
    // the client takes the TLS 1.3 ticket in with the first record it reads
    CHECK(Link::transfer(*full.server, *full.client, "hello") == "hello");
    ticket = full.client->session_data();
    full_fp = full.server->peer_identity().fingerprint;
    full_san = full.server->peer_identity().san;
  }
  REQUIRE_FALSE(ticket.empty());
  REQUIRE(full_fp.rfind("SHA256:", 0) == 0);
  // each side stored the chain it accepted; a full handshake never looks up
  CHECK(scfg->ca_not_after() > 0);
  CHECK(scfg->verify_cache().size() == 1);
  CHECK(ccfg->verify_cache().size() == 1);
  CHECK(scfg->verify_cache().hits() == 0);

  Link again(ccfg, scfg, ticket);
  again.handshake();
  REQUIRE_MESSAGE(again.sio == Io::done, again.server->error_text());
  REQUIRE_MESSAGE(again.cio == Io::done, again.client->error_text());
  CHECK(again.server->resumed());
  CHECK(again.client->resumed());
  CHECK(scfg->verify_cache().hits() == 1);
  CHECK(ccfg->verify_cache().hits() == 1);
  // the identity comes with the verdict
  CHECK(again.server->peer_subject() == "CN=client.example.net");
  CHECK(again.server->peer_identity().fingerprint == full_fp);
  CHECK(again.server->peer_identity().san == full_san);
  CHECK(again.client->peer_subject() == "CN=server.example.net");
  CHECK(Link::transfer(*again.client, *again.server, "after") == "after");
}

TEST_CASE_FIXTURE(Pki, "another config (a reload) neither resumes the old ticket nor shares the old verdicts") {
  const auto ccfg = make_config(SYSLOGTLS_ROLE_CLIENT, client_side());
  std::string ticket;
  {
    Link full(ccfg, make_config(SYSLOGTLS_ROLE_SERVER, server_side()), "");
    full.handshake();
    REQUIRE(full.sio == Io::done);
    CHECK(Link::transfer(*full.server, *full.client, "hello") == "hello");
    ticket = full.client->session_data();
  }
  REQUIRE_FALSE(ticket.empty());
  const auto reloaded = make_config(SYSLOGTLS_ROLE_SERVER, server_side());
  CHECK(reloaded->verify_cache().size() == 0);
  Link again(ccfg, reloaded, ticket);
  again.handshake();
  REQUIRE_MESSAGE(again.sio == Io::done, again.server->error_text());
  CHECK_FALSE(again.server->resumed());
  CHECK(reloaded->verify_cache().hits() == 0);
  CHECK(reloaded->verify_cache().size() == 1);
}
