// Nothing left behind when the harness is interrupted.
#pragma once

#include <chrono>
#include <functional>

namespace goleakcheck {

// From now on, SIGINT, SIGTERM and SIGHUP stop every program and scenario
// this process launched (SIGTERM to their process groups, up to `grace`,
// then SIGKILL) and remove its temporary directories; then
// `end_process(signal)` ends the process, on the signal thread. It must
// not return; left empty, the signal's own default action ends it (a
// death by that signal, which shells report as 128 + the signal). The
// library decides no exit status: the goleakcheck command passes its own
// (130, 143, 129). SIGPIPE is ignored, so writing to a closed pipe is an
// error to handle, not a death that skips the clean-up.
//
// Call it once, early in main(), before any thread starts: it blocks those
// signals in the calling thread, whose mask new threads inherit, and waits
// for them on a thread of its own. Programs launched afterwards start with
// no signal blocked or ignored. A test binary may call it too.
void clean_up_on_signals(std::function<void(int signal)> end_process = {},
                         std::chrono::milliseconds grace = std::chrono::seconds(2));

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
