// host_test.cpp - unit tests of the host layer (guard, firewall, entry-point
// table, parameter tables) against stand-ins for the rsyslogd symbols.
//
// Concurrency & Locking: single-threaded tests.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>
#include <new>
#include <stdexcept>

#include "core.hpp"
#include "firewall.hpp"
#include "guard.hpp"
#include "host_test_stubs.hpp"
#include "log.hpp"
#include "main_wake.hpp"
#include "params.hpp"

namespace {

bool loggedContains(const std::string& needle) {
  for (const auto& l : stubs::logged)
    if (l.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("host versions: the five supported series, digits after the series only") {
  for (const char* v : {"8.2112.0", "8.2302.0", "8.2302.1", "8.2310.0", "8.2312.0", "8.2312.17", "8.2504.0"}) {
    CAPTURE(v);
    CHECK(host::hostVersionSupported(v));
  }
  for (const char* v : {"8.2404.0", "8.2602.0", "8.2111.0", "9.2302.0", "8.23020.0", "8.2302.", "8.2302",
                        "8.2302.0-rc1", "8.2302.0 ", " 8.2302.0", "8.2302.x", ""}) {
    CAPTURE(v);
    CHECK_FALSE(host::hostVersionSupported(v));
  }
}

TEST_CASE("release table: each version finds its own row with the facts that differ") {
  REQUIRE(host::kHostReleaseCount == 5);
  const host::HostRelease* r = host::findHostRelease("8.2112.0");
  REQUIRE(r != nullptr);
  CHECK(std::string(r->series) == "8.2112");
  CHECK(r->glblIfVersion == 9);
  CHECK_FALSE(r->glblGetMaxLineTakesConf);
  r = host::findHostRelease("8.2302.0");
  REQUIRE(r != nullptr);
  CHECK(std::string(r->distributions) == "Debian 12");
  CHECK(r->glblSlots == 57);
  CHECK(r->netGetLocalHostname == host::NetLocalHostname::kNameOnly);
  r = host::findHostRelease("8.2312.0");
  REQUIRE(r != nullptr);
  CHECK(r->netGetLocalHostname == host::NetLocalHostname::kConfAndName);
  r = host::findHostRelease("8.2504.0");
  REQUIRE(r != nullptr);
  CHECK(r->glblSlots == 61);
  // Rows are oldest first, series unique, and glbl only grows.
  for (std::size_t i = 1; i < host::kHostReleaseCount; ++i) {
    CHECK(std::string(host::kHostReleases[i - 1].series) < std::string(host::kHostReleases[i].series));
    CHECK(host::kHostReleases[i - 1].glblSlots <= host::kHostReleases[i].glblSlots);
  }
}

TEST_CASE("refusal text: one line naming every supported release and what was found") {
  CHECK(host::supportedReleasesText() == "8.2112.x, 8.2302.x, 8.2310.x, 8.2312.x and 8.2504.x");
  host::HostIdentity id{"8.2404.0", "ab12"};
  const std::string t = host::unsupportedHostText(id);
  CHECK(t == "this build supports rsyslogd 8.2112.x, 8.2302.x, 8.2310.x, 8.2312.x and 8.2504.x only, "
             "found rsyslogd 8.2404.0 (build-id ab12)");
  CHECK(t.find('\n') == std::string::npos);
  CHECK(host::unsupportedHostText(host::HostIdentity{}).find("whose version could not be read") != std::string::npos);
}

TEST_CASE("probeHost: the override replaces the version, the build-id is read") {
  setenv("RSYSLOG_TLS_HOST_VERSION_OVERRIDE", "8.2404.0", 1);
  host::HostIdentity id = host::probeHost();
  unsetenv("RSYSLOG_TLS_HOST_VERSION_OVERRIDE");
  CHECK(id.swVersion == "8.2404.0");
  CHECK(id.buildId.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("probeHost: an override naming a supported release cannot make a host acceptable") {
  // The unit test program has no swVersion literal: the override names a
  // supported version, and the result is still refused.
  setenv("RSYSLOG_TLS_HOST_VERSION_OVERRIDE", "8.2504.0", 1);
  host::HostIdentity id = host::probeHost();
  unsetenv("RSYSLOG_TLS_HOST_VERSION_OVERRIDE");
  CHECK_FALSE(host::hostVersionSupported(id.swVersion));
  CHECK(id.swVersion.find("RSYSLOG_TLS_HOST_VERSION_OVERRIDE=8.2504.0 does not match it") != std::string::npos);
}

TEST_CASE("msg layout fingerprint: NDEBUG layout accepted, debug layout refused") {
  std::string why;
  stubs::msgLayoutDebugBuild = false;
  CHECK(host::checkMsgLayout(why));
  stubs::msgLayoutDebugBuild = true;
  CHECK_FALSE(host::checkMsgLayout(why));
  CHECK(why.find("fingerprint") != std::string::npos);
  stubs::msgLayoutDebugBuild = false;
}

TEST_CASE("firewall: every exception becomes a logged return code") {
  host::setModuleName("test");
  stubs::logged.clear();
  CHECK(host::guarded("ep1", [] {}) == rs::RS_RET_OK);
  CHECK(host::guarded("ep2", []() -> rs::rsRetVal { throw host::Error(rs::RS_RET_INVALID_PARAMS, "bad x"); }) ==
        rs::RS_RET_INVALID_PARAMS);
  CHECK(loggedContains("test: ep2: bad x"));
  CHECK(host::guarded("ep3", []() -> rs::rsRetVal { throw std::bad_alloc(); }) == rs::RS_RET_OUT_OF_MEMORY);
  CHECK(loggedContains("test: ep3: out of memory"));
  CHECK(host::guarded("ep4", []() -> rs::rsRetVal { throw std::runtime_error("boom"); }) == rs::RS_RET_ERR);
  CHECK(loggedContains("test: ep4: boom"));
  CHECK(host::guarded("ep5", []() -> rs::rsRetVal { throw 42; }) == rs::RS_RET_ERR);
  CHECK(loggedContains("test: ep5: unknown exception"));
  const auto before = stubs::logged.size();
  CHECK(host::guarded("ep6", []() -> rs::rsRetVal { throw host::Reported(-5); }) == -5);
  CHECK(stubs::logged.size() == before);  // already reported: no second line
}

namespace {
rs::rsRetVal epA() { return rs::RS_RET_OK; }
rs::rsRetVal epB(int) { return rs::RS_RET_OK; }
}  // namespace

TEST_CASE("entry-point table: exact names only") {
  const host::EntryPointDef table[] = {{"getType", host::ep(&epA)}, {"runInput", host::ep(&epB)}};
  rs::EntryPoint out = nullptr;
  CHECK(host::findEntryPoint(table, 2, reinterpret_cast<const rs::uchar*>("runInput"), &out) == rs::RS_RET_OK);
  CHECK((out == host::ep(&epB)));
  CHECK(host::findEntryPoint(table, 2, reinterpret_cast<const rs::uchar*>("runinput"), &out) ==
        rs::RS_RET_MODULE_ENTRY_POINT_NOT_FOUND);
  CHECK((out == nullptr));
}

namespace {
struct Cfg {
  long long port = 1;
  std::string name = "dflt";
  std::vector<std::string> peers;
  bool on = false;
};
}  // namespace

TEST_CASE("parameter table: given values land in the struct, others keep the defaults") {
  static const host::ParamTable<Cfg> table{
      {"port", rs::eCmdHdlrInt, 0, &host::applyField<&Cfg::port>},
      {"name", rs::eCmdHdlrGetWord, 0, &host::applyField<&Cfg::name>},
      {"peers", rs::eCmdHdlrArray, 0, &host::applyField<&Cfg::peers>},
      {"on", rs::eCmdHdlrBinary, 0, &host::applyField<&Cfg::on>},
  };
  es_str_t* a = es_newStrFromCStr("a.example", 9);
  es_str_t* b = es_newStrFromCStr("*.b.example", 11);
  es_str_t* arr[2] = {a, b};
  rs::cnfarray ar{'A', 2, arr};
  rs::cnfparamvals vals[4] = {};
  vals[0].bUsed = 1;
  vals[0].val.datatype = 'N';
  vals[0].val.d.n = 6514;
  vals[2].bUsed = 1;
  vals[2].val.datatype = 'A';
  vals[2].val.d.ar = &ar;
  vals[3].bUsed = 1;
  vals[3].val.datatype = 'N';
  vals[3].val.d.n = 1;
  stubs::nextVals = vals;
  Cfg c;
  host::ParamSeen seen;
  REQUIRE(table.apply(nullptr, c, &seen));
  CHECK(c.port == 6514);
  CHECK(c.name == "dflt");
  CHECK(c.peers == std::vector<std::string>{"a.example", "*.b.example"});
  CHECK(c.on);
  CHECK(seen.has("PORT"));
  CHECK_FALSE(seen.has("name"));
  es_deleteStr(a);
  es_deleteStr(b);

  stubs::nextVals = nullptr;  // the core rejected the list
  CHECK_FALSE(table.apply(nullptr, c));
}

namespace {
std::atomic<int> g_ttou{0};
extern "C" void countTtou(int) { g_ttou.fetch_add(1); }
// Polls until g_ttou reaches n or the bound passes; returns the count.
int waitTtou(int n, std::chrono::milliseconds bound) {
  const auto end = std::chrono::steady_clock::now() + bound;
  while (g_ttou.load() < n && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return g_ttou.load();
}
}  // namespace

TEST_CASE("main wake: a line logged from another thread is followed by SIGTTOUs to the main thread, "
          "only while the host signals internal messages") {
  struct sigaction sa {}, old {};
  sa.sa_handler = countTtou;
  sigemptyset(&sa.sa_mask);
  REQUIRE(sigaction(SIGTTOU, &sa, &old) == 0);
  host::mainWakeInit();  // this thread plays rsyslogd's main thread
  g_ttou = 0;

  bHaveMainQueue = 0;  // before activation: rsyslogd does not signal, nor do we
  std::thread([] { host::logMsg(6, "before the main queue"); }).join();
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  CHECK(g_ttou.load() == 0);

  bHaveMainQueue = 1;
  const auto t0 = std::chrono::steady_clock::now();
  std::thread([] { host::logError(-1, "from a module thread"); }).join();
  CHECK(waitTtou(1, std::chrono::seconds(10)) >= 1);  // the prompt wake-up
  CHECK(waitTtou(2, std::chrono::seconds(10)) >= 2);  // and the late one, for a wake lost in the loop
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(900));
  // a burst is coalesced: a few wake-ups, not one per line
  g_ttou = 0;
  std::thread([] {
    for (int i = 0; i < 200; ++i) host::logMsg(6, "burst line %d", i);
  }).join();
  CHECK(waitTtou(2, std::chrono::seconds(10)) >= 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  CHECK(g_ttou.load() <= 10);

  host::mainWakeShutdown();
  g_ttou = 0;
  host::logMsg(6, "after shutdown");
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  CHECK(g_ttou.load() == 0);
  bHaveMainQueue = 0;
  sigaction(SIGTTOU, &old, nullptr);
}
