#include "goleakcheck/run_history.hpp"

#include <algorithm>

#include "goleakcheck/growth.hpp"

namespace goleakcheck {

std::map<std::string, std::size_t> count_after_run(const NewGoroutines& sorted) {
  std::vector<const Goroutine*> judged = sorted.blocked;
  judged.insert(judged.end(), sorted.idle_connections.begin(), sorted.idle_connections.end());
  return count_by_growth_key(judged);
}

void RunHistory::note(const Goroutine& g, Clock::time_point at) {
  if (!seen.contains(g.id)) seen.emplace(g.id, Sighting{growth_key(g), at});
}

void RunHistory::note(const NewGoroutines& sorted, Clock::time_point at) {
  for (const Goroutine* g : sorted.blocked) note(*g, at);
}

std::optional<RunHistory::Clock::time_point> when_growth_shows_leaks(const NewGoroutines& sorted,
                                                                     const Snapshot& after,
                                                                     const RunHistory& history,
                                                                     std::chrono::milliseconds stay) {
  using Clock = RunHistory::Clock;
  if (sorted.blocked.empty() || !sorted.active.empty() || history.counts.empty()) return std::nullopt;
  // The groups to show, each with its count now (as count_after_run counts:
  // idle connections of the group too) and its oldest sighting so far.
  struct Group {
    std::size_t count = 0;
    Clock::time_point oldest = Clock::time_point::max();
  };
  std::map<std::string, Group> groups;
  for (const Goroutine* g : sorted.blocked) ++groups[growth_key(*g)].count;
  for (const Goroutine* g : sorted.idle_connections) {
    if (const auto group = groups.find(growth_key(*g)); group != groups.end()) ++group->second.count;
  }
  std::vector<std::size_t> counts;
  for (const auto& [key, group] : groups) {
    counts.clear();
    for (const auto& run : history.counts) {
      const auto found = run.find(key);
      counts.push_back(found == run.end() ? 0 : found->second);
    }
    counts.push_back(group.count);
    if (judge_growth(counts) != Growth::growing) return std::nullopt;
  }
  // One that ended, or runs again, shows that this kind may end.
  std::unordered_map<std::uint64_t, const Goroutine*> present;
  present.reserve(after.goroutines.size());
  for (const Goroutine& g : after.goroutines) present.emplace(g.id, &g);
  for (const auto& [id, sighting] : history.seen) {
    const auto group = groups.find(sighting.key);
    if (group == groups.end()) continue;
    const auto there = present.find(id);
    if (there == present.end() || !there->second->blocked()) return std::nullopt;
    group->second.oldest = std::min(group->second.oldest, sighting.first_seen);
  }
  Clock::time_point shown = Clock::time_point::min();
  for (const auto& [key, group] : groups) {
    if (group.oldest == Clock::time_point::max()) return std::nullopt;  // never seen before this run
    shown = std::max(shown, group.oldest + stay);
  }
  return shown;
}

}  // namespace goleakcheck
