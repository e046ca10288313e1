// A scenario run again and again: warm-up runs before the baseline, then
// runs judged by how each group of new goroutines grows.
#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "common/backoff.hpp"
#include "goleakcheck/checker.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/growth.hpp"
#include "goleakcheck/report.hpp"

namespace goleakcheck {

namespace {

using Counts = std::map<std::string, std::size_t>;

// The new goroutines a judgement by growth looks at: those that would be
// reported, and idle connections.
Counts counts_after_run(const NewGoroutines& sorted) {
  std::vector<const Goroutine*> judged = sorted.blocked;
  judged.insert(judged.end(), sorted.idle_connections.begin(), sorted.idle_connections.end());
  return count_by_growth_key(judged);
}

// Judges every group new after the last run by its counts after each run,
// and moves goroutines between `leaks` and `idle_connections` to match:
// bounded groups leave `leaks`, idle connections that grow join it.
void judge_runs(LeakReport& report, const std::vector<Counts>& earlier_runs) {
  std::map<std::string, std::vector<const Goroutine*>> by_key;
  std::map<std::string, bool> idle;
  for (const Goroutine& g : report.leaks) by_key[growth_key(g)].push_back(&g);
  for (const Goroutine& g : report.idle_connections) {
    const std::string key = growth_key(g);
    by_key[key].push_back(&g);
    idle[key] = true;
  }
  std::vector<Goroutine> leaks;
  std::vector<Goroutine> idle_connections;
  for (const auto& [key, goroutines] : by_key) {
    GroupGrowth growth;
    for (const Counts& run : earlier_runs) {
      const auto found = run.find(key);
      growth.counts.push_back(found == run.end() ? 0 : found->second);
    }
    growth.counts.push_back(goroutines.size());
    growth.growth = judge_growth(growth.counts);
    growth.idle_connection = idle[key];
    growth.proven = std::any_of(goroutines.begin(), goroutines.end(), [](const Goroutine* g) { return g->leaked_marker; });
    std::vector<Goroutine> copies;
    for (const Goroutine* g : goroutines) copies.push_back(*g);
    growth.group = std::move(group_leaks(copies).front());
    auto& destination = growth.fails() ? leaks : idle_connections;
    if (growth.fails() || growth.idle_connection) destination.insert(destination.end(), copies.begin(), copies.end());
    report.growth.push_back(std::move(growth));
  }
  std::stable_sort(report.growth.begin(), report.growth.end(), [](const GroupGrowth& a, const GroupGrowth& b) {
    return a.fails() != b.fails() ? a.fails() : a.group.count() > b.group.count();
  });
  report.leaks = std::move(leaks);
  report.idle_connections = std::move(idle_connections);
  report.groups = group_leaks(report.leaks);
}

void require_valid_runs(const CheckOptions& options) {
  if (options.warmup < 0 || options.repeat < 1) {
    throw Error(ErrorKind::usage, fmt::format("a scenario runs at least once after the baseline and never a negative "
                                              "number of times before it (warmup {}, repeat {})",
                                              options.warmup, options.repeat));
  }
}

}  // namespace

LeakReport Checker::check_scenario(const std::function<void()>& scenario) const {
  require_valid_runs(options_);
  for (int run = 0; run < options_.warmup; ++run) scenario();
  return check_runs(baseline(), scenario);
}

LeakReport Checker::check_runs(const Baseline& baseline, const std::function<void()>& scenario) const {
  require_valid_runs(options_);
  std::vector<Counts> earlier_runs;
  for (int run = 1; run < options_.repeat; ++run) {
    scenario();
    // Right after a run, some of its goroutines are still finishing, some
    // just started, and the caller's own connection may still be closing:
    // counted then, they are noise. Counted once two snapshots in a row
    // agree (or the settle time is spent), they are what the run left.
    detail::Backoff backoff(options_.settle, std::chrono::milliseconds(5), std::chrono::milliseconds(100));
    std::optional<Counts> last;
    bool cut = false;
    while (true) {
      const Snapshot after = snapshot();
      if (after.truncated) {
        cut = true;  // counts per stack decide then; see check()
        break;
      }
      Counts counts = counts_after_run(new_goroutines(after, baseline, rules_));
      const bool agreed = last && *last == counts;
      last = std::move(counts);
      if (agreed || backoff.expired()) break;
      backoff.sleep();
    }
    if (!cut) earlier_runs.push_back(std::move(*last));
  }
  scenario();
  LeakReport report = check(baseline);
  report.warmup_runs = options_.warmup;
  report.runs = options_.repeat;
  // Ids compared after every run: judged by growth. (A cut dump leaves the
  // check to counts per stack, where any growth fails.)
  if (options_.repeat >= 2 && report.ids_not_compared.empty() &&
      earlier_runs.size() == static_cast<std::size_t>(options_.repeat - 1)) {
    judge_runs(report, earlier_runs);
  }
  return report;
}

}  // namespace goleakcheck
