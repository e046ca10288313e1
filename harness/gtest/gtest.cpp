#include "goleakcheck/gtest.hpp"

#include "goleakcheck/error.hpp"

namespace goleakcheck::testing {

std::string describe_launch_failure(const std::exception& e) {
  const auto* error = dynamic_cast<const Error*>(&e);
  if (error == nullptr || error->details().empty()) return e.what();
  return std::string(e.what()) + "\n" + error->details();
}

namespace {

Checker checker_for(Program& program, CheckOptions options) {
  return Checker(program.endpoint(), std::move(options), [&program] { program.check_alive(); });
}

}  // namespace

LeakGuard::LeakGuard(Program& program, CheckOptions options)
    : LeakGuard(checker_for(program, std::move(options))) {}

LeakGuard::LeakGuard(Program& program, std::function<void()> scenario, CheckOptions options)
    : LeakGuard(checker_for(program, std::move(options)), std::move(scenario)) {}

LeakGuard::LeakGuard(Checker checker, std::function<void()> scenario)
    : checker_(std::move(checker)),
      scenario_(std::move(scenario)),
      baseline_(warm_up_and_take_baseline(checker_, scenario_)) {}

Baseline LeakGuard::warm_up_and_take_baseline(const Checker& checker, const std::function<void()>& scenario) {
  const CheckOptions& options = checker.options();
  if (!scenario && (options.warmup != 0 || options.repeat != 1)) {
    throw Error(ErrorKind::usage, "a LeakGuard without a scenario cannot run one: give it the scenario to warm up "
                                  "with and repeat, or leave warmup at 0 and repeat at 1");
  }
  if (options.warmup < 0) throw Error(ErrorKind::usage, "CheckOptions::warmup cannot be negative");
  for (int run = 0; run < options.warmup; ++run) scenario();
  return checker.baseline();
}

LeakReport LeakGuard::check() const {
  if (!scenario_) return checker_.check(baseline_);
  return checker_.check_runs(baseline_, scenario_);
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

}  // namespace goleakcheck::testing
