// A user's integration test, built against the installed package only.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <httplib.h>

#include "goleakcheck/gtest.hpp"
#include "goleakcheck/matchers.hpp"
#include "goleakcheck/report.hpp"

namespace {

struct LeakyService {
  static goleakcheck::LaunchOptions launch_options() { return {.argv = {LEAKYSERVICE, "-addr", "{addr}"}}; }
};

class ConsumerTest : public goleakcheck::testing::ProgramPerTest<LeakyService> {
 protected:
  void get(const std::string& path) {
    const goleakcheck::Endpoint& endpoint = program().endpoint();
    httplib::Client client(endpoint.host, endpoint.port);
    const auto response = client.Get(path);
    ASSERT_TRUE(response) << path;
    ASSERT_EQ(response->status, 200) << path;
  }
};

TEST_F(ConsumerTest, AFixedEndpointIsClean) {
  goleakcheck::testing::LeakGuard guard(program());
  get("/ncast?fixed=1");
  EXPECT_NO_GOROUTINE_LEAKS(guard);
}

TEST_F(ConsumerTest, ALeakIsCaughtAndARuleCanIgnoreIt) {
  goleakcheck::testing::LeakGuard guard(program());
  get("/ncast");
  const goleakcheck::LeakReport report = guard.check();
  ASSERT_EQ(report.groups.size(), 1u) << goleakcheck::render_text(report);
  EXPECT_EQ(report.groups[0].count(), 2u);
  EXPECT_EQ(report.groups[0].blocking_site.function, "main.ncastPattern.func1");

  goleakcheck::CheckOptions options;
  options.ignores.push_back(goleakcheck::Ignoring(goleakcheck::matchers::BlockingSite(::testing::StartsWith("main.ncast"))));
  options.ignores.push_back(goleakcheck::parse_ignore_rule("top: main.timeoutPattern.func1"));
  goleakcheck::testing::LeakGuard ignoring(program(), options);
  get("/ncast");
  EXPECT_NO_GOROUTINE_LEAKS(ignoring);
}

}  // namespace
