// Snapshots before and after a scenario, and the verdict.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "goleakcheck/endpoint.hpp"
#include "goleakcheck/goroutine.hpp"
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
  // Which new goroutines are not leaks; tried in order, the first match
  // counts. Replace (or clear) to drop the defaults.
  std::vector<Ignore> ignores = default_ignores();
  // Idle kept-alive HTTP connections are counted apart by default, not
  // failed and not waited for while settling (see idle_connection.hpp).
  bool idle_connections_are_leaks = false;
};

namespace detail {
class Backoff;
}

// The goroutines that existed before the scenario: their ids, and their
// counts per stack for when a dump is cut off.
class Baseline {
 public:
  explicit Baseline(Snapshot snapshot, Profile counts = {});
  bool contains(std::uint64_t id) const;
  const Snapshot& snapshot() const { return snapshot_; }
  const Profile& counts() const { return counts_; }

 private:
  Snapshot snapshot_;
  Profile counts_;
  std::vector<std::uint64_t> sorted_ids_;
};

// True for goroutines that exist only because a dump is being taken: the
// one serving the pprof request and net/http's background reader of a
// connection. They are never reported, whatever the ignore rules.
bool is_snapshot_footprint(const Goroutine& g);

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
  void compare_ids(const Baseline& baseline, detail::Backoff& backoff, LeakReport& report) const;
  void compare_counts(const Baseline& baseline, detail::Backoff& backoff, LeakReport& report) const;
  void label_leaks(LeakReport& report) const;

  CheckOptions options_;
  std::function<void()> check_alive_;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace goleakcheck
