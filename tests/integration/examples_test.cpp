// Each leak pattern of examples/leakyservice, against the real binary: the
// leaky variant is caught with its exact count, state and blocking line;
// the fixed variant passes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goleakcheck/checker.hpp"
#include "goleakcheck/gtest.hpp"
#include "goleakcheck/report.hpp"
#include "leakyservice.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::AnyOf;
using ::testing::EndsWith;
using ::testing::Eq;

struct Pattern {
  std::string name;     // endpoint and "// leak:NAME" marker
  std::string file;     // where the marker is
  std::size_t leaked;   // goroutines one request leaks
  std::vector<std::string> states;  // accepted: newer Go names the primitive, 1.19 says semacquire
  std::string creator;  // the function that started them
};

void PrintTo(const Pattern& pattern, std::ostream* os) { *os << pattern.name; }

class PatternTest : public testing::ProgramPerTest<test::LeakyService>, public ::testing::WithParamInterface<Pattern> {};

TEST_P(PatternTest, LeakyVariantIsCaughtAtItsBlockingLine) {
  const Pattern& pattern = GetParam();
  testing::LeakGuard guard(program());
  test::get(program(), "/" + pattern.name);
  const LeakReport report = guard.check();

  EXPECT_EQ(report.leak_count(), pattern.leaked) << render_text(report);
  ASSERT_EQ(report.groups.size(), 1u) << render_text(report);
  const LeakGroup& group = report.groups.front();
  EXPECT_EQ(group.count(), pattern.leaked);
  EXPECT_THAT(std::string(group.state), AnyOf(Eq(pattern.states.front()), Eq(pattern.states.back())));
  EXPECT_THAT(std::string(group.blocking_site.file), EndsWith("/leakyservice/" + pattern.file));
  EXPECT_EQ(group.blocking_site.line, test::marker_line(test::leakyservice_source(pattern.file), pattern.name));
  ASSERT_TRUE(group.created_by);
  EXPECT_EQ(group.created_by->function, pattern.creator);
  EXPECT_THAT(render_text(report), ::testing::HasSubstr("LEAK"));
}

TEST_P(PatternTest, FixedVariantLeaksNothing) {
  testing::LeakGuard guard(program());
  test::get(program(), "/" + GetParam().name + "?fixed=1");
  EXPECT_NO_GOROUTINE_LEAKS(guard);
}

INSTANTIATE_TEST_SUITE_P(
    Seeds, PatternTest,
    ::testing::Values(Pattern{"timeout", "timeout.go", 1, {"chan send"}, "main.timeoutPattern"},
                      Pattern{"ncast", "ncast.go", 2, {"chan send"}, "main.ncastPattern"},
                      Pattern{"range", "rangeloop.go", 1, {"chan receive"}, "main.rangePattern"},
                      Pattern{"premature", "premature.go", 1, {"chan send"}, "main.prematureReturnPattern"},
                      Pattern{"async", "async.go", 1, {"chan send"},
                              "main.speechRecognizer.StartContinuousRecognitionAsync"},
                      Pattern{"lock", "lock.go", 1, {"sync.Mutex.Lock", "semacquire"}, "main.lockPattern"},
                      Pattern{"waitgroup", "waitgroup.go", 1, {"sync.WaitGroup.Wait", "semacquire"},
                              "main.waitGroupPattern"}),
    [](const ::testing::TestParamInfo<Pattern>& info) { return info.param.name; });

TEST(PatternsTogether, RepeatedRequestsGroupByBlockingLine) {
  Program program = Program::launch(test::leakyservice());
  testing::LeakGuard guard(program);
  for (int i = 0; i < 3; ++i) test::get(program, "/ncast");
  test::get(program, "/async");
  const LeakReport report = guard.check();
  EXPECT_EQ(report.leak_count(), 7u);
  ASSERT_EQ(report.groups.size(), 2u);
  EXPECT_EQ(report.groups[0].count(), 6u);
  EXPECT_EQ(report.groups[0].blocking_site.function, "main.ncastPattern.func1");
  EXPECT_EQ(report.groups[1].count(), 1u);
  EXPECT_EQ(report.groups[1].blocking_site.function, "main.speechRecognizer.StartContinuousRecognitionAsync.func1");
}

}  // namespace
}  // namespace goleakcheck
