// Polling that starts fast and backs off, never past a deadline: how the
// harness waits for a child to exit, for pprof to answer and for new
// goroutines to finish, so that a quick outcome is seen quickly.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

namespace goleakcheck::detail {

class Backoff {
 public:
  using Clock = std::chrono::steady_clock;

  Backoff(std::chrono::milliseconds budget, std::chrono::milliseconds first, std::chrono::milliseconds longest)
      : deadline_(Clock::now() + budget), pause_(first), longest_(longest) {}

  bool expired() const { return Clock::now() >= deadline_; }
  Clock::duration remaining() const { return std::max<Clock::duration>(deadline_ - Clock::now(), Clock::duration{}); }

  // Whether something that takes `duration` would still end by the deadline
  // if started now.
  bool has_room_for(Clock::duration duration) const { return Clock::now() + duration < deadline_; }

  // Sleeps for the current pause, cut so that `reserve` (the next poll's
  // own time) still fits before the deadline, then doubles it up to the
  // longest.
  void sleep(Clock::duration reserve = Clock::duration{}) {
    Clock::duration room = std::max<Clock::duration>(remaining() - reserve, Clock::duration{});
    if (wake_by_) {
      room = std::min<Clock::duration>(room, std::max<Clock::duration>(*wake_by_ - Clock::now(), Clock::duration{}));
      wake_by_.reset();
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(pause_, room));
    pause_ = std::min(pause_ * 2, longest_);
  }

  // Ends the next sleep by `at` at the latest: a poll is due then (the
  // moment a verdict could be made, say), whatever the pause has grown to.
  void wake_by(Clock::time_point at) { wake_by_ = at; }

 private:
  Clock::time_point deadline_;
  std::chrono::milliseconds pause_;
  std::chrono::milliseconds longest_;
  std::optional<Clock::time_point> wake_by_;
};

}  // namespace goleakcheck::detail
