// Dump-format conformance: live dumps from examples/leakyservice built with
// three Go releases (the machine's go, Debian's golang-1.19-go, and Go 1.27
// fetched through GOTOOLCHAIN and built as a go-1.27 module; scripts/ gets
// both), read over real HTTP. Older runtimes write older forms: no
// "in goroutine N", "semacquire" for locks; 1.27 prints labels in headers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <thread>

#include "goleakcheck/checker.hpp"
#include "goleakcheck/gtest.hpp"
#include "leakyservice.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::AnyOf;
using ::testing::Eq;
using ::testing::SizeIs;

struct Toolchain {
  std::string name;
  std::string binary;          // empty: not on this machine
  bool names_parent = false;   // Go 1.21+: "created by F in goroutine N"
};

void PrintTo(const Toolchain& t, std::ostream* os) { *os << t.name; }

// Endpoint -> the source file holding its "// leak:NAME" marker.
const std::map<std::string, std::string> kPatterns = {
    {"timeout", "timeout.go"}, {"ncast", "ncast.go"}, {"range", "rangeloop.go"}, {"premature", "premature.go"},
    {"async", "async.go"},     {"lock", "lock.go"},   {"waitgroup", "waitgroup.go"},
    {"labelled", "labelled.go"}};

class ConformanceTest : public ::testing::TestWithParam<Toolchain> {
 protected:
  void SetUp() override {
    if (GetParam().binary.empty()) {
      GTEST_SKIP() << GetParam().name
                   << " is not installed, so leakyservice was not built with it; scripts/test installs "
                      "golang-1.19-go and fetches Go 1.27 (GO127_EXECUTABLE)";
    }
  }

  Program launch() const {
    LaunchOptions options = test::leakyservice();
    options.argv[0] = GetParam().binary;
    return Program::launch(options);
  }
};

// The goroutine whose blocking site is the "// leak:NAME" line of `file`.
const Goroutine* at_marker(const Snapshot& s, const std::string& name, const std::string& file) {
  const int line = test::marker_line(test::leakyservice_source(file), name);
  const std::string suffix = "/" + file;
  const auto found = std::find_if(s.goroutines.begin(), s.goroutines.end(), [&](const Goroutine& g) {
    const Frame* site = g.blocking_site();
    return site != nullptr && site->line == line && site->file.ends_with(suffix);
  });
  return found == s.goroutines.end() ? nullptr : &*found;
}

// Whether every pattern has a goroutine parked at its marker line yet (the
// timeout pattern's worker parks only after its work is done).
bool all_parked(const Snapshot& s) {
  return std::all_of(kPatterns.begin(), kPatterns.end(), [&](const auto& pattern) {
    const Goroutine* g = at_marker(s, pattern.first, pattern.second);
    return g != nullptr && g->blocked();
  });
}

TEST_P(ConformanceTest, LiveDumpReadsEveryRecordWithItsBlockingLine) {
  Program program = launch();
  for (const auto& [name, file] : kPatterns) test::get(program, "/" + name);
  Checker checker(program.endpoint());
  Snapshot s = checker.snapshot();
  for (int i = 0; i < 100 && !all_parked(s); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    s = checker.snapshot();
  }
  EXPECT_FALSE(s.truncated);
  ASSERT_THAT(s.goroutines, ::testing::Not(SizeIs(0)));
  for (const Goroutine& g : s.goroutines) {
    EXPECT_FALSE(g.partial) << g.id;
    EXPECT_FALSE(g.state.empty()) << g.id;
    for (const Frame& f : g.frames) {
      EXPECT_FALSE(f.function.empty()) << g.id;
      EXPECT_FALSE(f.file.empty()) << g.id << " " << f.function;
      EXPECT_GT(f.line, 0) << g.id << " " << f.function;
    }
  }
  for (const auto& [name, file] : kPatterns) {
    const Goroutine* g = at_marker(s, name, file);
    ASSERT_NE(g, nullptr) << "no goroutine blocked at " << file << ":"
                          << test::marker_line(test::leakyservice_source(file), name);
    EXPECT_TRUE(g->blocked()) << name << ": " << g->state;
    ASSERT_TRUE(g->created_by) << name;
    EXPECT_EQ(g->creator_id.has_value(), GetParam().names_parent) << name;
  }
}

TEST_P(ConformanceTest, LiveProfileCountsAddUpToItsTotal) {
  Program program = launch();
  test::get(program, "/ncast");
  Checker checker(program.endpoint());
  const int line = test::marker_line(test::leakyservice_source("ncast.go"), "ncast");
  const auto at_marker = [&](const Profile& p) {
    return std::find_if(p.stacks.begin(), p.stacks.end(), [&](const StackCount& stack) {
      return !stack.frames.empty() && stack.frames.front().line == line;
    });
  };
  // The senders start after the request returns: wait until both stand at
  // their line (a goroutine not started yet has no frames to show).
  Profile p = checker.counts();
  for (int i = 0; i < 200 && (at_marker(p) == p.stacks.end() || at_marker(p)->count < 2); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    p = checker.counts();
  }
  EXPECT_FALSE(p.truncated);
  ASSERT_TRUE(p.total);
  EXPECT_EQ(p.counted(), *p.total);
  const auto ncast = at_marker(p);
  ASSERT_NE(ncast, p.stacks.end());
  EXPECT_EQ(ncast->count, 2u);
  EXPECT_EQ(ncast->frames.front().function, "main.ncastPattern.func1");
}

TEST_P(ConformanceTest, EveryPatternIsCaughtAndEveryFixIsClean) {
  Program program = launch();
  testing::LeakGuard leaky(program);
  for (const auto& [name, file] : kPatterns) test::get(program, "/" + name);
  const LeakReport report = leaky.check();
  ASSERT_EQ(report.groups.size(), kPatterns.size()) << render_text(report);
  for (const LeakGroup& group : report.groups) {
    const std::string file = std::string(group.blocking_site.file.substr(group.blocking_site.file.rfind('/') + 1));
    const auto pattern = std::find_if(kPatterns.begin(), kPatterns.end(), [&](const auto& p) { return p.second == file; });
    ASSERT_NE(pattern, kPatterns.end()) << render_text(report);
    EXPECT_EQ(group.blocking_site.line, test::marker_line(test::leakyservice_source(file), pattern->first));
  }

  testing::LeakGuard fixed(program);
  for (const auto& [name, file] : kPatterns) test::get(program, "/" + name + "?fixed=1");
  EXPECT_NO_GOROUTINE_LEAKS(fixed);
}

// A leak started inside pprof.Do: caught with its exact count, blocking
// line and labels on every release, from the header on 1.27 and from the
// debug=1 profile before.
TEST_P(ConformanceTest, LabelledLeakIsCaughtWithItsLabels) {
  Program program = launch();
  testing::LeakGuard guard(program);
  test::get(program, "/labelled");
  test::get(program, "/labelled");
  const LeakReport report = guard.check();
  ASSERT_THAT(report.groups, SizeIs(1)) << render_text(report);
  const LeakGroup& group = report.groups.front();
  EXPECT_EQ(group.count(), 2u);
  EXPECT_EQ(group.state, "chan send");
  EXPECT_EQ(group.blocking_site.function, "main.labelledPattern.func1.1");
  EXPECT_EQ(group.blocking_site.line, test::marker_line(test::leakyservice_source("labelled.go"), "labelled"));
  const std::vector<Label> labels = {{"route", "/labelled"}, {"scenario", "labelled"}, {"tenant", "ACME Corp"}};
  for (const Goroutine& g : report.leaks) EXPECT_EQ(g.labels, labels) << g.id;
  EXPECT_THAT(render_text(report),
              ::testing::HasSubstr("labels      {route: /labelled, scenario: labelled, tenant: \"ACME Corp\"}"));
}

// A label rule works on every release, headers or not.
TEST_P(ConformanceTest, LabelRulesIgnoreTheLabelledLeakOnEveryRelease) {
  Program program = launch();
  CheckOptions options;
  options.ignores.push_back(parse_ignore_rule("label: tenant=ACME..."));
  testing::LeakGuard guard(program, options);
  test::get(program, "/labelled");
  const LeakReport report = guard.check();
  EXPECT_TRUE(report.clean()) << render_text(report);
  EXPECT_EQ(report.ignored, 1u);
}

INSTANTIATE_TEST_SUITE_P(Toolchains, ConformanceTest,
                         ::testing::Values(Toolchain{"go", GOLEAKCHECK_LEAKYSERVICE_BIN, true},
                                           Toolchain{"go1.19", GOLEAKCHECK_LEAKYSERVICE_GO119_BIN, false},
                                           Toolchain{"go1.27", GOLEAKCHECK_LEAKYSERVICE_GO127_BIN, true}),
                         [](const ::testing::TestParamInfo<Toolchain>& info) {
                           if (info.param.name == "go") return std::string("machine_go");
                           return info.param.name == "go1.19" ? std::string("go1_19") : std::string("go1_27");
                         });

}  // namespace
}  // namespace goleakcheck
