// A scenario run again and again: warm-up runs before the baseline, then
// runs judged by how each group of new goroutines grows.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "common/backoff.hpp"
#include "goleakcheck/checker.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/growth.hpp"
#include "goleakcheck/diff.hpp"
#include "goleakcheck/duration.hpp"
#include "goleakcheck/report.hpp"
#include "goleakcheck/run_history.hpp"
#include "settle/settle.hpp"

namespace goleakcheck {

namespace {

using Counts = std::map<std::string, std::size_t>;

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
  if (options.warmup < 0 || (options.repeat && *options.repeat < 1)) {
    throw Error(ErrorKind::usage, fmt::format("a scenario runs at least once after the baseline and never a negative "
                                              "number of times before it (warmup {}, repeat {})",
                                              options.warmup, options.repeat.value_or(0)));
  }
}

// How a report judged by growth ended, when growth ended it early.
std::string growth_shown(const LeakReport& report, std::chrono::milliseconds stay) {
  if (!report.decided_by_growth) return {};
  return fmt::format("; every group grew with each run, and its oldest goroutine stayed blocked for {} with none "
                     "of them ending, so the rest of the settle time was not waited out",
                     format_duration(stay));
}

// What decided a report of `runs` runs against one baseline.
std::string basis_of(const LeakReport& report, int runs, bool repeat_given, std::chrono::milliseconds stay) {
  if (runs >= 2) {
    return fmt::format("{} runs of the scenario after the baseline{}, each group of new goroutines judged by its "
                       "growth{}",
                       runs, repeat_given ? " (as repeat asked)" : "", growth_shown(report, stay));
  }
  const std::string once = repeat_given ? "1 run of the scenario (as repeat asked)" : "1 run of the scenario";
  if (report.clean()) return once + ": it left no new blocked goroutine";
  if (report.decided_by_proof) return once + ": the Go runtime proved every new blocked goroutine leaked";
  return once + ": new goroutines stayed blocked for the settle time";
}

}  // namespace

LeakReport Checker::check_scenario(const std::function<void()>& scenario) const {
  require_valid_runs(options_);
  if (options_.warmup > 0) ready_profile_.reset();  // the warm-up runs change what it counted
  for (int run = 0; run < options_.warmup; ++run) scenario();
  return check_runs(options_.repeat ? baseline() : baseline_at_once(), scenario);
}

LeakReport Checker::check_runs(const Baseline& baseline, const std::function<void()>& scenario) const {
  require_valid_runs(options_);
  if (options_.repeat) {
    LeakReport report = judged_runs(baseline, scenario, *options_.repeat, {});
    report.warmup_runs = options_.warmup;
    report.verdict_basis = basis_of(report, *options_.repeat, true, detail::growth_stay(options_));
    return report;
  }
  scenario();
  RunHistory history;
  if (std::optional<LeakReport> first = judge(baseline, true, &history)) {
    first->warmup_runs = options_.warmup;
    first->verdict_basis = basis_of(*first, 1, false, detail::growth_stay(options_));
    return std::move(*first);
  }
  // The first run left goroutines only more runs can judge. Whatever it
  // made once (a client, a pool, a periodic worker) goes into a baseline
  // taken after it, once the program is quiet: what start-up was still
  // doing, too. The runs after it are judged by growth.
  const Baseline after_first = this->baseline();
  require_same_server(baseline);
  if (std::string why = why_runtime_changed(after_first.snapshot(), baseline); !why.empty()) {
    throw Error(ErrorKind::not_our_program,
                fmt::format("the program at {} changed during the check: {}; check it again", endpoint().url(), why));
  }
  LeakReport report = judged_runs(after_first, scenario, kRunsAfterAWarmup, std::move(history));
  report.warmup_runs = options_.warmup + 1;
  report.automatic_runs = true;
  report.verdict_basis = fmt::format(
      "{} runs of the scenario: the first left new goroutines the Go runtime did not prove leaked (made once, or "
      "leaked), so it counted as a warm-up, and the {} after it were judged by growth against a baseline taken "
      "then{}",
      kRunsAfterAWarmup + 1, kRunsAfterAWarmup, growth_shown(report, detail::growth_stay(options_)));
  return report;
}

LeakReport Checker::judged_runs(const Baseline& baseline, const std::function<void()>& scenario, int runs,
                                RunHistory history) const {
  for (int run = 1; run < runs; ++run) {
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
      const auto seen_at = std::chrono::steady_clock::now();
      if (after.truncated) {
        cut = true;  // counts per stack decide then; see check()
        break;
      }
      const NewGoroutines sorted = new_goroutines(after, baseline, rules_);
      history.note(sorted, seen_at);
      Counts counts = count_after_run(sorted);
      const bool agreed = last && *last == counts;
      last = std::move(counts);
      if (agreed || backoff.expired()) break;
      backoff.sleep();
    }
    if (!cut) history.counts.push_back(std::move(*last));
  }
  scenario();
  // Ids compared after every run: judged by growth, which may show the
  // leaks before the settle time is out. (A cut dump leaves the check to
  // counts per stack, where any growth fails.)
  const bool by_growth = runs >= 2 && history.counts.size() == static_cast<std::size_t>(runs - 1);
  LeakReport report = *judge(baseline, false, by_growth ? &history : nullptr);
  report.runs = runs;
  if (by_growth && report.ids_not_compared.empty()) judge_runs(report, history.counts);
  return report;
}

}  // namespace goleakcheck
