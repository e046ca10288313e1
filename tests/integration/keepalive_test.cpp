// An outbound call through a kept-alive client leaves idle connection
// goroutines on both ends: counted apart by default, never a failure.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "goleakcheck/checker.hpp"
#include "goleakcheck/gtest.hpp"
#include "goleakcheck/report.hpp"
#include "goleakcheck/matchers.hpp"
#include "goleakcheck/idle_connection.hpp"
#include "leakyservice.hpp"

namespace goleakcheck {
namespace {

class KeepAliveTest : public testing::ProgramPerTest<test::LeakyService> {};

TEST_F(KeepAliveTest, OutboundKeepAliveCallIsNotAFailureByDefault) {
  testing::LeakGuard guard(program());
  test::get(program(), "/outbound");
  const LeakReport report = guard.check();
  EXPECT_TRUE(report.clean()) << render_text(report);
  ASSERT_EQ(report.idle_connections.size(), 3u) << render_text(report);
  std::multiset<IdleConnection> kinds;
  for (const Goroutine& g : report.idle_connections) kinds.insert(classify_idle_connection(g));
  EXPECT_EQ(kinds, (std::multiset<IdleConnection>{IdleConnection::client_read_loop, IdleConnection::client_write_loop,
                                                  IdleConnection::server_awaiting_request}));
  EXPECT_LT(report.elapsed, std::chrono::milliseconds(1500)) << "the check must not wait for idle connections";
  EXPECT_NO_GOROUTINE_LEAKS(guard);
}

TEST_F(KeepAliveTest, IdleConnectionsCountAsLeaksWhenAskedTo) {
  CheckOptions options;
  options.idle_connections_are_leaks = true;
  options.settle = std::chrono::milliseconds(300);
  testing::LeakGuard guard(program(), options);
  test::get(program(), "/outbound");
  const LeakReport report = guard.check();
  EXPECT_EQ(report.leak_count(), 3u) << render_text(report);
  EXPECT_TRUE(report.idle_connections.empty());
}

// Whether exactly the two leaked senders of /ncast stand at their line:
// the third, whose answer was taken, has finished.
bool only_two_senders_left(Checker& checker) {
  const Snapshot s = checker.snapshot();
  return std::count_if(s.goroutines.begin(), s.goroutines.end(), [](const Goroutine& g) {
           const Frame* site = g.blocking_site();
           return site != nullptr && site->function == "main.ncastPattern.func1";
         }) == 2;
}

TEST_F(KeepAliveTest, UserIgnoreRulesComposeWithTheDefaults) {
  CheckOptions options;
  options.ignores.push_back(Ignoring(matchers::BlockingSite("main.ncastPattern.func1")));
  testing::LeakGuard guard(program(), options);
  test::get(program(), "/ncast");
  test::get(program(), "/outbound");
  // Ignored goroutines are not waited for, so the third sender, still
  // finishing under load, would count as a third ignored one: wait until
  // it is gone.
  Checker watcher(program().endpoint());
  for (int i = 0; i < 500 && !only_two_senders_left(watcher); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const LeakReport report = guard.check();
  EXPECT_TRUE(report.clean()) << render_text(report);
  EXPECT_EQ(report.ignored, 2u);
  // The user's rules are tried first, then the defaults, as from the CLI.
  ASSERT_EQ(report.ignore_uses.size(), 1 + default_ignores().size());
  EXPECT_EQ(report.ignore_uses.front().origin, "api");
  EXPECT_EQ(report.ignore_uses.front().hits, 2u);
}

}  // namespace
}  // namespace goleakcheck
