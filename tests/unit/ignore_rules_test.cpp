// The rule language, its errors, and each default rule.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/ignore.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

const Snapshot& fixture() {
  static const Snapshot snapshot = parse_dump(test::read_file(test::fixture("go1.26-leakyservice.debug2.txt")));
  return snapshot;
}
const Goroutine& g(std::uint64_t id) { return *fixture().find(id); }

Error rule_error(std::string_view text) {
  try {
    parse_ignore_rules(text, "rules.txt");
  } catch (const Error& e) {
    return e;
  }
  throw std::runtime_error("the rules parsed");
}

TEST(IgnoreRules, OneRulePerLineWithCommentsAndEveryKey) {
  const std::vector<Ignore> rules = parse_ignore_rules(
      "# keep-alive and friends\n"
      "\n"
      "top: internal/sync.runtime_SemacquireMutex\n"
      "top: main.ncastPattern.func1 [chan send]\n"
      "created-by: main.prematureReturn...\n"
      "any: regex:^main\\.speechRecognizer\\.\n"
      "state: sync.WaitGroup.Wait && blocking-site: main.waitGroupPattern.func2\n"
      "file: regex:/rangeloop\\.go$\n"
      "blocked-at-least: 5m\n"
      "id: 9, 1000\r\n",
      "rules.txt");
  ASSERT_THAT(rules, SizeIs(8));
  EXPECT_EQ(rules[0].origin, "rules.txt:3");
  EXPECT_EQ(rules[0].name, "top: internal/sync.runtime_SemacquireMutex");
  EXPECT_EQ(rules[7].origin, "rules.txt:10");
  EXPECT_TRUE(rules[0].matches(g(35)));
  EXPECT_TRUE(rules[1].matches(g(23)));
  EXPECT_TRUE(rules[2].matches(g(13)));
  EXPECT_TRUE(rules[3].matches(g(15)));
  EXPECT_TRUE(rules[4].matches(g(55)));
  EXPECT_FALSE(rules[4].matches(g(35)));  // both clauses must hold
  EXPECT_TRUE(rules[5].matches(g(32)));
  EXPECT_FALSE(rules[6].matches(g(32)));  // blocked under a minute
  EXPECT_TRUE(rules[7].matches(g(9)));
  EXPECT_FALSE(rules[7].matches(g(13)));
}

// Labels and escaped names, on Go 1.27's capture of tests/capture/waitstates.
TEST(IgnoreRules, LabelRulesMatchDecodedValuesExactlyByPrefixOrRegex) {
  const Snapshot s = parse_dump(test::read_file(test::fixture("releases/go1.27/goroutine.debug2.txt")));
  const auto matched = [&](std::string_view rule) {
    const Ignore ignore = parse_ignore_rule(rule);
    return std::count_if(s.goroutines.begin(), s.goroutines.end(), [&](const Goroutine& g) { return ignore.matches(g); });
  };
  EXPECT_EQ(matched("label: scenario=labelled"), 1);
  EXPECT_EQ(matched("label: scenario=label"), 0);
  EXPECT_EQ(matched("label: scenario=label..."), 1);
  EXPECT_EQ(matched("label: with space=a b"), 1);
  EXPECT_EQ(matched("label: evil=regex:goroutine 999"), 1);
  EXPECT_EQ(matched("label: nosuchkey=labelled"), 0);
  EXPECT_EQ(matched("label: scenario=labelled && state: chan receive"), 1);
  EXPECT_EQ(matched("label: scenario=labelled && state: chan send"), 0);
  // Both spellings of a package with a dot in its name.
  EXPECT_EQ(matched("top: goleakcheck.test/waitstates/nats.go.Park"), 1);
  EXPECT_EQ(matched("top: goleakcheck.test/waitstates/nats%2ego.Park"), 1);
  EXPECT_EQ(matched("any: goleakcheck.test/waitstates/nats%2ego..."), 1);
}

TEST(IgnoreRules, MalformedRulesNameFileLineTextAndWhatIsExpected) {
  Error e = rule_error("# fine\ntpo: main.f\n");
  EXPECT_EQ(e.kind(), ErrorKind::bad_rule);
  EXPECT_THAT(e.what(), HasSubstr("rules.txt:2: bad ignore rule 'tpo: main.f': unknown key 'tpo'; expected one of top,"));
  EXPECT_THAT(rule_error("main.f\n").what(), HasSubstr("rules.txt:1: bad ignore rule 'main.f': 'main.f' has no 'key:'"));
  EXPECT_THAT(rule_error("top:\n").what(), HasSubstr("has no value after 'top:'"));
  EXPECT_THAT(rule_error("top: a && \n").what(), HasSubstr("an empty clause around '&&'"));
  EXPECT_THAT(rule_error("any: regex:([\n").what(), HasSubstr("invalid regex '(['"));
  EXPECT_THAT(rule_error("blocked-at-least: soon\n").what(), HasSubstr("'soon' is not a number of minutes"));
  EXPECT_THAT(rule_error("id: 1,x\n").what(), HasSubstr("'x' is not a goroutine id"));
}

TEST(IgnoreRules, MissingFileIsAnIoError) {
  try {
    load_ignore_file("/nonexistent/rules.txt");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
  }
}

bool any_default_matches(const Goroutine& g) {
  for (const Ignore& rule : default_ignores()) {
    EXPECT_EQ(rule.origin, "default");
    if (rule.matches(g)) return true;
  }
  return false;
}

TEST(DefaultIgnores, SignalLoopTraceReaderTestingRunnerAndRuntimeWorkers) {
  const Snapshot s = parse_dump(
      "goroutine 6 [syscall]:\nos/signal.signal_recv()\n\t/go/src/runtime/sigqueue.go:152 +0x1\n"
      "os/signal.loop()\n\t/go/src/os/signal/signal_unix.go:23 +0x1\n"
      "created by os/signal.Notify.func1.1 in goroutine 1\n\t/go/src/os/signal/signal.go:152 +0x1\n\n"
      "goroutine 7 [trace reader (blocked)]:\nruntime.ReadTrace()\n\t/go/src/runtime/trace.go:1 +0x1\n"
      "runtime/trace.Start.func1()\n\t/go/src/runtime/trace/trace.go:130 +0x1\n\n"
      "goroutine 8 [chan receive]:\ntesting.(*T).Run(0xc0, {0x1, 0x2}, 0x3)\n\t/go/src/testing/testing.go:1 +0x1\n"
      "testing.runTests.func1(0x0?)\n\t/go/src/testing/testing.go:2 +0x1\n\n"
      "goroutine 9 [finalizer wait]:\nruntime.gopark(0x0?)\n\t/go/src/runtime/proc.go:1 +0x1\n"
      "runtime.runfinq()\n\t/go/src/runtime/mfinal.go:1 +0x1\n\n"
      "goroutine 10 [cleanup wait]:\nruntime.gopark(0x0?)\n\t/go/src/runtime/proc.go:1 +0x1\n");
  ASSERT_THAT(s.goroutines, SizeIs(5));
  for (const Goroutine& g : s.goroutines) EXPECT_TRUE(any_default_matches(g)) << "goroutine " << g.id;
}

TEST(DefaultIgnores, HideNoneOfTheSeedsLeaks) {
  for (std::uint64_t id : {9, 13, 15, 23, 24, 32, 35, 55}) EXPECT_FALSE(any_default_matches(g(id))) << id;
}

}  // namespace
}  // namespace goleakcheck
