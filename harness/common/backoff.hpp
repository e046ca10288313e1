// Polling that starts fast and backs off, never past a deadline: how the
// harness waits for a child to exit, for pprof to answer and for new
// goroutines to finish, so that a quick outcome is seen quickly.
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

namespace goleakcheck::detail {

class Backoff {
 public:
  using Clock = std::chrono::steady_clock;

  Backoff(std::chrono::milliseconds budget, std::chrono::milliseconds first, std::chrono::milliseconds longest)
      : deadline_(Clock::now() + budget), pause_(first), longest_(longest) {}

  bool expired() const { return Clock::now() >= deadline_; }
  Clock::duration remaining() const { return std::max<Clock::duration>(deadline_ - Clock::now(), Clock::duration{}); }

  // Sleeps for the current pause (cut to the deadline), then doubles it up
  // to the longest.
  void sleep() {
    std::this_thread::sleep_for(std::min<Clock::duration>(pause_, remaining()));
    pause_ = std::min(pause_ * 2, longest_);
  }

 private:
  Clock::time_point deadline_;
  std::chrono::milliseconds pause_;
  std::chrono::milliseconds longest_;
};

}  // namespace goleakcheck::detail
