// cert-check.hpp - syslogtls-cert check: what imtls and omtls would think of
// a CA file, a certificate and its key (and a name and a CRL) before they
// are deployed. One line per finding on standard output.
#pragma once

#include <string>

namespace certcmd {

struct CheckArgs {
  std::string ca, cert, key;  // required
  std::string name;           // "" = names not checked (only listed)
  std::string crl;            // "" = no revocation check
};

// Prints the findings ("ok: TOPIC: ..." or "FAIL: TOPIC: ...") and a last
// line "accepted: ..." or "refused: ...".
// Returns: kExitOk when imtls and omtls would accept the set, kExitFailed
// when any finding would make them refuse it (or exposes the key).
int run_check(const CheckArgs& args);

}  // namespace certcmd
