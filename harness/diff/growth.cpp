#include "goleakcheck/growth.hpp"

#include <algorithm>
#include <cassert>

#include <fmt/format.h>

namespace goleakcheck {

std::string_view describe(Growth growth) {
  switch (growth) {
    case Growth::growing: return "growing";
    case Growth::bounded: return "bounded";
    case Growth::unclear: break;
  }
  return "unclear";
}

Growth judge_growth(std::span<const std::size_t> counts) {
  assert(counts.size() >= 2);
  // The last part of the runs is what tells: a pool fills up during the
  // first runs and then stays; a leak keeps rising to the end.
  const std::span<const std::size_t> tail = counts.last(counts.size() / 2 + 1);
  if (std::all_of(tail.begin(), tail.end(), [&](std::size_t c) { return c == tail.front(); })) return Growth::bounded;
  // With two runs, a rise is as much a pool that needed two connections as
  // a leak: too few to tell.
  if (counts.size() < 3) return Growth::unclear;
  const bool never_falls = std::is_sorted(tail.begin(), tail.end());
  if (never_falls && tail.back() > tail.front() && counts.back() > counts.front()) return Growth::growing;
  return Growth::unclear;
}

double growth_per_run(std::span<const std::size_t> counts) {
  if (counts.size() < 2) return 0;
  return (static_cast<double>(counts.back()) - static_cast<double>(counts.front())) /
         static_cast<double>(counts.size() - 1);
}

std::string growth_key(const Goroutine& g) {
  std::string key = g.frames.empty() ? std::string("-") : std::string(g.frames.back().function);
  if (g.created_by) {
    fmt::format_to(std::back_inserter(key), "\n{}\t{}:{}", g.created_by->function, g.created_by->file,
                   g.created_by->line);
  }
  return key;
}

std::map<std::string, std::size_t> count_by_growth_key(std::span<const Goroutine* const> goroutines) {
  std::map<std::string, std::size_t> counts;
  for (const Goroutine* g : goroutines) ++counts[growth_key(*g)];
  return counts;
}

}  // namespace goleakcheck
