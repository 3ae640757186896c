// guard.hpp - identifies the running rsyslogd (swVersion literal and GNU
// build-id read from the main program's loaded segments), looks it up in the
// table of supported releases (ABI.md §14, §15) and checks the struct msg
// fingerprint (ABI.md §7.6).
//
// Concurrency & Locking: probeHost and checkMsgLayout run on the main thread
// in modInit; they keep no state. The release table is constant.
#pragma once

#include <cstddef>
#include <string>

namespace host {

struct HostIdentity {
  std::string swVersion;  // "8.2302.0", "" if the literal was not found (override: see probeHost)
  std::string buildId;    // lower-case hex, or ""
};

// How the core declares net.getLocalHostname (ABI.md §15). Not called by
// the modules; recorded so that code starting to use it has to branch.
enum class NetLocalHostname { kNameOnly, kConfAndName };

// One supported rsyslog release. Every fact the host layer uses is the same
// in all of them (ABI.md §15 lists each with how it was checked); the fields
// below are the facts that differ between them, in interfaces the modules do
// not use today. Whoever starts using one of those must branch on the
// release found at load time (host::hostRelease()), never at compile time.
struct HostRelease {
  const char* series;         // "8.2302": accepted swVersions are "8.2302." + digits
  const char* distributions;  // where this release ships (for documentation and logs)
  int glblIfVersion;                     // glbl interface version (UseObj)
  int glblSlots;                         // glbl function slots; slots from 27 on move between releases
  bool glblGetMaxLineTakesConf;          // glblGetMaxLine(rsconf_t*), else glblGetMaxLine(void)
  NetLocalHostname netGetLocalHostname;  // the slot's signature; the version does not tell
  int netIfVersion;                      // net interface version (UseObj)
};

// The supported releases, oldest first.
extern const HostRelease kHostReleases[];
extern const std::size_t kHostReleaseCount;

// Reads the identity of the main program. The environment variable
// RSYSLOG_TLS_HOST_VERSION_OVERRIDE (tests) can only make the guard refuse:
// when it names the version found it changes nothing; otherwise swVersion is
// the override if findHostRelease refuses it, else the version found
// followed by a note naming the override, which findHostRelease refuses.
// It never makes an unsupported host look supported.
HostIdentity probeHost();

// The table row of swVersion ("8.2302." followed by digits matches the row
// "8.2302"), or nullptr when this build does not support it.
const HostRelease* findHostRelease(const std::string& swVersion) noexcept;
inline bool hostVersionSupported(const std::string& swVersion) noexcept {
  return findHostRelease(swVersion) != nullptr;
}

// "8.2112.x, 8.2302.x, ... and 8.2504.x": the series of the table.
std::string supportedReleasesText();

// The refusal reason for a host findHostRelease refused: names the
// supported releases, the version found (or that none could be read) and the
// build-id when there is one. One line.
std::string unsupportedHostText(const HostIdentity& id);

// Builds a message, compares the fields at the known offsets with the values
// msgConstruct sets, destroys it. False = unknown layout (e.g. a debug build).
bool checkMsgLayout(std::string& why);

}  // namespace host
