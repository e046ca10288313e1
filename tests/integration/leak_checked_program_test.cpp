// LeakCheckedProgram, run as a user's test binary runs it
// (tests/gtest_env): the whole binary's leaks fail it after its last test,
// also when some of its tests failed, and a clean binary passes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/process.hpp>

#include "leakyservice.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Outcome {
  int exit_code;
  std::string output;
};

Outcome run_binary(const std::string& mode) {
  namespace bp = boost::process;
  bp::ipstream output;
  bp::environment env = boost::this_process::environment();
  env["GOLEAKCHECK_ENV_MODE"] = mode;
  bp::child binary(GOLEAKCHECK_LEAK_CHECKED_PROGRAM_BIN, env, (bp::std_out & bp::std_err) > output);
  std::string text;
  for (std::string line; std::getline(output, line);) text += line + "\n";
  binary.wait();
  return {binary.exit_code(), text};
}

TEST(LeakCheckedProgram, ACleanTestBinaryPasses) {
  const Outcome r = run_binary("clean");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, Not(HasSubstr("goroutine leaks")));
}

TEST(LeakCheckedProgram, LeaksFailTheBinaryAfterItsLastTestEvenWhenEveryTestPassed) {
  const Outcome r = run_binary("leak");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("[  PASSED  ] 2 tests."));
  EXPECT_THAT(r.output, HasSubstr("goroutine leaks since the whole test program's baseline was taken:"));
  EXPECT_THAT(r.output, HasSubstr("LEAK: 2 goroutines blocked at 1 place"));
  EXPECT_THAT(r.output, HasSubstr("main.ncastPattern.func1"));
}

TEST(LeakCheckedProgram, LeaksAreReportedWhenTestsFailedToo) {
  const Outcome r = run_binary("leak-and-fail");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("this test fails on purpose"));
  EXPECT_THAT(r.output, HasSubstr("LEAK: 2 goroutines blocked at 1 place"));
}

}  // namespace
}  // namespace goleakcheck
