#include "goleakcheck/gtest.hpp"

#include "goleakcheck/checker.hpp"
#include "goleakcheck/diff.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/report.hpp"

namespace goleakcheck::testing {

std::string describe_launch_failure(const std::exception& e) {
  const auto* error = dynamic_cast<const Error*>(&e);
  if (error == nullptr || error->details().empty()) return e.what();
  return std::string(e.what()) + "\n" + error->details();
}

namespace {

// A Checker of `program` that takes over what it answered when it became
// ready: its connection, and its counts only when `launched_just_now` (a
// guard may be made long after the launch, when they are stale).
Checker checker_for(Program& program, CheckOptions options, bool launched_just_now = false) {
  Checker checker(program.endpoint(), std::move(options), [&program] { program.check_alive(); });
  if (std::optional<ReadyAnswer> ready = program.take_ready_answer()) {
    if (!launched_just_now) ready->goroutine_profile.clear();
    checker.adopt(std::move(*ready));
  }
  return checker;
}

}  // namespace

LeakGuard::LeakGuard(Program& program, CheckOptions options)
    : LeakGuard(checker_for(program, std::move(options))) {}

LeakGuard::LeakGuard(Program& program, std::function<void()> scenario, CheckOptions options)
    : LeakGuard(checker_for(program, std::move(options)), std::move(scenario)) {}

namespace {

Baseline warm_up_and_take_baseline(const Checker& checker, const std::function<void()>& scenario) {
  const CheckOptions& options = checker.options();
  if (!scenario && (options.warmup != 0 || options.repeat.value_or(1) != 1)) {
    throw Error(ErrorKind::usage, "a LeakGuard without a scenario cannot run one: give it the scenario to warm up "
                                  "with and repeat, or leave warmup at 0 and repeat unset or 1");
  }
  if (options.warmup < 0) throw Error(ErrorKind::usage, "CheckOptions::warmup cannot be negative");
  for (int run = 0; run < options.warmup; ++run) scenario();
  // With its scenario and no repeat given, the check can run it again and
  // take a quiet baseline then, only when the first run needs it.
  return scenario && !options.repeat ? checker.baseline_at_once() : checker.baseline();
}

}  // namespace

struct LeakGuard::State {
  State(Checker c, std::function<void()> s)
      : checker(std::move(c)), scenario(std::move(s)), baseline(warm_up_and_take_baseline(checker, scenario)) {}
  Checker checker;
  std::function<void()> scenario;
  Baseline baseline;
};

LeakGuard::LeakGuard(Checker checker, std::function<void()> scenario)
    : state_(std::make_unique<const State>(std::move(checker), std::move(scenario))) {}
LeakGuard::LeakGuard(LeakGuard&&) noexcept = default;
LeakGuard& LeakGuard::operator=(LeakGuard&&) noexcept = default;
LeakGuard::~LeakGuard() = default;

const Baseline& LeakGuard::baseline() const { return state_->baseline; }

LeakReport LeakGuard::check() const {
  if (!state_->scenario) return state_->checker.check(state_->baseline);
  return state_->checker.check_runs(state_->baseline, state_->scenario);
}

::testing::AssertionResult NoGoroutineLeaks(const char* guard_expression, const LeakGuard& guard) {
  try {
    const LeakReport report = guard.check();
    if (report.clean()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "goroutine leaks since " << guard_expression << " was taken:\n"
                                         << render_text(report);
  } catch (const Error& e) {
    return ::testing::AssertionFailure() << "the leak check since " << guard_expression
                                         << " could not be made: " << e.what() << "\n"
                                         << e.details();
  }
}

namespace {

// The program of the one LeakCheckedProgram, while it runs.
std::unique_ptr<Program>& checked_program() {
  static std::unique_ptr<Program> program;
  return program;
}

}  // namespace

LeakCheckedProgram::LeakCheckedProgram(LaunchOptions launch, CheckOptions check)
    : launch_(std::move(launch)), check_(std::move(check)) {}

LeakCheckedProgram::~LeakCheckedProgram() = default;

void LeakCheckedProgram::SetUp() {
  try {
    checked_program() = std::make_unique<Program>(Program::launch(launch_));
    // The baseline follows the launch at once.
    guard_ = std::make_unique<LeakGuard>(checker_for(*checked_program(), check_, true));
  } catch (const std::exception& e) {
    checked_program().reset();
    GTEST_FAIL() << "the program under test did not start, or its baseline could not be taken: "
                 << describe_launch_failure(e);
  }
}

void LeakCheckedProgram::TearDown() {
  if (guard_) {
    const ::testing::AssertionResult result = NoGoroutineLeaks("the whole test program's baseline", *guard_);
    if (!result) ADD_FAILURE() << result.message();
  }
  guard_.reset();
  checked_program().reset();
}

Program& LeakCheckedProgram::program() {
  if (!checked_program()) throw Error(ErrorKind::usage, "LeakCheckedProgram::program(): no program is running");
  return *checked_program();
}

}  // namespace goleakcheck::testing
