// cert-help.cpp - the --help texts of syslogtls-cert and its subcommands.
#include "cert-help.hpp"

namespace certcmd {

const char* const kMainHelp =
    "Usage: syslogtls-cert SUBCOMMAND [OPTIONS]\n"
    "Keys and certificates for TLS syslog (RFC 5425), and a check of a certificate\n"
    "set against what imtls and omtls accept.\n"
    "\n"
    "Subcommands:\n"
    "  selfsigned --name NAME --out DIR   a key and a self-signed certificate\n"
    "  ca --out DIR                       a small CA: its key and certificate\n"
    "  issue --ca DIR --name NAME --out DIR\n"
    "                                     a key and a certificate issued by that CA\n"
    "  fingerprint FILE                   the certificate's SHA256:AA:BB:... fingerprint\n"
    "  check --ca CA --cert CERT --key KEY\n"
    "                                     would imtls and omtls accept this set?\n"
    "\n"
    "'syslogtls-cert SUBCOMMAND --help' lists the options of a subcommand.\n"
    "Keys are ECDSA P-256 unless --key-type rsa; key files get mode 0600.\n"
    "Files written: DIR/key.pem and DIR/cert.pem (selfsigned, issue), DIR/ca-key.pem\n"
    "and DIR/ca.pem (ca); --prefix P writes DIR/P-key.pem and DIR/P-cert.pem (ca:\n"
    "DIR/P-key.pem and DIR/P.pem). Existing files are never overwritten.\n"
    "\n"
    "Options:\n"
    "  -h, --help     this text\n"
    "  -V, --version  the version\n"
    "\n"
    "Exit status:\n"
    "  0  done (check: imtls and omtls would accept the set)\n"
    "  1  check: the set would be refused; otherwise a file could not be read\n"
    "     or written\n"
    "  2  usage error (unknown subcommand or option, bad or missing value)\n";

const char* const kNameOptionsHelp =
    "      --name NAME          the certificate's name: subjectAltName DNS:NAME, or\n"
    "                           IP:NAME for an IP address; the CN unless --cn\n"
    "                           (a wildcard \"*.example.com\" is allowed)\n"
    "      --cn CN              the subject CN (default: NAME)\n"
    "      --dns NAME           one more DNS subjectAltName (repeatable)\n"
    "      --ip ADDRESS         one more IP subjectAltName (repeatable)\n"
    "      --no-san             no subjectAltName at all: the name is in the CN only\n"
    "      --client             TLS client only (extended key usage clientAuth)\n"
    "      --server             TLS server only (serverAuth); neither: both\n";

const char* const kValidityOptionsHelp =
    "      --days N             valid for N days (1..36500) from --not-before\n"
    "      --not-before DATE    valid from DATE (UTC: YYYY-MM-DD or\n"
    "                           \"YYYY-MM-DD HH:MM:SS\"; default: now)\n"
    "      --not-after DATE     valid until DATE (instead of --days)\n"
    "      --key-type TYPE      ecdsa (P-256, the default) or rsa (3072 bits)\n";

const char* const kSelfsignedHelp =
    "Usage: syslogtls-cert selfsigned --name NAME [OPTIONS] --out DIR\n"
    "Makes a key and a self-signed certificate for NAME: DIR/key.pem (mode 0600) and\n"
    "DIR/cert.pem. A peer trusts it with the certificate itself as its CA file, or\n"
    "pins it by its fingerprint.\n"
    "\n"
    "Options:\n";

const char* const kCaHelp =
    "Usage: syslogtls-cert ca [OPTIONS] --out DIR\n"
    "Makes a CA for tests, demos and small sites: DIR/ca-key.pem (mode 0600) and\n"
    "DIR/ca.pem, the certificate every peer lists as its CA file.\n"
    "\n"
    "Options:\n"
    "      --cn CN              the CA's subject CN (default \"syslogtls-cert CA\")\n";

const char* const kIssueHelp =
    "Usage: syslogtls-cert issue --ca DIR --name NAME [OPTIONS] --out DIR\n"
    "Makes a key and a certificate for NAME signed by the CA in DIR (ca.pem and\n"
    "ca-key.pem of 'syslogtls-cert ca'): DIR/key.pem (mode 0600) and DIR/cert.pem.\n"
    "\n"
    "Options:\n"
    "      --ca DIR             the CA's directory (required)\n"
    "      --ca-prefix P        the CA's files are DIR/P.pem and DIR/P-key.pem\n"
    "                           (default: ca)\n";

const char* const kOutOptionsHelp =
    "      --out DIR            the directory to write to, created if missing\n"
    "                           (required)\n"
    "      --prefix P           write DIR/P-key.pem and DIR/P-cert.pem (ca: DIR/P-key.pem\n"
    "                           and DIR/P.pem)\n"
    "  -h, --help               this text\n";

const char* const kFingerprintHelp =
    "Usage: syslogtls-cert fingerprint [OPTIONS] FILE\n"
    "Prints the fingerprint of the (first) certificate of the PEM file FILE, in the\n"
    "form tls.permittedPeer and --permitted-peer accept: SHA256:AA:BB:... (32\n"
    "upper-case hex pairs).\n"
    "\n"
    "Options:\n"
    "      --hash ALG           sha256 (default) or sha1 (SHA1:AA:...)\n"
    "      --rfc                the RFC 5425 spelling, sha-256:aa:bb:... (accepted as\n"
    "                           well)\n"
    "  -h, --help               this text\n";

const char* const kCheckHelp =
    "Usage: syslogtls-cert check --ca CA --cert CERT --key KEY [OPTIONS]\n"
    "Tells what imtls and omtls would think of this set before it is deployed: the\n"
    "files load as the modules load them (readable PEM, the key matches the\n"
    "certificate), the key file's mode, the chain to a CA of CA, the validity dates,\n"
    "the name and the revocation; one line per finding (ok: or FAIL:), then\n"
    "accepted: or refused:.\n"
    "\n"
    "Options:\n"
    "      --ca FILE            the CA certificate(s) the peers trust (required)\n"
    "      --cert FILE          the certificate (and its chain) (required)\n"
    "      --key FILE           its private key (required)\n"
    "      --name NAME          a name the certificate must match (a server's\n"
    "                           target name, or a client's tls.permittedPeer)\n"
    "      --crl FILE           a CRL (PEM) of the CA: the certificate must not be\n"
    "                           listed\n"
    "  -h, --help               this text\n"
    "\n"
    "Exit status: 0 accepted, 1 refused, 2 usage error.\n";

}  // namespace certcmd
