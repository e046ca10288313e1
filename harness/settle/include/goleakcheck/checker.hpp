// The settle loop: snapshots before and after a scenario, polled until new
// goroutines are gone or the settle time is spent, and the verdict.
//
// A Checker is not thread-safe (it owns one kept-alive connection); use one
// per thread. Its snapshots and reports own what their records point into.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "goleakcheck/check_options.hpp"
#include "goleakcheck/diff.hpp"
#include "goleakcheck/goroutine.hpp"
#include "goleakcheck/http_client.hpp"
#include "goleakcheck/ignore.hpp"
#include "goleakcheck/profile.hpp"
#include "goleakcheck/report.hpp"
#include "goleakcheck/run_history.hpp"
#include "goleakcheck/user_code.hpp"

namespace goleakcheck {

namespace detail {
class Backoff;
}

class Checker {
 public:
  // `check_alive` runs before every snapshot; Program::check_alive makes a
  // crash of the program under test an error rather than a wrong verdict.
  explicit Checker(Endpoint endpoint, CheckOptions options = {}, std::function<void()> check_alive = {});
  Checker(Checker&&) noexcept;
  ~Checker();

  // GET /debug/pprof/goroutine?debug=2, read as it streams in. Cut at
  // CheckOptions::fetch.max_bytes, it is marked truncated. Throws Error:
  // snapshot_failed, program_exited.
  Snapshot snapshot() const;

  // GET /debug/pprof/goroutine?debug=1: counts per stack. Throws as
  // snapshot() does.
  Profile counts() const;

  // The counts, then (unless they show the dump would pass the runtime's
  // 64 MiB cap) snapshots until the program is quiet or
  // CheckOptions::quiet_timeout passes; see Baseline for what it records.
  Baseline baseline() const;

  // The baseline without waiting for the program to go quiet: for a check
  // that can run its scenario again (check_runs with CheckOptions::repeat
  // unset), which takes a quiet baseline later, only when the first run
  // leaves goroutines that need it. A program still starting up can only
  // make new goroutines look like leaks, never hide one.
  Baseline baseline_at_once() const;

  // Re-snapshots until no new goroutine remains or the settle time passes,
  // then reports the new blocked ones. When the baseline's or an
  // after-scenario dump is truncated, ids prove nothing: it says so in
  // LeakReport::ids_not_compared and compares counts per stack instead,
  // reporting the stacks that grew. Leaks whose headers carry no pprof
  // labels (Go before 1.27) get them from one debug=1 request, matched by
  // stack, and meet the ignore rules again with them.
  //
  // Every verdict rests on evidence checked two ways: the dump it is made
  // of must come from the baseline's runtime (why_runtime_changed; a
  // restart or exec is Error(ErrorKind::not_our_program)), and agree with
  // a debug=1 profile taken right after it (compare_dump_with_profile),
  // looked at again twice, a few ms apart, before it is
  // Error(ErrorKind::incomplete); so is comparing by counts when a profile
  // is cut off too.
  //
  // Returns within CheckOptions::settle of being called, plus one dump's
  // fetch (a poll is not started that could not end in time), plus one
  // profile's, or three dumps and profiles when they disagreed; the report
  // says how long it waited.
  LeakReport check(const Baseline& baseline) const;

  // The whole check of a scenario: runs it CheckOptions::warmup times,
  // takes the baseline (at once when CheckOptions::repeat is unset, else
  // quiet), then check_runs(). `scenario` runs on the calling thread; what
  // it throws is passed on. Throws Error(ErrorKind::usage) for warmup < 0
  // or repeat < 1, before running anything.
  LeakReport check_scenario(const std::function<void()>& scenario) const;

  // check_scenario() after its baseline: runs `scenario` as
  // CheckOptions::repeat says since `baseline` was taken, then checks and
  // judges the runs. Runs after the first are each followed by snapshots
  // until two in a row agree (within the settle time), whose new goroutines
  // are counted; with two runs or more, every group new after the last is
  // judged by its growth (LeakReport::growth). An automatic re-baseline
  // that finds another runtime behind the endpoint is
  // Error(ErrorKind::not_our_program).
  //
  // Time: one run and a check when the first run decides; else one run,
  // polls until its new goroutines stop changing (at most the settle time),
  // a quiet baseline (at most CheckOptions::quiet_timeout), and
  // kRunsAfterAWarmup more runs and their checks.
  LeakReport check_runs(const Baseline& baseline, const std::function<void()>& scenario) const;

  // Takes over what the program answered when it became ready
  // (Program::take_ready_answer, or wait_for_pprof's answer): its
  // connection serves this Checker's requests from now on, and its
  // goroutine profile is the first baseline's counts, instead of a request
  // for them. Only while nothing has run since it was taken: call it right
  // before check_scenario() or baseline(); check_scenario() with warm-up
  // runs drops the profile. Throws Error(ErrorKind::usage) for an answer
  // from another endpoint.
  void adopt(ReadyAnswer answer);

  const CheckOptions& options() const { return options_; }
  const Endpoint& endpoint() const { return client_->endpoint(); }

 private:
  template <class Fetch>
  auto fetch(Fetch&& fetch) const;
  // snapshot() and counts(), calling `while_waiting` once the request is
  // sent, before the answer is read (HttpClient::get): the checker's own
  // work overlaps the program's.
  Snapshot snapshot_while(const std::function<void()>& while_waiting) const;
  Profile counts_while(const std::function<void()>& while_waiting) const;
  // What asking for the runtime's proof gave: a snapshot whose proven
  // leaks are marked, or nullopt (with `why` set) when the program does not
  // serve the profile or took too long.
  std::optional<Snapshot> proof_snapshot(std::chrono::milliseconds deadline, std::string& why) const;
  // The last poll's dump checked against the baseline's runtime and a
  // debug=1 profile taken now: that profile when they agree, nullopt when
  // they disagree (`failures` counts it; poll again), and Error after the
  // last try. While the profile is made, require_same_server(baseline):
  // the verdict's dump was taken, so a restart from then on is seen.
  std::optional<Profile> cross_check(const Snapshot& after, const Baseline& baseline, int& failures) const;
  // check(), or, with `may_defer`, nullopt when the run left new goroutines
  // the runtime did not prove leaked, once they stop changing: the caller
  // repeats the scenario to judge them (check_runs), and `history` (when
  // given) gets the blocked ones it left. Without `may_defer`, `history`
  // holds the earlier runs of a check by growth, whose growth may show the
  // leaks before the settle time is out (when_growth_shows_leaks).
  std::optional<LeakReport> judge(const Baseline& baseline, bool may_defer,
                                  RunHistory* history = nullptr) const;
  // judge()'s steps: polls by goroutine id (its own class, for the state
  // the polls share), polls by counts per stack when a dump was cut (each
  // checks that the baseline's server still serves, after its last dump),
  // and what every verdict adds at the end (groups, totals).
  class IdPolls;
  using Clock = std::chrono::steady_clock;
  void settle_by_counts(const Baseline& baseline, detail::Backoff& backoff, Clock::duration& poll_time,
                        LeakReport& report) const;
  void finish_report(const Baseline& baseline, Clock::time_point start, LeakReport& report) const;
  // baseline() and baseline_at_once().
  Baseline take_baseline(bool wait_for_quiet) const;
  // The adopted profile, once, when it is a whole one; else
  // counts_while(while_waiting), and `while_waiting` runs.
  Profile counts_for_baseline(const std::function<void()>& while_waiting) const;
  // `runs` runs of `scenario` against `baseline`, judged by growth from 2.
  // `history`: what the runs before `baseline` left, if anything.
  LeakReport judged_runs(const Baseline& baseline, const std::function<void()>& scenario, int runs,
                         RunHistory history) const;
  // Error(ErrorKind::not_our_program) when the server that served
  // `baseline` no longer serves the endpoint.
  void require_same_server(const Baseline& baseline) const;

  CheckOptions options_;
  TriageRules rules_;  // options_' rules in force, combined once
  std::function<void()> check_alive_;
  std::unique_ptr<HttpClient> client_;
  // adopt()'s profile, until the first baseline uses it.
  mutable std::optional<std::string> ready_profile_;
};

}  // namespace goleakcheck
