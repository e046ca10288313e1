// The check itself against a real program: clean scenarios stay clean,
// settle waits for goroutines that are finishing, a crash is an error.
#include <csignal>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goleakcheck/error.hpp"
#include "goleakcheck/checker.hpp"
#include "goleakcheck/gtest.hpp"
#include "goleakcheck/report.hpp"
#include "leakyservice.hpp"

namespace goleakcheck {
namespace {

using ::testing::HasSubstr;

class CheckerTest : public testing::ProgramPerSuite<test::LeakyService> {
 protected:
  // A check with this settle time around one request for `path`.
  static LeakReport check_around(std::string_view path, std::chrono::milliseconds settle) {
    CheckOptions options;
    options.settle = settle;
    testing::LeakGuard guard(program(), options);
    test::get(program(), path);
    return guard.check();
  }
};

TEST_F(CheckerTest, NoOpScenarioTwentyTimesInARowNeverReportsALeak) {
  for (int run = 0; run < 20; ++run) {
    testing::LeakGuard guard(program());
    const LeakReport report = guard.check();
    EXPECT_TRUE(report.clean()) << "run " << run << ":\n" << render_text(report);
    EXPECT_TRUE(report.still_running.empty()) << "run " << run << ":\n" << render_text(report);
  }
}

TEST_F(CheckerTest, RequestsThatLeaveNothingAreCleanEveryTime) {
  for (int run = 0; run < 20; ++run) {
    testing::LeakGuard guard(program());
    test::get(program(), "/healthz");
    test::get(program(), "/timeout?fixed=1");
    EXPECT_NO_GOROUTINE_LEAKS(guard) << "run " << run;
  }
}

TEST_F(CheckerTest, SettleWaitsForAGoroutineThatIsStillFinishing) {
  const auto settle = std::chrono::seconds(10);
  const LeakReport report = check_around("/work?ms=300", settle);
  EXPECT_TRUE(report.clean()) << render_text(report);
  EXPECT_GE(report.elapsed, std::chrono::milliseconds(200));
  // Polled repeatedly while it slept, and stopped once it was gone rather
  // than at the settle deadline.
  EXPECT_GE(report.snapshots, 2u);
  EXPECT_LT(report.elapsed, settle);
}

TEST_F(CheckerTest, GoroutineOutlivingTheSettleTimeIsReportedBlocked) {
  const auto settle = std::chrono::milliseconds(100);
  const LeakReport report = check_around("/work?ms=3000", settle);
  ASSERT_EQ(report.leak_count(), 1u) << render_text(report);
  EXPECT_EQ(report.leaks.front().state, "sleep");
  // It waited out the settle time, less the last poll that would not have
  // ended within it (polls take milliseconds here; half is a loose bound).
  EXPECT_GE(report.elapsed, settle / 2);
  EXPECT_GT(report.snapshots, 1u);
}

TEST(CheckerErrors, ProgramKilledDuringTheCheckIsAnErrorWithItsSignal) {
  Program program = Program::launch(test::leakyservice());
  testing::LeakGuard guard(program);
  const std::string name = "leakyservice";
  ::kill(program.pid(), SIGKILL);
  try {
    guard.check();
    FAIL() << "a check of a dead program gave a verdict";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::program_exited);
    EXPECT_THAT(e.what(), HasSubstr("leakyservice was killed by signal 9 (SIGKILL) during the check"));
  }
}

TEST(CheckerErrors, AssertionReportsAnErrorInsteadOfAVerdict) {
  Program program = Program::launch(test::leakyservice());
  testing::LeakGuard guard(program);
  ::kill(program.pid(), SIGKILL);
  const ::testing::AssertionResult result = testing::NoGoroutineLeaks("guard", guard);
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), HasSubstr("could not be made"));
}

TEST(CheckerAttach, ChecksAProgramItDidNotLaunch) {
  Program program = Program::launch(test::leakyservice());
  testing::LeakGuard guard(Checker(Endpoint::parse(program.url())));
  test::get(program, "/premature");
  EXPECT_EQ(guard.check().leak_count(), 1u);
}

}  // namespace
}  // namespace goleakcheck
