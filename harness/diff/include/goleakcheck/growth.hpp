// Growth across repetitions of a scenario (CheckOptions::repeat): a group of
// new goroutines that grows with every run is a leak; one that appears and
// stays flat (a pool filling up, a singleton created on first use) is
// bounded. Pure functions of counts: no I/O and no clock.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "goleakcheck/goroutine.hpp"

namespace goleakcheck {

enum class Growth {
  growing,  // rose steadily to the end: a leak
  bounded,  // flat over the last half of the runs, at least the last two
  unclear,  // neither (noise, or too few runs to tell): never a pass
};

// "growing", "bounded", "unclear".
std::string_view describe(Growth growth);

// Judges a group's counts after each run, the last one settled. With n
// counts: bounded when the last n/2+1 are equal; growing when, with n >= 3,
// the counts never fall over that last part and the last is above both its
// first and the very first; else unclear. Requires n >= 2. O(n).
Growth judge_growth(std::span<const std::size_t> counts);

// The average rise per run, from the first count to the last.
double growth_per_run(std::span<const std::size_t> counts);

// Which goroutines are counted together across runs: those that run the
// same function (their outermost frame), started by the same line. Not
// where they wait: right after a run, a goroutine may still be running,
// or parked at another line of the same loop, and must still be counted.
// O(1) frames.
std::string growth_key(const Goroutine& g);

// How many goroutines of each key. O(n log keys).
std::map<std::string, std::size_t> count_by_growth_key(std::span<const Goroutine* const> goroutines);

}  // namespace goleakcheck
