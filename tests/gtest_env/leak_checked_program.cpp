// A test binary the way a user writes one with LeakCheckedProgram: one
// leakyservice for the whole binary, checked after the last test. What
// its tests do is chosen by GOLEAKCHECK_ENV_MODE, so that
// tests/integration/leak_checked_program_test.cpp can run it three ways:
//   clean         a test drives a fixed endpoint and passes
//   leak          a test drives a leaky endpoint and passes
//   leak-and-fail the same, and another test fails
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <httplib.h>

#include "goleakcheck/gtest.hpp"

namespace {

std::string mode() {
  const char* value = std::getenv("GOLEAKCHECK_ENV_MODE");
  return value == nullptr ? "clean" : value;
}

void get(const std::string& path) {
  const goleakcheck::Endpoint& endpoint = goleakcheck::testing::LeakCheckedProgram::program().endpoint();
  httplib::Client client(endpoint.host, endpoint.port);
  const auto answer = client.Get(path);
  ASSERT_TRUE(answer && answer->status == 200) << path;
}

TEST(Checkout, DrivesTheService) { get(mode() == "clean" ? "/ncast?fixed=1" : "/ncast"); }

TEST(Checkout, AnotherTest) {
  if (mode() == "leak-and-fail") FAIL() << "this test fails on purpose";
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  goleakcheck::LaunchOptions launch;
  launch.argv = {GOLEAKCHECK_LEAKYSERVICE_BIN, "-addr", "{addr}"};
  goleakcheck::CheckOptions check;
  check.settle = std::chrono::milliseconds(300);
  ::testing::AddGlobalTestEnvironment(new goleakcheck::testing::LeakCheckedProgram(launch, check));
  return RUN_ALL_TESTS();
}
