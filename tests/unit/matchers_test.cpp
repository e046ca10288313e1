// Every matcher, its shorthands and composition, on real captured records.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/ignore.hpp"
#include "goleakcheck/matchers.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using namespace matchers;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class MatchersTest : public ::testing::Test {
 protected:
  const Goroutine& g(std::uint64_t id) const { return *snapshot_.find(id); }
  Snapshot snapshot_ = parse_dump(test::read_file(test::fixture("go1.26-leakyservice.debug2.txt")));
  // 35: sync.Mutex.Lock in main.(*cache).refresh, created by main.lockPattern.
  // 23: chan send in main.ncastPattern.func1. 1: main.main in IO wait.
};

TEST_F(MatchersTest, TopFunctionIsTheInnermostFrameOnly) {
  EXPECT_TRUE(TopFunction("internal/sync.runtime_SemacquireMutex").Matches(g(35)));
  EXPECT_FALSE(TopFunction("main.(*cache).refresh").Matches(g(35)));
  EXPECT_TRUE(TopFunction(StartsWith("main.ncast")).Matches(g(23)));
}

TEST_F(MatchersTest, AnyFunctionSeesTheWholeStackAndTheCreator) {
  EXPECT_TRUE(AnyFunction("main.(*cache).refresh").Matches(g(35)));
  EXPECT_TRUE(AnyFunction("main.lockPattern").Matches(g(35)));  // only the creator
  EXPECT_FALSE(AnyFunction("main.ncastPattern").Matches(g(35)));
}

TEST_F(MatchersTest, CreatedByBlockingSiteStateFile) {
  EXPECT_TRUE(CreatedBy("main.lockPattern").Matches(g(35)));
  EXPECT_FALSE(CreatedBy(HasSubstr("ncast")).Matches(g(35)));
  EXPECT_FALSE(CreatedBy(HasSubstr("main")).Matches(g(1)));  // goroutine 1 has no creator
  EXPECT_TRUE(BlockingSite("main.(*cache).refresh").Matches(g(35)));
  EXPECT_FALSE(BlockingSite(StartsWith("internal/")).Matches(g(35)));
  EXPECT_TRUE(State("sync.Mutex.Lock").Matches(g(35)));
  EXPECT_TRUE(State(StartsWith("chan")).Matches(g(23)));
  EXPECT_TRUE(File(EndsWith("/lock.go")).Matches(g(35)));
  EXPECT_TRUE(File(EndsWith("/mutex.go")).Matches(g(35)));
  EXPECT_FALSE(File(EndsWith("/ncast.go")).Matches(g(35)));
}

TEST_F(MatchersTest, BlockedAtLeastAndIds) {
  const Snapshot old = parse_dump("goroutine 279 [semacquire, 892 minutes]:\nmain.f()\n\t/a.go:1 +0x1\n");
  EXPECT_TRUE(BlockedAtLeast(892).Matches(old.goroutines[0]));
  EXPECT_FALSE(BlockedAtLeast(893).Matches(old.goroutines[0]));
  EXPECT_FALSE(BlockedAtLeast(1).Matches(g(35)));  // no minutes printed: under one
  EXPECT_TRUE(BlockedAtLeast(0).Matches(g(35)));
  EXPECT_TRUE(GoroutineIds({23, 24}).Matches(g(23)));
  EXPECT_FALSE(GoroutineIds({23, 24}).Matches(g(35)));
}

TEST_F(MatchersTest, ComposeWithGmocksOwnCombinators) {
  const GoroutineMatcher lock_in_cache = AllOf(State("sync.Mutex.Lock"), BlockingSite(HasSubstr("(*cache)")));
  EXPECT_TRUE(lock_in_cache.Matches(g(35)));
  EXPECT_FALSE(lock_in_cache.Matches(g(23)));
  EXPECT_TRUE(GoroutineMatcher(AnyOf(State("chan send"), State("sync.Mutex.Lock"))).Matches(g(23)));
  EXPECT_FALSE(GoroutineMatcher(Not(State("chan send"))).Matches(g(23)));
}

TEST_F(MatchersTest, GleakShorthandsForTheTopFunction) {
  EXPECT_TRUE(TopFunctionSpec("main.ncastPattern.func1").Matches(g(23)));
  EXPECT_TRUE(TopFunctionSpec("main.ncastPattern.func1 [chan send]").Matches(g(23)));
  EXPECT_FALSE(TopFunctionSpec("main.ncastPattern.func1 [chan receive]").Matches(g(23)));
  EXPECT_TRUE(TopFunctionSpec("main.ncast...").Matches(g(23)));
  EXPECT_FALSE(TopFunctionSpec("main.ncast").Matches(g(23)));  // exact without "..."
  EXPECT_TRUE(TopFunctionSpec("regex:^main\\.ncast.*func[0-9]$").Matches(g(23)));
  EXPECT_TRUE(IgnoreTopFunction("main.ncastPattern.func1").matches(g(23)));
}

TEST_F(MatchersTest, InvalidRegexIsABadRule) {
  EXPECT_THROW(FunctionSpec("regex:(unclosed"), Error);
}

TEST_F(MatchersTest, MatchersExplainThemselves) {
  const Ignore rule = Ignoring(AllOf(TopFunction("a.b"), State(StartsWith("chan"))));
  EXPECT_THAT(rule.name, HasSubstr("top function is equal to \"a.b\""));
  EXPECT_THAT(rule.name, HasSubstr("state starts with \"chan\""));
  EXPECT_EQ(::testing::DescribeMatcher<const Goroutine&>(CreatedBy("x"), /*negation=*/true),
            "no creator is equal to \"x\"");
  ::testing::StringMatchResultListener listener;
  EXPECT_TRUE(BlockingSite(HasSubstr("cache")).MatchAndExplain(g(35), &listener));
  EXPECT_EQ(listener.str(), "whose blocking site is main.(*cache).refresh");
}

}  // namespace
}  // namespace goleakcheck
