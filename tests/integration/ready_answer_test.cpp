// What the program answers when it first serves pprof starts the baseline:
// the readiness probe is the debug=1 goroutine profile, and a Checker that
// adopts it takes no counts of its own before the baseline's dump, while
// anything that ran in between makes it ask again.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goleakcheck/checker.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/gtest.hpp"
#include "goleakcheck/report.hpp"
#include "leakyservice.hpp"

namespace goleakcheck {
namespace {

using ::testing::ElementsAre;

constexpr const char* kCounts = "/debug/pprof/goroutine?debug=1";
constexpr const char* kDump = "/debug/pprof/goroutine?debug=2";

Program launch_logging_requests() {
  LaunchOptions options;
  options.argv = {GOLEAKCHECK_REALSERVICE_BIN, "-addr", "{addr}", "-log-requests"};
  return Program::launch(options);
}

// The requests before the `nth` (from 1) request of `path`.
std::vector<std::string> before(const std::vector<std::string>& seen, const std::string& path, int nth = 1) {
  std::vector<std::string> earlier;
  for (const std::string& request : seen) {
    if (request == path && --nth == 0) return earlier;
    earlier.push_back(request);
  }
  ADD_FAILURE() << "no request " << nth << " of " << path << " in " << ::testing::PrintToString(seen);
  return earlier;
}

Checker checker_for(Program& program, CheckOptions options = {}) {
  return Checker(program.endpoint(), std::move(options), [&program] { program.check_alive(); });
}

TEST(ReadyAnswer, TheBaselineStartsFromTheProgramsFirstAnswer) {
  Program program = launch_logging_requests();
  Checker checker = checker_for(program);
  checker.adopt(*program.take_ready_answer());
  EXPECT_FALSE(program.take_ready_answer().has_value()) << "the answer is taken once";
  ASSERT_TRUE(checker.check_scenario([&] { test::get(program, "/healthz"); }).clean());
  EXPECT_THAT(before(test::requests_logged(program), "/healthz"), ElementsAre(kCounts, kDump));
}

TEST(ReadyAnswer, WithoutItTheBaselineAsksForItsCounts) {
  Program program = launch_logging_requests();
  ASSERT_TRUE(checker_for(program).check_scenario([&] { test::get(program, "/healthz"); }).clean());
  EXPECT_THAT(before(test::requests_logged(program), "/healthz"), ElementsAre(kCounts, kCounts, kDump));
}

// A warm-up run changes what the first answer counted: the baseline after
// it asks again.
TEST(ReadyAnswer, AWarmUpRunMakesTheBaselineAskAgain) {
  Program program = launch_logging_requests();
  CheckOptions options;
  options.warmup = 1;
  Checker checker = checker_for(program, options);
  checker.adopt(*program.take_ready_answer());
  ASSERT_TRUE(checker.check_scenario([&] { test::get(program, "/healthz"); }).clean());
  const std::vector<std::string> seen = test::requests_logged(program);
  const std::vector<std::string> first = before(seen, "/healthz", 1);
  std::vector<std::string> between = before(seen, "/healthz", 2);
  between.erase(between.begin(), between.begin() + static_cast<std::ptrdiff_t>(first.size()) + 1);
  EXPECT_THAT(first, ElementsAre(kCounts));
  EXPECT_THAT(between, ElementsAre(kCounts, kDump));
}

TEST(ReadyAnswer, AnAnswerFromAnotherProgramIsAUsageError) {
  Program program = launch_logging_requests();
  Program other = launch_logging_requests();
  Checker checker = checker_for(program);
  try {
    checker.adopt(*other.take_ready_answer());
    FAIL() << "adopted another program's answer";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_THAT(e.what(), ::testing::HasSubstr(other.url()));
  }
}

// After a ready URL was waited for, the first answer counted a program not
// ready yet: the connection is handed over, the profile is not.
TEST(ReadyAnswer, AReadyUrlLeavesOutTheProfile) {
  LaunchOptions options;
  options.argv = {GOLEAKCHECK_REALSERVICE_BIN, "-addr", "{addr}", "-log-requests"};
  options.ready_url = "/healthz";
  Program program = Program::launch(options);
  std::optional<ReadyAnswer> answer = program.take_ready_answer();
  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(answer->goroutine_profile.empty());
  Checker checker = checker_for(program);
  checker.adopt(std::move(*answer));
  ASSERT_TRUE(checker.check_scenario([&] { test::get(program, "/healthz"); }).clean());
  EXPECT_THAT(before(test::requests_logged(program), "/healthz", 2), ElementsAre(kCounts, "/healthz", kCounts, kDump));
}

}  // namespace
}  // namespace goleakcheck
