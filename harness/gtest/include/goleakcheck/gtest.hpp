// GoogleTest integration: launch the program per suite or per test, take a
// baseline before a scenario, and fail with the leak report.
//
//   struct Service {
//     static goleakcheck::LaunchOptions launch_options() { return {.argv = {"./svc", "-addr", "{addr}"}}; }
//   };
//   class ServiceTest : public goleakcheck::testing::ProgramPerSuite<Service> {};
//
//   TEST_F(ServiceTest, CheckoutLeaksNothing) {
//     goleakcheck::testing::LeakGuard guard(program());
//     ... drive program().url() ...
//     EXPECT_NO_GOROUTINE_LEAKS(guard);
//   }
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "goleakcheck/check_options.hpp"
#include "goleakcheck/leak_report.hpp"
#include "goleakcheck/program.hpp"

namespace goleakcheck {
class Baseline;  // diff.hpp
class Checker;   // checker.hpp: for a guard over a program the test did not launch
}  // namespace goleakcheck

namespace goleakcheck::testing {

// Takes the baseline when constructed; check() re-snapshots, settles and
// returns the verdict. The program must outlive the guard.
//
// With a scenario, the guard runs it: CheckOptions::warmup times before the
// baseline (in the constructor), and as CheckOptions::repeat says in
// check(). Left unset, the check decides on its own: one run when that
// settles it, else more runs judged by growth (see CheckOptions::repeat).
// That is what tells a client made on first use from a leak, so give the
// guard its scenario whenever it can run more than once:
//
//   LeakGuard guard(program(), [&] { get(program().url() + "/checkout"); });
//   EXPECT_NO_GOROUTINE_LEAKS(guard);
//
// Without one, the test's own code between construction and check() is the
// scenario, run once after a quiet baseline; warmup must be left at 0 and
// repeat unset or 1.
class LeakGuard {
 public:
  explicit LeakGuard(Program& program, CheckOptions options = {});
  LeakGuard(Program& program, std::function<void()> scenario, CheckOptions options = {});
  // For a program the test did not launch (attach mode).
  explicit LeakGuard(Checker checker, std::function<void()> scenario = {});
  LeakGuard(LeakGuard&&) noexcept;
  LeakGuard& operator=(LeakGuard&&) noexcept;
  ~LeakGuard();

  // Runs the scenario (when the guard has one), then checks. Each call
  // runs it again as CheckOptions::repeat says, against the same baseline.
  LeakReport check() const;
  // Valid as long as the guard (include diff.hpp to look into it).
  const Baseline& baseline() const;

 private:
  struct State;  // the Checker, the scenario and the baseline
  std::unique_ptr<const State> state_;
};

// The predicate-formatter behind the macros: passes on a clean report, fails
// with the text report, or with the error when the check could not be made.
::testing::AssertionResult NoGoroutineLeaks(const char* guard_expression, const LeakGuard& guard);

// What a test says when the program did not start: the error's one line
// and its details (the end of the program's stderr, when it printed any).
std::string describe_launch_failure(const std::exception& e);

// Launches Config::launch_options() once for the whole suite: cheaper, but
// the tests share one process. Note that gtest_discover_tests runs each test
// in a process of its own, where a suite is one test.
template <class Config>
class ProgramPerSuite : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    try {
      shared() = std::make_unique<Program>(Program::launch(Config::launch_options()));
    } catch (const std::exception& e) {
      launch_error() = describe_launch_failure(e);
    }
  }
  static void TearDownTestSuite() { shared().reset(); }

 protected:
  void SetUp() override {
    if (!shared()) GTEST_FAIL() << "the program under test did not start: " << launch_error();
  }
  static Program& program() { return *shared(); }

 private:
  static std::unique_ptr<Program>& shared() {
    static std::unique_ptr<Program> program;
    return program;
  }
  static std::string& launch_error() {
    static std::string error;
    return error;
  }
};

// Launches Config::launch_options() afresh for every test: isolated.
template <class Config>
class ProgramPerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      program_.emplace(Program::launch(Config::launch_options()));
    } catch (const std::exception& e) {
      GTEST_FAIL() << "the program under test did not start: " << describe_launch_failure(e);
    }
  }
  void TearDown() override { program_.reset(); }
  // Valid in a test body: a test whose program did not start has already
  // failed in SetUp and does not run.
  Program& program() { return *program_; }

 private:
  std::optional<Program> program_;
};

// Checks one program across a whole test binary, as goleak's
// VerifyTestMain does for a Go package: launched before the first test,
// its baseline taken then, and checked after the last one, whether tests
// passed or failed, the test program failing with the report when the
// program leaked. Register it in main() (or a global initialiser):
//
//   ::testing::AddGlobalTestEnvironment(new goleakcheck::testing::LeakCheckedProgram(launch_options));
//
// and reach the program from tests with LeakCheckedProgram::program().
// A program that does not start, or a check that cannot be made, fails the
// test program with the reason. One per test binary.
class LeakCheckedProgram : public ::testing::Environment {
 public:
  explicit LeakCheckedProgram(LaunchOptions launch, CheckOptions check = {});
  ~LeakCheckedProgram() override;

  void SetUp() override;
  void TearDown() override;

  // The running program; valid from the first test to the last.
  static Program& program();

 private:
  LaunchOptions launch_;
  CheckOptions check_;
  std::unique_ptr<LeakGuard> guard_;
};

}  // namespace goleakcheck::testing

#define EXPECT_NO_GOROUTINE_LEAKS(guard) EXPECT_PRED_FORMAT1(::goleakcheck::testing::NoGoroutineLeaks, guard)
#define ASSERT_NO_GOROUTINE_LEAKS(guard) ASSERT_PRED_FORMAT1(::goleakcheck::testing::NoGoroutineLeaks, guard)
