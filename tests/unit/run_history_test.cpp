// When growth over the runs shows the last run's goroutines leaked before
// the settle time is out (when_growth_shows_leaks): a pure function of
// what earlier runs counted and saw, and of the last dump, on a dump
// written for it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/growth.hpp"
#include "goleakcheck/run_history.hpp"

namespace goleakcheck {
namespace {

using std::chrono::milliseconds;
using Clock = RunHistory::Clock;

// Goroutine 20 was left by a first run (it is in the baseline); 31, 39 and
// 42 by the three runs after it, all the same kind; 50 is another kind.
std::string record(int id, const char* state, const char* function, int line) {
  return "goroutine " + std::to_string(id) + " [" + state + "]:\n" + function + "()\n\t/src/main.go:" +
         std::to_string(line) + " +0x1d\ncreated by main.handler in goroutine 7\n\t/src/main.go:33 +0x65\n\n";
}

struct LastRun {
  Snapshot after;
  NewGoroutines sorted;
  RunHistory history;
  const Clock::time_point t0 = Clock::time_point{} + std::chrono::seconds(100);

  explicit LastRun(const char* state_of_20 = "chan send", bool with_20 = true) {
    std::string text;
    if (with_20) text += record(20, state_of_20, "main.leak.func1", 34);
    for (int id : {31, 39, 42}) text += record(id, "chan send", "main.leak.func1", 34);
    after = parse_dump(text);
    for (const Goroutine& g : after.goroutines) {
      if (g.id != 20) sorted.blocked.push_back(&g);
    }
    const std::string key = growth_key(*sorted.blocked.front());
    history.counts = {{{key, 1}}, {{key, 2}}};
    history.seen.emplace(20, RunHistory::Sighting{key, t0});
    history.seen.emplace(31, RunHistory::Sighting{key, t0 + milliseconds(200)});
    history.seen.emplace(39, RunHistory::Sighting{key, t0 + milliseconds(210)});
  }

  std::optional<Clock::time_point> when() const {
    return when_growth_shows_leaks(sorted, after, history, milliseconds(400));
  }
};

TEST(GrowthShowsLeaks, WhenEveryGroupGrewAndItsOldestStayed) {
  const LastRun run;
  // The oldest is the first run's, seen at t0: shown once it stayed 400ms.
  EXPECT_EQ(run.when(), run.t0 + milliseconds(400));
}

TEST(GrowthShowsLeaks, NotWhenOneSeenBeforeHasEnded) {
  const LastRun run("chan send", false);
  EXPECT_EQ(run.when(), std::nullopt) << "goroutine 20 ended: this kind ends on its own";
}

TEST(GrowthShowsLeaks, NotWhenOneSeenBeforeRunsAgain) {
  const LastRun run("running");
  EXPECT_EQ(run.when(), std::nullopt);
}

TEST(GrowthShowsLeaks, NotWhenAGroupStayedFlat) {
  LastRun run;
  for (auto& counts : run.history.counts) counts.begin()->second = 3;
  EXPECT_EQ(run.when(), std::nullopt) << "3, 3, 3 is bounded";
}

TEST(GrowthShowsLeaks, NotWhileANewGoroutineStillRuns) {
  LastRun run;
  run.sorted.active.push_back(run.sorted.blocked.back());
  run.sorted.blocked.pop_back();
  EXPECT_EQ(run.when(), std::nullopt);
}

TEST(GrowthShowsLeaks, NotForAGroupNoEarlierRunSaw) {
  LastRun run;
  run.history.seen.clear();
  EXPECT_EQ(run.when(), std::nullopt) << "no goroutine of it was seen to stay";
  LastRun other;
  const Snapshot more = parse_dump(record(50, "select", "main.other", 50));
  other.sorted.blocked.push_back(&more.goroutines.front());
  EXPECT_EQ(other.when(), std::nullopt) << "main.other grew from 0, 0 to 1 and was never seen before";
}

TEST(GrowthShowsLeaks, NotWithoutEarlierRuns) {
  LastRun run;
  run.history.counts.clear();
  EXPECT_EQ(run.when(), std::nullopt);
}

}  // namespace
}  // namespace goleakcheck
