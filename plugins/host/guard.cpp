// guard.cpp - host identification (swVersion, build-id), the table of
// supported releases and the struct msg layout fingerprint.
//
// Concurrency & Locking: main thread only (modInit); no shared state.
#include "guard.hpp"

#include <elf.h>
#include <link.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "rsyslog_abi.hpp"

namespace host {
namespace {

// The literal of rsyslogd's start/HUP status message precedes the version.
constexpr char kVersionNeedle[] = "software=\"rsyslogd\" swVersion=\"";
constexpr char kOverrideVariable[] = "RSYSLOG_TLS_HOST_VERSION_OVERRIDE";

void readBuildId(const dl_phdr_info* info, const ElfW(Phdr) & ph, HostIdentity& id) {
  const auto* p = reinterpret_cast<const unsigned char*>(info->dlpi_addr + ph.p_vaddr);
  const unsigned char* end = p + ph.p_memsz;
  while (p + sizeof(ElfW(Nhdr)) <= end) {
    ElfW(Nhdr) nh;
    std::memcpy(&nh, p, sizeof nh);
    const unsigned char* name = p + sizeof nh;
    const unsigned char* desc = name + ((nh.n_namesz + 3u) & ~3u);
    const unsigned char* next = desc + ((nh.n_descsz + 3u) & ~3u);
    if (next > end) break;
    if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
      static const char hex[] = "0123456789abcdef";
      id.buildId.clear();
      for (unsigned i = 0; i < nh.n_descsz; ++i) {
        id.buildId += hex[desc[i] >> 4];
        id.buildId += hex[desc[i] & 0xf];
      }
      return;
    }
    p = next;
  }
}

// Scans a whole read-only segment of the main program. A sanitizer build of
// a program that loads us (the host layer's own unit test) has redzones
// between its constants, so this scan must not be instrumented, and must not
// go through the sanitizer's memmem interceptor either.
__attribute__((no_sanitize("address"))) const char* findInSegment(const char* seg, size_t len, const char* needle,
                                                                 size_t nlen) {
  if (nlen == 0 || len < nlen) return nullptr;
  for (size_t i = 0; i + nlen <= len; ++i) {
    if (seg[i] != needle[0]) continue;
    size_t k = 1;
    while (k < nlen && seg[i + k] == needle[k]) ++k;
    if (k == nlen) return seg + i;
  }
  return nullptr;
}

__attribute__((no_sanitize("address"))) void findVersion(const dl_phdr_info* info, const ElfW(Phdr) & ph,
                                                        HostIdentity& id) {
  const char* seg = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
  const char* hit = findInSegment(seg, ph.p_memsz, kVersionNeedle, sizeof kVersionNeedle - 1);
  if (hit == nullptr) return;
  const char* v = hit + (sizeof kVersionNeedle - 1);
  const char* segEnd = seg + ph.p_memsz;
  char version[33];
  size_t n = 0;
  while (v < segEnd && *v != '"' && *v != '\0' && n < 32) version[n++] = *v++;
  if (v < segEnd && *v == '"') id.swVersion.assign(version, n);
}

int probeMain(dl_phdr_info* info, size_t, void* data) {
  auto& id = *static_cast<HostIdentity*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_NOTE && id.buildId.empty()) readBuildId(info, ph, id);
    if (ph.p_type == PT_LOAD && (ph.p_flags & PF_W) == 0 && id.swVersion.empty()) findVersion(info, ph, id);
  }
  return 1;  // the first object is the main program: stop there
}

template <typename T>
T readAt(const rs::smsg_t* m, std::size_t off) {
  T v;
  std::memcpy(&v, reinterpret_cast<const char*>(m) + off, sizeof v);
  return v;
}

}  // namespace

HostIdentity probeHost() {
  HostIdentity id;
  dl_iterate_phdr(&probeMain, &id);
  const char* ov = std::getenv(kOverrideVariable);
  if (ov == nullptr || *ov == '\0' || id.swVersion == ov) return id;
  // The override disagrees with the binary: whatever it names, the result is
  // a version findHostRelease refuses, so the override can only refuse.
  if (!hostVersionSupported(ov)) {
    id.swVersion = ov;
  } else {
    id.swVersion = (id.swVersion.empty() ? std::string("unknown") : id.swVersion) + " (" + kOverrideVariable + "=" +
                   ov + " does not match it)";
  }
  return id;
}

// ABI.md §15: one row per release; what is the same in all of them is not
// repeated here. A release that changes nothing the modules use is one more
// row (and a host-matrix run proving it).
const HostRelease kHostReleases[] = {
    {"8.2112", "Ubuntu 22.04 LTS", 9, 55, false, NetLocalHostname::kNameOnly, 9},
    {"8.2302", "Debian 12", 10, 57, true, NetLocalHostname::kNameOnly, 10},
    {"8.2310", "RHEL 9", 10, 59, true, NetLocalHostname::kNameOnly, 10},
    {"8.2312", "Ubuntu 24.04 LTS", 10, 59, true, NetLocalHostname::kConfAndName, 10},
    {"8.2504", "Debian 13", 10, 61, true, NetLocalHostname::kConfAndName, 10},
};
const std::size_t kHostReleaseCount = sizeof kHostReleases / sizeof kHostReleases[0];

const HostRelease* findHostRelease(const std::string& swVersion) noexcept {
  for (std::size_t i = 0; i < kHostReleaseCount; ++i) {
    const std::string prefix = std::string(kHostReleases[i].series) + ".";
    if (swVersion.size() <= prefix.size() || swVersion.compare(0, prefix.size(), prefix) != 0) continue;
    if (swVersion.find_first_not_of("0123456789", prefix.size()) == std::string::npos) return &kHostReleases[i];
  }
  return nullptr;
}

std::string supportedReleasesText() {
  std::string s;
  for (std::size_t i = 0; i < kHostReleaseCount; ++i) {
    if (i > 0) s += (i + 1 == kHostReleaseCount) ? " and " : ", ";
    s += std::string(kHostReleases[i].series) + ".x";
  }
  return s;
}

std::string unsupportedHostText(const HostIdentity& id) {
  return "this build supports rsyslogd " + supportedReleasesText() + " only, found " +
         (id.swVersion.empty() ? std::string("an rsyslogd whose version could not be read")
                               : "rsyslogd " + id.swVersion) +
         (id.buildId.empty() ? std::string() : " (build-id " + id.buildId + ")");
}

bool checkMsgLayout(std::string& why) {
  rs::smsg_t* m = nullptr;
  if (msgConstruct(&m) != rs::RS_RET_OK || m == nullptr) {
    why = "msgConstruct failed";
    return false;
  }
  const int refCount = readAt<int>(m, rs::kMsgOffRefCount);
  const unsigned short severity = readAt<unsigned short>(m, rs::kMsgOffSeverity);
  const int offMsg = readAt<int>(m, rs::kMsgOffOffMSG);
  const int flags = readAt<int>(m, rs::kMsgOffMsgFlags);
  msgDestruct(&m);
  if (refCount == 1 && severity == 7 && offMsg == -1 && flags == 0) return true;
  why = "struct msg fingerprint mismatch (refcount=" + std::to_string(refCount) +
        " severity=" + std::to_string(severity) + " offMSG=" + std::to_string(offMsg) +
        " msgFlags=" + std::to_string(flags) + "; expected 1/7/-1/0 of an NDEBUG build)";
  return false;
}

}  // namespace host
