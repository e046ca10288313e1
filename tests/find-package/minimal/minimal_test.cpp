// The README's first GoogleTest example, as a user copies it.
#include "goleakcheck/gtest.hpp"

namespace {

struct LeakyService {
  static goleakcheck::LaunchOptions launch_options() {
    goleakcheck::LaunchOptions options;
    options.argv = {LEAKYSERVICE, "-addr", "{addr}"};
    return options;
  }
};

class MinimalTest : public goleakcheck::testing::ProgramPerSuite<LeakyService> {};

TEST_F(MinimalTest, LeaksNoGoroutine) {
  goleakcheck::testing::LeakGuard guard(program());
  EXPECT_NO_GOROUTINE_LEAKS(guard);
}

}  // namespace
