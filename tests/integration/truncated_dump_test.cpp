// A check whose dumps are cut off (here by the fetch's own size cap, which
// stands in for the runtime's 64 MiB one on a small program) never compares
// ids: it says so and compares debug=1 counts per stack instead.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "goleakcheck/checker.hpp"
#include "goleakcheck/diff.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/gtest.hpp"
#include "goleakcheck/http_client.hpp"
#include "leakyservice.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class TruncatedDumpTest : public testing::ProgramPerTest<test::LeakyService> {
 protected:
  static CheckOptions cut_at(std::size_t bytes) {
    CheckOptions options;
    options.fetch.max_bytes = bytes;
    options.settle = std::chrono::milliseconds(500);
    return options;
  }

  // A hundred goroutines at one stack (one entry in debug=1, a hundred
  // records in debug=2), and a size cap that no dump of them fits but the
  // profile does, with room for the stacks of a few goroutines that come
  // and go: counts cut off too would prove nothing.
  std::size_t cap_past_the_profile_only() {
    for (int i = 0; i < 50; ++i) test::get(program(), "/ncast");
    std::size_t profile_bytes = 0;
    HttpClient(program().endpoint()).get(kGoroutineProfilePath, FetchLimits{}, [&](std::string_view chunk) {
      profile_bytes += chunk.size();
    });
    const std::size_t cap = profile_bytes + 4096;
    EXPECT_LT(cap, least_dump_bytes(Checker(program().endpoint()).counts()));
    return cap;
  }
};

// When the counts show that no dump of the baseline could fit, none is
// fetched: the check compares counts from the start. (At 200,000 goroutines
// the dump was most of a 13 s check, and never used.)
TEST_F(TruncatedDumpTest, ABaselineThatCannotFitIsNeverFetchedAndCountsReportTheStackThatGrew) {
  const std::size_t cap = cap_past_the_profile_only();
  testing::LeakGuard guard(program(), cut_at(cap));
  EXPECT_TRUE(guard.baseline().snapshot().truncated);
  EXPECT_EQ(guard.baseline().snapshot().bytes, 0u) << "no dump may have been fetched";
  EXPECT_THAT(guard.baseline().dump_skipped, HasSubstr(fmt::format("past the size cap of {} bytes", cap)));
  for (int i = 0; i < 3; ++i) test::get(program(), "/ncast");
  const LeakReport report = guard.check();

  EXPECT_FALSE(report.clean());
  EXPECT_THAT(report.ids_not_compared, HasSubstr("so no dump was taken and goroutine ids cannot be compared"));
  EXPECT_THAT(report.leaks, IsEmpty());  // no ids were compared
  ASSERT_THAT(report.grown_stacks, SizeIs(1)) << render_text(report);
  const StackGrowth& grown = report.grown_stacks.front();
  EXPECT_EQ(grown.growth(), 6u);
  EXPECT_EQ(grown.before, 100u);
  ASSERT_THAT(grown.stack.frames, ::testing::Not(IsEmpty()));
  EXPECT_EQ(grown.stack.frames.front().function, "main.ncastPattern.func1");
  EXPECT_EQ(grown.stack.frames.front().line,
            test::marker_line(test::leakyservice_source("ncast.go"), "ncast"));

  const std::string text = render_text(report);
  EXPECT_THAT(text, HasSubstr("goleakcheck: note: the baseline's "));
  EXPECT_THAT(text, HasSubstr("LEAK: 6 goroutines more at 1 stack"));
  EXPECT_THAT(text, HasSubstr("+6 goroutines with this stack (100 before, 106 after)"));
  EXPECT_THAT(render_json(report), HasSubstr("\"grown_stacks\""));
}

TEST_F(TruncatedDumpTest, CutDumpsWithNothingLeftBehindAreClean) {
  testing::LeakGuard guard(program(), cut_at(cap_past_the_profile_only()));
  test::get(program(), "/healthz");
  test::get(program(), "/timeout?fixed=1");
  const LeakReport report = guard.check();
  EXPECT_TRUE(report.clean()) << render_text(report);
  EXPECT_THAT(report.ids_not_compared, ::testing::Not(IsEmpty()));
}

// A dump the counts did not foresee to be too large is fetched, and cut:
// the check says so and compares counts. The probe's kept-alive connection
// stays open throughout: an idle connection, in counts as in ids.
TEST_F(TruncatedDumpTest, ABaselineDumpCutAfterAllFallsBackToCounts) {
  // Many goroutines with one stack: one entry in debug=1, one record each
  // in debug=2, so that a cap can lie between the two.
  for (int i = 0; i < 20; ++i) test::get(program(), "/ncast");
  const Checker probe(program().endpoint());
  const std::size_t least = least_dump_bytes(probe.counts());
  const std::size_t real = probe.snapshot().bytes;
  std::size_t profile_bytes = 0;
  HttpClient(program().endpoint()).get(kGoroutineProfilePath, FetchLimits{}, [&](std::string_view chunk) {
    profile_bytes += chunk.size();
  });
  // A cap the dump passes, but neither the bound nor the profile does.
  const std::size_t cap = (std::max(least, profile_bytes) + real) / 2;
  ASSERT_LT(least + 200, cap);
  ASSERT_LT(profile_bytes + 200, cap);
  ASSERT_LT(cap + 200, real);
  testing::LeakGuard guard(program(), cut_at(cap));
  EXPECT_TRUE(guard.baseline().snapshot().truncated);
  EXPECT_EQ(guard.baseline().dump_skipped, "");
  test::get(program(), "/ncast");
  const LeakReport report = guard.check();
  EXPECT_THAT(report.ids_not_compared, HasSubstr("baseline goroutine dump was cut off after"));
  ASSERT_THAT(report.grown_stacks, SizeIs(1)) << render_text(report);
  EXPECT_EQ(report.grown_stacks.front().growth(), 2u);
  EXPECT_EQ(report.grown_stacks.front().before, 40u);
}

// The realistic case: the baseline fits, the leak makes the after-dump too
// large. The check must not read the missing ids as goroutines that ended.
TEST_F(TruncatedDumpTest, AfterDumpCutByTheLeakItselfIsComparedByCounts) {
  const std::size_t baseline_bytes = Checker(program().endpoint()).snapshot().bytes;
  testing::LeakGuard guard(program(), cut_at(baseline_bytes + 2048));
  EXPECT_FALSE(guard.baseline().snapshot().truncated);
  for (int i = 0; i < 20; ++i) test::get(program(), "/ncast");
  const LeakReport report = guard.check();
  EXPECT_THAT(report.ids_not_compared, HasSubstr("after-scenario goroutine dump was cut off"));
  ASSERT_THAT(report.grown_stacks, SizeIs(1)) << render_text(report);
  EXPECT_EQ(report.grown_stacks.front().growth(), 40u);
}

// Counts cut off as well as the dumps show only some goroutines: what they
// miss may be the leak. Never a verdict on them (it once was "clean").
TEST_F(TruncatedDumpTest, ProfilesCutOffTooAreNoVerdict) {
  testing::LeakGuard guard(program(), cut_at(512));
  test::get(program(), "/ncast");
  try {
    guard.check();
    ADD_FAILURE() << "a verdict on counts that were cut off";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::incomplete);
    EXPECT_THAT(e.what(), HasSubstr("debug=1 profile of"));
    EXPECT_THAT(e.what(), HasSubstr("was cut off too"));
  }
}

}  // namespace
}  // namespace goleakcheck
