// Reports that lead to the user's line, on live programs: a library's
// client made per request (examples/realservice /publish-per-call, with the
// library vendored), through the ancestry GODEBUG=tracebackancestors gives;
// and a hint for each leak pattern of examples/leakyservice.
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goleakcheck/checker.hpp"
#include "goleakcheck/gtest.hpp"
#include "goleakcheck/hints.hpp"
#include "goleakcheck/program.hpp"
#include "goleakcheck/user_code.hpp"
#include "leakyservice.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

LaunchOptions realservice() {
  LaunchOptions options;
  options.argv = {GOLEAKCHECK_REALSERVICE_BIN, "-addr", "{addr}"};
  return options;
}

LeakReport check_get(LaunchOptions launch, const std::string& path) {
  Program program = Program::launch(std::move(launch));
  CheckOptions options;
  options.settle = std::chrono::milliseconds(300);
  testing::LeakGuard guard(program, [&] { test::get(program, path); }, options);
  return guard.check();
}

int client_per_call_line() {
  return test::marker_line(std::string(GOLEAKCHECK_REALSERVICE_SRC) + "/subscribe.go", "client-per-call");
}

TEST(UserCodeLive, ALibraryClientPerCallLeadsToTheLineThatMadeIt) {
  const LeakReport report = check_get(realservice(), "/publish-per-call");
  ASSERT_EQ(report.groups.size(), 2u) << render_text(report);  // the library's flusher and read loop
  for (const LeakGroup& group : report.groups) {
    EXPECT_THAT(std::string(group.blocking_site.function), ::testing::StartsWith("example.com/pubsub."));
    const UserOrigin origin = user_origin(group.example, report.user_code);
    ASSERT_NE(origin.frame, nullptr) << render_text(report);
    EXPECT_EQ(origin.frame->function, "main.publishPerCall");
    EXPECT_EQ(origin.frame->line, client_per_call_line());
    EXPECT_TRUE(origin.started_it);
    const auto hint = leak_hint(group.example, origin);
    ASSERT_TRUE(hint.has_value());
    EXPECT_EQ(hint->pattern, "client_per_call");
  }
  const std::string text = render_text(report);
  EXPECT_THAT(text, HasSubstr(fmt::format("your code   main.publishPerCall {}/subscribe.go:{} started it, through "
                                          "example.com/pubsub.Connect",
                                          GOLEAKCHECK_REALSERVICE_SRC, client_per_call_line())));
  EXPECT_THAT(text, HasSubstr(fmt::format(">{:>6} |  conn := pubsub.Connect() // leak:client-per-call",
                                          client_per_call_line())));
  const auto json = nlohmann::json::parse(render_json(report));
  EXPECT_EQ(json["groups"][0]["your_code"]["function"], "main.publishPerCall");
  EXPECT_EQ(json["groups"][0]["hint"]["pattern"], "client_per_call");
}

TEST(UserCodeLive, WithoutAncestorsTheReportSaysHowToGetThem) {
  LaunchOptions launch = realservice();
  launch.traceback_ancestors = 0;
  const LeakReport report = check_get(launch, "/publish-per-call");
  ASSERT_EQ(report.groups.size(), 2u) << render_text(report);
  const std::string text = render_text(report);
  EXPECT_THAT(text, HasSubstr("your code   not in this stack; run the program with GODEBUG=tracebackancestors=20"));
  EXPECT_THAT(text, Not(HasSubstr("client_per_call")));
}

TEST(UserCodeLive, ClosingTheClientLeavesNothing) {
  const LeakReport report = check_get(realservice(), "/publish-per-call?fixed=1");
  EXPECT_TRUE(report.clean()) << render_text(report);
}

TEST(UserCodeLive, TheProgramGetsAncestorsAddedToItsOwnGodebug) {
  LaunchOptions launch = realservice();
  launch.env["GODEBUG"] = "madvdontneed=1";
  Program program = Program::launch(launch);
  std::ifstream environ("/proc/" + std::to_string(program.pid()) + "/environ", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(environ)), {});
  EXPECT_THAT(text, HasSubstr(std::string("GODEBUG=madvdontneed=1,tracebackancestors=20") + '\0'));

  LaunchOptions own = realservice();
  own.env["GODEBUG"] = "tracebackancestors=5";
  Program program_with_own = Program::launch(own);
  std::ifstream own_environ("/proc/" + std::to_string(program_with_own.pid()) + "/environ", std::ios::binary);
  const std::string own_text((std::istreambuf_iterator<char>(own_environ)), {});
  EXPECT_THAT(own_text, HasSubstr(std::string("GODEBUG=tracebackancestors=5") + '\0')) << "the user's setting wins";
}

// Each pattern of leakyservice gets its hint; fixed variants leave nothing.
struct PatternHint {
  const char* path;
  const char* pattern;
};

class PatternHintTest : public ::testing::TestWithParam<PatternHint> {};

TEST_P(PatternHintTest, NamesThePattern) {
  const LeakReport report = check_get(test::leakyservice(), GetParam().path);
  ASSERT_FALSE(report.groups.empty()) << render_text(report);
  const LeakGroup& group = report.groups.front();
  const auto json = nlohmann::json::parse(render_json(report));
  EXPECT_EQ(json["groups"][0]["hint"]["pattern"], GetParam().pattern) << render_text(report);
  // The blocking line is the user's: quoted, and no "your code" line repeats it.
  const std::string text = render_text(report);
  EXPECT_THAT(text, HasSubstr(fmt::format("> {:>5} | ", group.blocking_site.line)));
  EXPECT_THAT(text, Not(HasSubstr("your code")));
}

INSTANTIATE_TEST_SUITE_P(
    Leakyservice, PatternHintTest,
    ::testing::Values(PatternHint{"/async", "orphaned_sender"}, PatternHint{"/ncast", "orphaned_sender"},
                      PatternHint{"/premature", "orphaned_sender"}, PatternHint{"/timeout", "orphaned_sender"},
                      PatternHint{"/range", "range_never_closed"}, PatternHint{"/lock", "lock_never_released"},
                      PatternHint{"/waitgroup", "waitgroup_never_done"}),
    [](const auto& info) { return std::string(info.param.path + 1); });

}  // namespace
}  // namespace goleakcheck
