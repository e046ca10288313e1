// What the runs of a scenario judged by growth have seen so far, and when
// that already shows the last run's new goroutines leaked, before the
// settle time is out (Checker::check_runs). Pure: times are passed in, no
// clock is read, nothing is fetched.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "goleakcheck/diff.hpp"
#include "goleakcheck/goroutine.hpp"

namespace goleakcheck {

// How many goroutines of each growth key (growth_key()) a run left: the
// blocked ones a check would report, and idle connections. O(n log keys).
std::map<std::string, std::size_t> count_after_run(const NewGoroutines& sorted);

// The counts after each earlier run, and every blocked goroutine counted so
// far (the first run's too, when it was a warm-up) with its growth key and
// when it was first seen.
struct RunHistory {
  using Clock = std::chrono::steady_clock;
  struct Sighting {
    std::string key;  // growth_key()
    Clock::time_point first_seen;
  };
  std::vector<std::map<std::string, std::size_t>> counts;  // count_after_run() of each earlier run
  std::unordered_map<std::uint64_t, Sighting> seen;         // by goroutine id

  // Notes `g`, first seen at `at`, unless it is noted already. O(1).
  void note(const Goroutine& g, Clock::time_point at);
  // note() for every blocked goroutine of `sorted`, seen at `at`. O(b)
  // for b blocked.
  void note(const NewGoroutines& sorted, Clock::time_point at);
};

// When the last run's dump `after` (sorted into `sorted`) shows every new
// blocked goroutine a leak by growth, without waiting out the settle time:
//  - nothing new is running (it could still park elsewhere, or end);
//  - every group of them (by growth key) grew with every run: the counts
//    of `history` and count_after_run(sorted) judge as Growth::growing;
//  - every goroutine of those groups that `history` saw is still in
//    `after`, blocked (one that ended shows the kind ends on its own);
//  - each group has one that `history` saw, and the moment returned is
//    when the most recent group's oldest will have stayed `stay`.
// Returns that moment (at or before now: shown; later: look again then),
// or nullopt when growth does not show it (the settle time decides).
// O(n + s log k) for n goroutines in `after`, s sightings and k groups.
std::optional<RunHistory::Clock::time_point> when_growth_shows_leaks(const NewGoroutines& sorted,
                                                                     const Snapshot& after,
                                                                     const RunHistory& history,
                                                                     std::chrono::milliseconds stay);

}  // namespace goleakcheck
