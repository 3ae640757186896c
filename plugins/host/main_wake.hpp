// main_wake.hpp - wakes rsyslogd's main thread after our internal messages,
// so that none of them waits for the daemon's next unrelated wake-up.
//
// rsyslogd queues internal messages (LogError/LogMsg) in a list that only
// its main thread drains, at the top of its main loop; between iterations
// the main thread sleeps in pselect() for janitorInterval (10 min). Each new
// message sends the process a SIGTTOU to end that sleep, but the signal is
// not blocked while the loop runs, so a message added after the loop's last
// drain and before its pselect() wakes nobody and waits. On 8.2112 the drain
// also comes before the doHUP calls, so every line a HUP causes can wait that
// long (ABI.md §12).
//
// After each internal message, one helper thread per module image sends the
// main thread a SIGTTOU about 20 ms and again about 1 s later (coalesced
// while messages keep coming), exactly the signal rsyslogd uses for this, and
// only while rsyslogd itself signals (its bHaveMainQueue is set).
//
// Concurrency & Locking: init and shutdown run on rsyslogd's main thread
// (initCore / releaseCore); afterLog may run on any thread and never logs.
#pragma once

namespace host {

// initCore (main thread): remembers the main thread.
void mainWakeInit() noexcept;
// After an internal message was submitted; any thread.
void mainWakeAfterLog() noexcept;
// releaseCore (main thread): stops and joins the helper thread.
void mainWakeShutdown() noexcept;

}  // namespace host
