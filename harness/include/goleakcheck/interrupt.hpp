// Nothing left behind when the harness is interrupted.
#pragma once

#include <chrono>
#include <functional>

namespace goleakcheck {

// From now on, SIGINT, SIGTERM and SIGHUP stop every program and scenario
// this process launched (SIGTERM to their process groups, up to `grace`,
// then SIGKILL), remove its temporary directories, and end the process
// with the conventional status 128 + the signal (130, 143, 129). SIGPIPE is
// ignored, so writing to a closed pipe is an error to handle, not a death
// that skips the clean-up.
//
// Call it once, early in main(), before any thread starts: it blocks those
// signals in the calling thread, whose mask new threads inherit, and waits
// for them on a thread of its own. Programs launched afterwards start with
// no signal blocked or ignored. The goleakcheck command calls it; a test
// binary may.
void clean_up_on_signals(std::chrono::milliseconds grace = std::chrono::seconds(2));

// For a command whose own loop ends on an interrupt (goleakcheck watch
// writes its final report): the next of those signals calls `stop`, on the
// signal thread, instead of cleaning up and exiting; a signal after that
// one cleans up and exits as usual. `stop` must return quickly (set a flag,
// notify a condition variable). Needs clean_up_on_signals first.
void on_first_interrupt(std::function<void()> stop);

// When one of those signals has arrived, blocks until the clean-up ends the
// process; returns at once otherwise. Call it before reporting an error or
// an exit status: a scenario killed by the clean-up is no failure to report.
void wait_if_interrupted();

// Makes this process the reaper of its orphaned descendants
// (PR_SET_CHILD_SUBREAPER): a grandchild that escaped its process group
// with setsid is reparented here instead of to init, so that
// stop_adopted_orphans() can find it. Process-wide; for a program like the
// goleakcheck command, which owns every child it has. Returns false where
// the kernel does not allow it.
bool adopt_orphans();

// SIGKILL to every process whose parent is this one and that no
// ChildProcess owns any more (adopted orphans, once every program and
// scenario was stopped), and reaps them. Returns how many there were.
int stop_adopted_orphans();

}  // namespace goleakcheck
