// Judging groups by growth over repeated runs, and the helpers of a quiet
// baseline and of a baseline taken from counts alone: pure functions, on
// counts and on captured dumps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "goleakcheck/diff.hpp"
#include "goleakcheck/dump.hpp"
#include "goleakcheck/growth.hpp"
#include "goleakcheck/profile.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

Growth judge(std::vector<std::size_t> counts) { return judge_growth(counts); }

TEST(JudgeGrowth, ALeakPerRunGrows) {
  EXPECT_EQ(judge({1, 2, 3, 4}), Growth::growing);
  EXPECT_EQ(judge({3, 6, 9}), Growth::growing);
  // Every other run, with a first run that leaked nothing yet.
  EXPECT_EQ(judge({0, 1, 1, 2, 2, 3}), Growth::growing);
  EXPECT_DOUBLE_EQ(growth_per_run(std::vector<std::size_t>{1, 2, 3, 4}), 1.0);
  EXPECT_DOUBLE_EQ(growth_per_run(std::vector<std::size_t>{0, 1, 1, 2, 2, 3}), 0.6);
}

TEST(JudgeGrowth, APoolThatFillsUpThenStaysIsBounded) {
  EXPECT_EQ(judge({4, 4, 4}), Growth::bounded);          // a singleton's workers
  EXPECT_EQ(judge({1, 2, 3, 4, 4, 4, 4, 4}), Growth::bounded);  // filled in four runs, then flat
  EXPECT_EQ(judge({1, 1}), Growth::bounded);
}

TEST(JudgeGrowth, NoiseAndTooFewRunsAreUnclearNeverAPass) {
  EXPECT_EQ(judge({1, 2}), Growth::unclear);        // a leak, or a pool of two?
  EXPECT_EQ(judge({0, 3, 1, 2}), Growth::unclear);  // up and down
  EXPECT_EQ(judge({2, 5, 4}), Growth::unclear);     // fell at the end
  // Filled in four of five runs: the last part still rises, so it cannot
  // be told from a leak; that is what more runs are for.
  EXPECT_EQ(judge({1, 2, 3, 4, 4}), Growth::growing);
}

TEST(JudgeGrowth, DescribesEachJudgement) {
  EXPECT_EQ(describe(Growth::growing), "growing");
  EXPECT_EQ(describe(Growth::bounded), "bounded");
  EXPECT_EQ(describe(Growth::unclear), "unclear");
}

// Go 1.26's capture of tests/capture/waitstates.
Snapshot waitstates() { return parse_dump(test::read_file(test::fixture("releases/go1.26/goroutine.debug2.txt"))); }

TEST(GrowthKey, GroupsByFunctionAndCreatorWhereverTheyWait) {
  const Snapshot s = waitstates();
  std::vector<const Goroutine*> all;
  for (const Goroutine& g : s.goroutines) all.push_back(&g);
  const auto counts = count_by_growth_key(all);
  std::size_t total = 0;
  for (const auto& [key, n] : counts) total += n;
  EXPECT_EQ(total, s.goroutines.size());
  // Two goroutines are one key exactly when they run the same function,
  // started by the same line; their states and blocking lines do not count.
  for (const Goroutine& a : s.goroutines) {
    for (const Goroutine& b : s.goroutines) {
      const bool same = a.frames.back().function == b.frames.back().function && a.created_by == b.created_by;
      EXPECT_EQ(growth_key(a) == growth_key(b), same) << a.id << " " << b.id;
    }
  }
  Goroutine moved = s.goroutines.front();
  moved.state = "runnable";
  moved.frames.erase(moved.frames.begin());
  EXPECT_EQ(growth_key(moved), growth_key(s.goroutines.front()));
}

TEST(GoroutinesChanged, CountsGoroutinesThatStartedOrEndedButNotTheDumpRequest) {
  const Snapshot all = waitstates();
  EXPECT_EQ(goroutines_changed(all, all), 0u);
  Snapshot fewer = all;
  std::erase_if(fewer.goroutines, [](const Goroutine& g) { return g.id == 21 || g.id == 35; });
  EXPECT_EQ(goroutines_changed(all, fewer), 2u);
  EXPECT_EQ(goroutines_changed(fewer, all), 2u);
  // Goroutine 5 writes the dump: another request would have another one.
  Snapshot without_writer = all;
  std::erase_if(without_writer.goroutines, [](const Goroutine& g) { return g.id == 5; });
  EXPECT_EQ(goroutines_changed(all, without_writer), 0u);
}

TEST(GoroutinesChanged, ComparesCountsPerStack) {
  const Profile profile = parse_profile(test::read_file(test::fixture("go1.26-leakyservice.debug1.txt")));
  EXPECT_EQ(goroutines_changed(profile, profile), 0u);
  Profile more = profile;
  ASSERT_FALSE(more.stacks.empty());
  more.stacks.back().count += 3;
  EXPECT_EQ(goroutines_changed(profile, more), 3u);
}

// The lower bound must stay below what the runtime really writes, or a
// dump that would fit is skipped: checked against a real pair of a dump
// and a profile of the same moment.
TEST(LeastDumpBytes, StaysBelowTheRealDumpOfTheSameGoroutines) {
  const std::string dump = test::read_file(test::fixture("go1.26-leakyservice.debug2.txt"));
  const Profile profile = parse_profile(test::read_file(test::fixture("go1.26-leakyservice.debug1.txt")));
  const std::size_t least = least_dump_bytes(profile);
  EXPECT_GT(least, 0u);
  EXPECT_LE(least, dump.size());
  EXPECT_GT(least * 3, dump.size()) << "a bound this loose would never skip a dump";
}

}  // namespace
}  // namespace goleakcheck
