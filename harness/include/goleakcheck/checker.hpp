// The settle loop: snapshots before and after a scenario, polled until new
// goroutines are gone or the settle time is spent, and the verdict.
//
// A Checker is not thread-safe (it owns one kept-alive connection); use one
// per thread. Its snapshots and reports own what their records point into.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "goleakcheck/diff.hpp"
#include "goleakcheck/goroutine.hpp"
#include "goleakcheck/http_client.hpp"
#include "goleakcheck/ignore.hpp"
#include "goleakcheck/profile.hpp"
#include "goleakcheck/report.hpp"

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
  // Idle kept-alive HTTP connections are counted apart by default, not
  // failed and not waited for while settling (see idle_connection.hpp).
  bool idle_connections_are_leaks = false;
};

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

  // A snapshot and the counts.
  Baseline baseline() const;

  // Re-snapshots until no new goroutine remains or the settle time passes,
  // then reports the new blocked ones. When the baseline's or an
  // after-scenario dump is truncated, ids prove nothing: it says so in
  // LeakReport::ids_not_compared and compares counts per stack instead,
  // reporting the stacks that grew. Leaks whose headers carry no pprof
  // labels (Go before 1.27) get them from one debug=1 request, matched by
  // stack, and meet the ignore rules again with them.
  LeakReport check(const Baseline& baseline) const;

  const CheckOptions& options() const { return options_; }
  const Endpoint& endpoint() const { return client_->endpoint(); }

 private:
  template <class Fetch>
  auto fetch(Fetch&& fetch) const;

  CheckOptions options_;
  TriageRules rules_;  // options_' rules in force, combined once
  std::function<void()> check_alive_;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace goleakcheck
