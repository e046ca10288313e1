// The settle loop, one for every kind of comparison: poll, and stop when a
// poll finds nothing left to wait for or the settle time is spent. Polls
// start a few milliseconds apart and back off, so a clean scenario is
// judged as soon as its goroutines are gone; the caller keeps what the last
// poll saw.
#pragma once

#include "common/backoff.hpp"

namespace goleakcheck::detail {

// Runs `poll()` until it returns true, backing off between polls. A poll
// returns true when it saw nothing left to wait for, or when
// `backoff.expired()` after its fetch: either way it has recorded what it
// saw, so the last poll is always the one the verdict comes from.
template <class Poll>
void settle(Backoff& backoff, Poll&& poll) {
  while (!poll()) backoff.sleep();
}

}  // namespace goleakcheck::detail
