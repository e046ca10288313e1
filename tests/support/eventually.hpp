// Waiting for a condition, never for a fixed time.
#pragma once

#include <chrono>
#include <thread>

namespace goleakcheck::test {

// Polls `condition` every `poll` until it holds or `limit` passes; returns
// whether it held (checked once more at the end).
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds(10),
                std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
  for (const auto deadline = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < deadline;) {
    if (condition()) return true;
    std::this_thread::sleep_for(poll);
  }
  return condition();
}

}  // namespace goleakcheck::test
