// debug=1 profiles, captured from real runs (Go 1.26), and the comparison
// of counts per stack that a check falls back to when a dump is cut off.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goleakcheck/diff.hpp"
#include "goleakcheck/profile.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::SizeIs;

Profile fixture(const char* name) { return parse_profile(test::read_file(test::fixture(name))); }

TEST(ProfileReader, ReadsTotalCountsAndFramesOfARealProfile) {
  const Profile p = fixture("go1.26-leakyservice.debug1.txt");
  EXPECT_EQ(p.name, "goroutine");
  EXPECT_EQ(p.total, 13u);
  EXPECT_THAT(p.stacks, SizeIs(12));
  EXPECT_EQ(p.counted(), 13u);
  EXPECT_FALSE(p.truncated);
  EXPECT_THAT(p.stacks.back().frames, IsEmpty());  // only hidden runtime frames: "1 @ 0x4918a1"
  const StackCount& ncast = p.stacks.front();  // sorted by count: the 2 of them
  EXPECT_EQ(ncast.count, 2u);
  ASSERT_THAT(ncast.frames, SizeIs(1));
  EXPECT_EQ(ncast.frames[0].function, "main.ncastPattern.func1");
  EXPECT_EQ(ncast.frames[0].file, "/work/main/examples/leakyservice/ncast.go");  // where it was captured
  EXPECT_EQ(ncast.frames[0].line, 17);
  EXPECT_THAT(ncast.labels, IsEmpty());
}

TEST(ProfileReader, ReadsLabels) {
  const Profile p = fixture("go1.26-labels.debug1.txt");
  EXPECT_EQ(p.total, 3u);
  const StackCount& labelled = p.stacks.back();
  EXPECT_THAT(labelled.labels, ElementsAre(Label{"k2", "v 2"}, Label{"route", "/timeout"}));
  EXPECT_THAT(labelled.frames, ElementsAre(Field(&Frame::function, "exp.TestLabels.func1.1")));
  // Tabs run to align columns; names still come out whole.
  EXPECT_EQ(p.stacks[1].frames.back().function, "runtime.main");
  EXPECT_EQ(p.stacks[1].frames.back().line, 290);
}

TEST(ProfileReader, ReadsTheGoroutineLeakProfile) {
  const Profile p = fixture("go1.26-goroutineleak.debug1.txt");
  EXPECT_EQ(p.name, "goroutineleak");
  EXPECT_EQ(p.total, 3u);
  ASSERT_THAT(p.stacks, SizeIs(1));
  EXPECT_EQ(p.stacks[0].count, 3u);
  EXPECT_EQ(p.stacks[0].frames[0].function, "exp.TestLeakProfile.func1");
}

TEST(ProfileReader, ACutProfileIsTruncated) {
  const std::string text = test::read_file(test::fixture("go1.26-leakyservice.debug1.txt"));
  EXPECT_TRUE(parse_profile(text.substr(0, text.size() / 2)).truncated);
  EXPECT_TRUE(parse_profile("goroutine profile: total 2\n2 @ 0x1 0x2\n").truncated);  // no blank line after it
  EXPECT_TRUE(parse_profile("goroutine profile: total 3\n2 @ 0x1\n#\t0x1\tmain.f+0x1\t/a.go:1\n\n").truncated);
  EXPECT_FALSE(parse_profile("goroutine profile: total 2\n2 @ 0x1\n#\t0x1\tmain.f+0x1\t/a.go:1\n\n").truncated);
  EXPECT_THAT(parse_profile("").stacks, IsEmpty());
}

Profile profile_of(const std::string& records) { return parse_profile("goroutine profile: total 99\n" + records); }

TEST(GrownStacks, ReportsStacksWithMoreGoroutinesLargestGrowthFirst) {
  const Profile before = profile_of(
      "3 @ 0x1\n#\t0x1\tmain.idle+0x1\t/a.go:1\n\n"
      "1 @ 0x2\n#\t0x2\tmain.leak+0x1\t/a.go:2\n\n");
  const Profile after = profile_of(
      "3 @ 0x1\n#\t0x1\tmain.idle+0x1\t/a.go:1\n\n"
      "4 @ 0x2\n#\t0x2\tmain.leak+0x1\t/a.go:2\n\n"
      "2 @ 0x3\n#\t0x3\tmain.fresh+0x1\t/a.go:3\n\n");
  const std::vector<StackGrowth> grown = grown_stacks(before, after);
  ASSERT_THAT(grown, SizeIs(2));
  EXPECT_EQ(grown[0].stack.frames[0].function, "main.leak");
  EXPECT_EQ(grown[0].before, 1u);
  EXPECT_EQ(grown[0].after, 4u);
  EXPECT_EQ(grown[0].growth(), 3u);
  EXPECT_EQ(grown[1].stack.frames[0].function, "main.fresh");
  EXPECT_EQ(grown[1].before, 0u);
}

TEST(GrownStacks, LabelSetsOfOneStackAddUpAndLinesMatter) {
  const Profile before = profile_of("2 @ 0x1\n#\t0x1\tmain.f+0x1\t/a.go:1\n\n");
  const Profile after = profile_of(
      "1 @ 0x1\n# labels: {\"a\":\"1\"}\n#\t0x1\tmain.f+0x1\t/a.go:1\n\n"
      "1 @ 0x1\n# labels: {\"a\":\"2\"}\n#\t0x1\tmain.f+0x1\t/a.go:1\n\n"
      "1 @ 0x9\n#\t0x9\tmain.f+0x9\t/a.go:7\n\n");
  const std::vector<StackGrowth> grown = grown_stacks(before, after);
  ASSERT_THAT(grown, SizeIs(1));  // 2 -> 2 at line 1; 0 -> 1 at line 7
  EXPECT_EQ(grown[0].stack.frames[0].line, 7);
  EXPECT_THAT(grown_stacks(after, after), IsEmpty());
}

TEST(GrownStacks, AStackWithNoFrameToShowIsNeverReported) {
  const Profile before = profile_of("");
  const Profile after = profile_of("2 @ 0x4918a1\n\n");  // goroutines not started yet
  EXPECT_THAT(grown_stacks(before, after), IsEmpty());
}

}  // namespace
}  // namespace goleakcheck
