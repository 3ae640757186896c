// guard.hpp - identifies the running rsyslogd (swVersion literal and GNU
// build-id read from the main program's loaded segments, ABI.md §14) and
// checks the struct msg fingerprint (ABI.md §7.6).
//
// Concurrency & Locking: probeHost and checkMsgLayout run on the main thread
// in modInit; they keep no state.
#pragma once

#include <string>

namespace host {

struct HostIdentity {
  std::string swVersion;  // "8.2302.0", "" if the literal was not found (override: see probeHost)
  std::string buildId;    // lower-case hex, or ""
};

// Reads the identity of the main program. The environment variable
// RSYSLOG_TLS_HOST_VERSION_OVERRIDE (tests) can only make the guard refuse:
// when it names the version found it changes nothing; otherwise swVersion is
// the override if hostVersionSupported refuses it, else the version found
// followed by a note naming the override, which hostVersionSupported refuses.
// It never makes an unsupported host look supported.
HostIdentity probeHost();

// True if the host's ABI is one this build knows: exactly "8.2302." followed
// by digits.
bool hostVersionSupported(const std::string& swVersion) noexcept;

// Builds a message, compares the fields at the known offsets with the values
// msgConstruct sets, destroys it. False = unknown layout (e.g. a debug build).
bool checkMsgLayout(std::string& why);

}  // namespace host
