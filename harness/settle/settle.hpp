// The settle loop, one for every kind of comparison: poll, and stop when a
// poll finds nothing left to wait for or no other poll fits in the settle
// time. Polls start a few milliseconds apart and back off, so a clean
// scenario is judged as soon as its goroutines are gone; the caller keeps
// what the last poll saw.
#pragma once

#include <algorithm>
#include <chrono>

#include "common/backoff.hpp"
#include "goleakcheck/check_options.hpp"

namespace goleakcheck::detail {

// Runs `poll()` until it returns true, backing off between polls. A poll
// returns true when it saw nothing left to wait for, or when another poll
// taking as long as it did (`poll_time`, which it updates) would end past
// the deadline (!backoff.has_room_for(poll_time)): either way it has
// recorded what it saw, so the last poll is the one the verdict comes from,
// and the verdict comes by the deadline whenever one poll fits in it.
template <class Poll>
void settle(Backoff& backoff, const Backoff::Clock::duration& poll_time, Poll&& poll) {
  while (!poll()) backoff.sleep(poll_time);
}

// The stay in force: CheckOptions::growth_stay, at most the settle time.
inline std::chrono::milliseconds growth_stay(const CheckOptions& options) {
  return std::min(options.growth_stay, options.settle);
}

}  // namespace goleakcheck::detail
