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

LeakGuard::LeakGuard(Checker checker) : checker_(std::move(checker)), baseline_(checker_.baseline()) {}

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
