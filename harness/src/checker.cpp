#include "goleakcheck/checker.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "backoff.hpp"
#include "goleakcheck/dump.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/idle_connection.hpp"

namespace goleakcheck {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kFirstPause = std::chrono::milliseconds(5);
constexpr auto kLongestPause = std::chrono::milliseconds(200);
// How long a failed request waits to learn whether the program died.
constexpr auto kExitWait = std::chrono::milliseconds(200);

void reject_truncated(const Snapshot& snapshot, std::string_view which) {
  if (!snapshot.truncated) return;
  throw Error(ErrorKind::truncated_dump,
              fmt::format("the {} goroutine dump was cut off ({} bytes, {} goroutines read), so goroutine ids cannot "
                          "be compared; reduce the number of goroutines or check a smaller scenario",
                          which, snapshot.text->size(), snapshot.goroutines.size()));
}

// New goroutines of one after-snapshot, sorted into what the verdict needs.
struct Sorted {
  std::vector<const Goroutine*> blocked;
  std::vector<const Goroutine*> active;
  std::vector<const Goroutine*> idle_connections;
  std::size_t ignored = 0;
  std::vector<std::size_t> hits;  // per ignore rule
};

Sorted sort_new_goroutines(const Snapshot& after, const Baseline& baseline, const CheckOptions& options) {
  Sorted sorted;
  sorted.hits.assign(options.ignores.size(), 0);
  for (const Goroutine& g : after.goroutines) {
    if (baseline.contains(g.id) || is_snapshot_footprint(g)) continue;
    if (!options.idle_connections_are_leaks && classify_idle_connection(g) != IdleConnection::none) {
      sorted.idle_connections.push_back(&g);
      continue;
    }
    const auto rule = std::find_if(options.ignores.begin(), options.ignores.end(),
                                   [&](const Ignore& i) { return i.matches(g); });
    if (rule != options.ignores.end()) {
      ++sorted.ignored;
      ++sorted.hits[static_cast<std::size_t>(rule - options.ignores.begin())];
    } else {
      (g.blocked() ? sorted.blocked : sorted.active).push_back(&g);
    }
  }
  return sorted;
}

std::vector<Goroutine> copy_out(const std::vector<const Goroutine*>& goroutines) {
  std::vector<Goroutine> copies;
  copies.reserve(goroutines.size());
  for (const Goroutine* g : goroutines) copies.push_back(*g);
  return copies;
}

}  // namespace

Baseline::Baseline(Snapshot snapshot) : snapshot_(std::move(snapshot)) {
  sorted_ids_.reserve(snapshot_.goroutines.size());
  for (const Goroutine& g : snapshot_.goroutines) sorted_ids_.push_back(g.id);
  std::sort(sorted_ids_.begin(), sorted_ids_.end());
}

bool Baseline::contains(std::uint64_t id) const { return std::binary_search(sorted_ids_.begin(), sorted_ids_.end(), id); }

bool is_snapshot_footprint(const Goroutine& g) {
  if (g.created_by && g.created_by->function == "net/http.(*connReader).startBackgroundRead") return true;
  return std::any_of(g.frames.begin(), g.frames.end(), [](const Frame& f) {
    return f.function == "runtime/pprof.writeGoroutineStacks" || f.function.starts_with("net/http/pprof.");
  });
}

Checker::Checker(Endpoint endpoint, CheckOptions options, std::function<void()> check_alive)
    : options_(std::move(options)),
      check_alive_(std::move(check_alive)),
      client_(std::make_unique<HttpClient>(std::move(endpoint))) {}

Checker::Checker(Checker&&) noexcept = default;
Checker::~Checker() = default;

Snapshot Checker::snapshot() const {
  if (check_alive_) check_alive_();
  std::string dump;
  try {
    dump = fetch_goroutine_dump(*client_, options_.fetch);
  } catch (const Error&) {
    // A failed request is often the program dying: say that instead. Its
    // sockets close a moment before it can be reaped, so look for a while.
    if (check_alive_) {
      for (detail::Backoff backoff(kExitWait, kFirstPause, kFirstPause); !backoff.expired(); backoff.sleep()) {
        check_alive_();
      }
    }
    throw;
  }
  return parse_dump(std::move(dump));
}

Baseline Checker::baseline() const {
  Snapshot snapshot = this->snapshot();
  reject_truncated(snapshot, "baseline");
  return Baseline(std::move(snapshot));
}

LeakReport Checker::check(const Baseline& baseline) const {
  const auto start = Clock::now();
  detail::Backoff backoff(options_.settle, kFirstPause, kLongestPause);
  LeakReport report;
  while (true) {
    Snapshot after = snapshot();
    ++report.snapshots;
    reject_truncated(after, "after-scenario");
    Sorted sorted = sort_new_goroutines(after, baseline, options_);
    // Wait for every new goroutine, running ones too: a goroutine running
    // now may park a moment later. Idle connections stay open for minutes
    // by design, and ignored goroutines do not matter: no waiting for them.
    if ((sorted.blocked.empty() && sorted.active.empty()) || backoff.expired()) {
      report.leaks = copy_out(sorted.blocked);
      report.still_running = copy_out(sorted.active);
      report.idle_connections = copy_out(sorted.idle_connections);
      report.ignored = sorted.ignored;
      for (std::size_t i = 0; i < options_.ignores.size(); ++i) {
        report.ignore_uses.push_back({options_.ignores[i].name, options_.ignores[i].origin, sorted.hits[i]});
      }
      report.final_goroutines = after.goroutines.size();
      report.text = after.text;
      break;
    }
    backoff.sleep();
  }
  report.groups = group_leaks(report.leaks);
  report.baseline_goroutines = baseline.snapshot().goroutines.size();
  report.elapsed = Clock::now() - start;
  return report;
}

}  // namespace goleakcheck
