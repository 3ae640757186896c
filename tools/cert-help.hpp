// cert-help.hpp - the --help texts of syslogtls-cert and its subcommands
// (syslogtls-cert(1) documents every option they list; a test checks it).
#pragma once

namespace certcmd {

extern const char* const kMainHelp;
extern const char* const kNameOptionsHelp;
extern const char* const kValidityOptionsHelp;
extern const char* const kSelfsignedHelp;
extern const char* const kCaHelp;
extern const char* const kIssueHelp;
extern const char* const kOutOptionsHelp;
extern const char* const kFingerprintHelp;
extern const char* const kCheckHelp;

}  // namespace certcmd
