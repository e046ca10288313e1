// The verdict of one check (LeakReport), as a plain value: what a test
// asserts on. Its writers are in report.hpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "goleakcheck/goroutine.hpp"
#include "goleakcheck/grouping.hpp"
#include "goleakcheck/growth.hpp"
#include "goleakcheck/profile.hpp"
#include "goleakcheck/user_code.hpp"

namespace goleakcheck {

// One group of new goroutines across the runs of a repeated scenario
// (CheckOptions::repeat): its count after each run, the last one settled.
struct GroupGrowth {
  LeakGroup group;                  // as the last, settled, check saw it
  std::vector<std::size_t> counts;  // after run 1, 2, ..., n
  Growth growth = Growth::unclear;
  bool idle_connection = false;  // a group of idle kept-alive connections
  // Leaks the Go runtime proved are leaks whatever their growth.
  bool proven = false;

  double per_run() const { return growth_per_run(counts); }
  // What the verdict makes of it: growing and unclear groups fail, and so
  // does a proven one; a bounded one does not.
  bool fails() const { return proven || growth != Growth::bounded; }
};

// A report owns what its records point into (`names`): it stays valid after
// the snapshots and the Checker that made it are gone. A plain value; copies
// are independent.
struct LeakReport {
  // New goroutines (absent from the baseline) still blocked when the check
  // ended, and not ignored. Non-empty means the check failed.
  std::vector<Goroutine> leaks;
  // `leaks` grouped, the largest group first.
  std::vector<LeakGroup> groups;
  // New goroutines still running, runnable or in a system call: shown as a
  // warning, never a failure.
  std::vector<Goroutine> still_running;
  // New blocked goroutines that the first poll after the scenario did not
  // see, first seen less than 100 ms (or half the settle time) before the
  // check ran out of time: started after the scenario, and not yet given
  // the time to end (a program's per-tick work). Not judged: a leak is one
  // seen to stay. Those the first poll saw are always judged.
  std::size_t first_seen_last = 0;
  // New goroutines that are idle kept-alive HTTP connections: not leaks by
  // themselves (CheckOptions::idle_connections_are_leaks).
  std::vector<Goroutine> idle_connections;
  // New goroutines that an ignore rule matched, and how often each rule in
  // force matched, in the order they were tried (rules_in_force).
  std::size_t ignored = 0;
  struct IgnoreUse {
    std::string rule;
    std::string origin;
    std::size_t hits = 0;
  };
  std::vector<IgnoreUse> ignore_uses;

  std::size_t baseline_goroutines = 0;
  std::size_t final_goroutines = 0;
  std::size_t snapshots = 0;  // after-snapshots taken while settling
  std::chrono::nanoseconds elapsed{};  // from the end of the scenario to the verdict
  std::chrono::milliseconds settle{};  // the settle time the check had

  // The baseline was taken while the program was still starting or ending
  // goroutines, after waiting this long for it to go quiet: why. Goroutines
  // it was still starting may show up as new.
  std::string baseline_not_quiet;
  std::chrono::nanoseconds baseline_quiet_wait{};

  // The Go runtime's own proof (CheckOptions::runtime_proof): leaks it
  // proved carry Goroutine::leaked_marker. `proof` says what became of
  // asking: served, not served by this program, or too slow.
  std::string proof;
  // The check ended before its settle time because the runtime had proved
  // every new blocked goroutine a leak.
  bool decided_by_proof = false;
  // The check ended before its settle time because growth showed every new
  // blocked goroutine a leak (CheckOptions::growth_stay): each group grew
  // with every run, and its oldest goroutine stayed blocked that long.
  bool decided_by_growth = false;

  // A repeated scenario (CheckOptions::warmup, repeat): how often it ran,
  // and every group new after the last run, judged by its growth. Groups
  // judged bounded are left out of `leaks` (and idle connections that grow
  // are put in); the rest stay.
  int warmup_runs = 0;
  int runs = 1;
  std::vector<GroupGrowth> growth;
  // A scenario's check (Checker::check_runs): what decided the verdict and
  // how many runs it took, in one sentence; empty for a check of no
  // scenario. `automatic_runs` is set when the check itself chose to run
  // the scenario again (CheckOptions::repeat unset): its first run then
  // counts in `warmup_runs`.
  std::string verdict_basis;
  bool automatic_runs = false;

  // Set when a dump was cut off (the runtime's 64 MiB cap, or the fetch's
  // own size cap), so goroutine ids could not be compared: what was cut.
  // The check then compared debug=1 counts per stack instead, and every
  // stack that still had more goroutines at the end is in `grown_stacks`.
  std::string ids_not_compared;
  std::vector<StackGrowth> grown_stacks;

  // Which frames are the user's (CheckOptions::user_code): reports lead to
  // them, and quote their lines when the files are on this machine.
  UserCode user_code;
  // Whether the writers read the user's source files, when they are on this
  // machine: to quote the lines, and to tell a range over a channel from a
  // plain receive. Off, a report depends on the records alone.
  bool read_sources = true;

  // Keep alive what the records above point into.
  std::vector<std::shared_ptr<const NamePool>> names;

  bool clean() const { return leaks.empty() && grown_stacks.empty(); }
  std::size_t leak_count() const { return leaks.size(); }
};

}  // namespace goleakcheck
