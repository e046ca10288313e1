// How a check judges (CheckOptions): apart from the Checker, so that a
// test that only sets options (gtest.hpp) includes no more than this.
// Every default here is also `goleakcheck run`'s.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

#include "goleakcheck/http_client.hpp"
#include "goleakcheck/ignore.hpp"
#include "goleakcheck/user_code.hpp"

namespace goleakcheck {

struct CheckOptions {
  // How long new blocked goroutines get to finish before they count as
  // leaked. Polling starts after a few milliseconds and backs off, so a
  // clean scenario is judged as soon as its goroutines are gone.
  std::chrono::milliseconds settle{std::chrono::milliseconds(1500)};
  FetchLimits fetch{std::chrono::seconds(30), std::size_t{256} << 20};  // per snapshot
  // Your rules for new goroutines that are not leaks. They are tried
  // first, then the defaults (rules_in_force); the first match counts.
  std::vector<Ignore> ignores;
  // The default rules (default_ignores()); false drops them all.
  bool default_ignores = true;
  // A rule of `ignores` that matches every goroutine of the baseline would
  // ignore any leak: baseline() throws Error(ErrorKind::bad_rule) for it
  // (rule_matching_everything) unless this says it is meant.
  bool allow_ignore_all = false;
  // Idle kept-alive HTTP connections are counted apart by default, not
  // failed and not waited for while settling (see idle_connection.hpp).
  // A repeated scenario (`repeat`) fails those that grow with the runs.
  bool idle_connections_are_leaks = false;

  // A quiet baseline: before taking it, wait until two dumps `quiet_period`
  // apart show the same goroutines, for at most `quiet_timeout` (0: take it
  // at once). A program still starting up when pprof first answers would
  // otherwise have its own start-up taken for leaks. One that never goes
  // quiet gets its baseline anyway, and the report says so.
  std::chrono::milliseconds quiet_period{std::chrono::milliseconds(200)};
  std::chrono::milliseconds quiet_timeout{std::chrono::seconds(5)};

  // Ask the Go runtime to prove leaks (/debug/pprof/goroutineleak?debug=2,
  // Go 1.27, or 1.26 built with GOEXPERIMENT=goroutineleakprofile): a new
  // goroutine it proves leaked fails the check at once, without waiting out
  // the settle time. Each request runs a garbage collection: one that takes
  // longer than `proof_timeout`, or a program that does not serve the
  // profile, gets plain dumps instead.
  bool runtime_proof = true;
  std::chrono::milliseconds proof_timeout{std::chrono::seconds(1)};

  // Which frames are the user's, for the report (user_code.hpp): guessed
  // from file paths unless modules are named (--module).
  UserCode user_code;

  // For check_scenario(): runs of the scenario before the baseline, so that
  // singletons, caches, pools and lazily created clients are part of it.
  int warmup = 0;
  // For check_scenario() and check_runs(): how often the scenario runs
  // after the baseline.
  //  - Unset (the default), the check decides, as an expert would. The
  //    scenario runs once, after a baseline taken at once. When that run
  //    leaves no new goroutine, or only ones the Go runtime proves leaked,
  //    that is the verdict. When it leaves others (blocked goroutines the
  //    runtime did not prove leaked, or new idle connections: a client, pool
  //    or worker made on first use, a periodic worker, or a leak), that run
  //    counts as a warm-up: a quiet baseline is taken after it, and the
  //    scenario runs kRunsAfterAWarmup more times, judged by growth (see
  //    growth.hpp). LeakReport::verdict_basis says which it was.
  //  - 1 runs it once, judged by the settle time alone: for a scenario that
  //    cannot run twice.
  //  - N >= 2 runs it N times against the first baseline, judged by growth.
  std::optional<int> repeat;
  // For runs judged by growth: the check of the last run need not wait out
  // the settle time for a group that grew with every run, once the oldest
  // of its goroutines has stayed blocked this long (and none counted after
  // an earlier run has ended). Growth is the evidence then; this is how
  // long one of them must be seen to stay, as goleak's default retries
  // (about 0.43 s) are for one run. At most `settle` counts.
  std::chrono::milliseconds growth_stay{std::chrono::milliseconds(400)};
};

// How often an undecided first run is followed by more, judged by growth
// (CheckOptions::repeat unset): three counts tell a group that grows with
// every run from one that stays flat.
inline constexpr int kRunsAfterAWarmup = 3;

}  // namespace goleakcheck
