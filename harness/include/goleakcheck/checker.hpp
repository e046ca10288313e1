// Snapshots before and after a scenario, and the verdict.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "goleakcheck/endpoint.hpp"
#include "goleakcheck/goroutine.hpp"
#include "goleakcheck/ignore.hpp"
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

// The goroutines that existed before the scenario.
class Baseline {
 public:
  explicit Baseline(Snapshot snapshot);
  bool contains(std::uint64_t id) const;
  const Snapshot& snapshot() const { return snapshot_; }

 private:
  Snapshot snapshot_;
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

  // GET /debug/pprof/goroutine?debug=2, parsed. Throws Error:
  // snapshot_failed, program_exited.
  Snapshot snapshot() const;

  Baseline baseline() const;

  // Re-snapshots until no new goroutine remains or the settle time passes,
  // then reports the new blocked ones. Throws Error(truncated_dump) when a
  // dump was cut off, rather than compare ids it cannot trust.
  LeakReport check(const Baseline& baseline) const;

  const CheckOptions& options() const { return options_; }
  const Endpoint& endpoint() const { return client_->endpoint(); }

 private:
  CheckOptions options_;
  std::function<void()> check_alive_;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace goleakcheck
