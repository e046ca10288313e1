// The diff and triage stage on captured dumps, with no program running:
// which goroutines are new, what each is, and which stacks grew.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "goleakcheck/diff.hpp"
#include "goleakcheck/dump.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

Snapshot dump(const char* fixture) { return parse_dump(test::read_file(test::fixture(fixture))); }

// A baseline of `all` without the goroutines `absent`: what a program looked
// like before those started.
Baseline baseline_without(const Snapshot& all, std::set<std::uint64_t> absent) {
  Snapshot before = all;
  std::erase_if(before.goroutines, [&](const Goroutine& g) { return absent.contains(g.id); });
  return Baseline(std::move(before));
}

std::vector<std::uint64_t> ids(const std::vector<const Goroutine*>& goroutines) {
  std::vector<std::uint64_t> out;
  for (const Goroutine* g : goroutines) out.push_back(g->id);
  return out;
}

TriageRules defaults() { return TriageRules{rules_in_force({}, true), false}; }

// Go 1.26's capture of tests/capture/waitstates: 21 [chan send] and 35
// [syscall] are the program's, 5 is the pprof request writing this very
// dump, 43 a runnable one.
TEST(NewGoroutines, SortsWhatTheBaselineLacksIntoBlockedAndActive) {
  const Snapshot after = dump("releases/go1.26/goroutine.debug2.txt");
  const NewGoroutines found = new_goroutines(after, baseline_without(after, {5, 21, 35, 99}), defaults());
  EXPECT_THAT(ids(found.blocked), ElementsAre(21));
  EXPECT_THAT(ids(found.active), ElementsAre(35));  // a system call: may still finish
  EXPECT_THAT(found.idle_connections, IsEmpty());
  EXPECT_FALSE(found.settled());

  const NewGoroutines nothing_new = new_goroutines(after, Baseline(after), defaults());
  EXPECT_TRUE(nothing_new.settled());
  EXPECT_THAT(nothing_new.blocked, IsEmpty());
}

TEST(NewGoroutines, OurOwnFootprintIsNeverNew) {
  const Snapshot after = dump("releases/go1.26/goroutine.debug2.txt");
  EXPECT_EQ(triage(*after.find(5), defaults()).kind, Triage::footprint);
  const NewGoroutines found = new_goroutines(after, baseline_without(after, {5}), defaults());
  EXPECT_TRUE(found.settled());
}

TEST(Triage, IdleConnectionsApartUnlessTheyCountAsLeaks) {
  const Snapshot s = dump("go1.26-keepalive.debug2.txt");
  const Goroutine& read_loop = *s.find(24);
  EXPECT_EQ(triage(read_loop, defaults()).kind, Triage::idle_connection);
  TriageRules strict = defaults();
  strict.idle_connections_are_leaks = true;
  EXPECT_EQ(triage(read_loop, strict).kind, Triage::reported);

  const NewGoroutines found = new_goroutines(s, baseline_without(s, {24, 25, 26}), defaults());
  EXPECT_THAT(ids(found.idle_connections), UnorderedElementsAre(24, 25, 26));
  EXPECT_TRUE(found.settled());  // nobody waits for an idle connection
}

TEST(Triage, TheFirstMatchingRuleCountsAndUserRulesComeFirst) {
  const Snapshot s = dump("releases/go1.26/goroutine.debug2.txt");
  const Goroutine& sender = *s.find(21);  // main.parkChanSend
  const std::vector<Ignore> mine = {parse_ignore_rule("state: select"), parse_ignore_rule("top: main.parkChanSend"),
                                    parse_ignore_rule("state: chan send")};
  const TriageRules rules{rules_in_force(mine, true), false};
  ASSERT_THAT(rules.ignores, SizeIs(mine.size() + default_ignores().size()));
  EXPECT_EQ(rules.ignores[0].origin, "--ignore");
  EXPECT_TRUE(rules.ignores.back().is_default());
  const Triage t = triage(sender, rules);
  EXPECT_EQ(t.kind, Triage::ignored);
  EXPECT_EQ(t.rule, 1u);

  const NewGoroutines found = new_goroutines(s, baseline_without(s, {21, 22, 23}), rules);
  EXPECT_EQ(found.ignored, 2u);                        // 21 by rule 1, 23 [select] by rule 0
  EXPECT_THAT(ids(found.blocked), ElementsAre(22));    // [chan receive]: no rule
  EXPECT_EQ(found.hits[0], 1u);
  EXPECT_EQ(found.hits[1], 1u);
  EXPECT_EQ(found.hits[2], 0u);
  EXPECT_THAT(rules_in_force(mine, false), SizeIs(mine.size()));
}

// An unreadable header counts as blocked: a check must never call it gone.
TEST(NewGoroutines, AnUnreadableRecordIsReportedBlocked) {
  const Snapshot after = parse_dump(
      "goroutine 1 [IO wait]:\nmain.main()\n\t/a.go:1 +0x1\n\n"
      "goroutine 9 [chan send] <something new>:\nmain.f()\n\t/a.go:2 +0x1\n");
  const NewGoroutines found = new_goroutines(after, baseline_without(after, {9}), defaults());
  EXPECT_THAT(ids(found.blocked), ElementsAre(9));
}

// Never a verdict made of what is no dump.
TEST(WhyNotALiveDump, OnlyARealDumpServedLivePasses) {
  EXPECT_EQ(why_not_a_live_dump(dump("releases/go1.27/goroutine.debug2.txt")), "");
  EXPECT_EQ(why_not_a_live_dump(dump("releases/go1.19/goroutine.debug2.txt")), "");
  EXPECT_EQ(why_not_a_live_dump(parse_dump("")), "it is empty");
  EXPECT_EQ(why_not_a_live_dump(parse_dump("<!DOCTYPE html>\n<html><body>shop</body></html>\n")),
            "it holds no goroutine record");
  // A crash log is a dump, but not one a live endpoint serves.
  const Snapshot crash = dump("go1.26-crash-gotraceback-system.stderr.txt");
  EXPECT_EQ(why_not_a_dump(crash), "");
  EXPECT_THAT(why_not_a_live_dump(crash), ::testing::HasSubstr("writeGoroutineStacks"));
  // A real dump buried in text that is not part of it: a log around a
  // crash, when read from a file; no answer pprof gives.
  std::string buried = test::read_file(test::fixture("releases/go1.27/goroutine.debug2.txt"));
  for (int i = 0; i < 2000; ++i) buried += "lorem ipsum dolor sit amet\n";
  EXPECT_EQ(why_not_a_dump(parse_dump(buried)), "");
  EXPECT_THAT(why_not_a_live_dump(parse_dump(buried)), ::testing::StartsWith("most of it is not goroutine records"));
  // A dump that turns into bytes that are no text is no dump, file or not.
  std::string binary = test::read_file(test::fixture("releases/go1.27/goroutine.debug2.txt"));
  for (int i = 0; i < 100000; ++i) binary += static_cast<char>(i % 31 + 1);
  EXPECT_THAT(why_not_a_dump(parse_dump(binary)), ::testing::StartsWith("most of it is not text"));
}

Profile profile(const char* text) { return parse_profile(text); }

TEST(GrownStacks, TriagedLikeGoroutines) {
  const Profile before = profile(
      "goroutine profile: total 1\n"
      "1 @ 0x1\n#\t0x1\tmain.main+0x1\t/a.go:1\n\n");
  const Profile after = profile(
      "goroutine profile: total 6\n"
      "3 @ 0x2\n#\t0x2\tmain.leak.func1+0x1\t/a.go:7\n\n"
      "1 @ 0x1\n#\t0x1\tmain.main+0x1\t/a.go:1\n\n"
      "1 @ 0x3\n#\t0x3\truntime/pprof.writeGoroutineStacks+0x1\t/p.go:1\n\n"
      "1 @ 0x4\n#\t0x4\tos/signal.loop+0x1\t/s.go:1\n\n");
  EXPECT_THAT(grown_stacks(before, after), SizeIs(3));
  const std::vector<StackGrowth> reported = reported_growth(before, after, defaults());
  ASSERT_THAT(reported, SizeIs(1));  // not our footprint, not os/signal (a default rule)
  EXPECT_EQ(reported[0].growth(), 3u);
  EXPECT_EQ(reported[0].stack.frames[0].function, "main.leak.func1");
}

// Go 1.26 prints no labels in headers by default; debug=1 does.
TEST(AttachProfileLabels, FromDebug1WhenTheStackTellsWhichGoroutine) {
  const Snapshot s = dump("releases/go1.26/goroutine.debug2.txt");
  const Profile p = parse_profile(test::read_file(test::fixture("releases/go1.26/goroutine.debug1.txt")));
  std::vector<Goroutine> leaks = {*s.find(40), *s.find(21)};  // the labelled leak, and one without labels
  ASSERT_THAT(leaks[0].labels, IsEmpty());
  EXPECT_EQ(attach_profile_labels(leaks, p), 1u);
  ASSERT_THAT(leaks[0].labels, SizeIs(5));
  EXPECT_EQ(*leaks[0].label("scenario"), "labelled");
  EXPECT_THAT(leaks[1].labels, IsEmpty());
}

TEST(AttachProfileLabels, NotWhenTheSameStackCarriesDifferentLabels) {
  const Snapshot s = parse_dump("goroutine 9 [chan send]:\nmain.f()\n\t/a.go:2 +0x1\n");
  const Profile p = profile(
      "goroutine profile: total 2\n"
      "1 @ 0x1\n# labels: {\"k\":\"a\"}\n#\t0x1\tmain.f+0x1\t/a.go:2\n\n"
      "1 @ 0x1\n# labels: {\"k\":\"b\"}\n#\t0x1\tmain.f+0x1\t/a.go:2\n\n");
  std::vector<Goroutine> leaks = s.goroutines;
  EXPECT_EQ(attach_profile_labels(leaks, p), 0u);
  EXPECT_THAT(leaks[0].labels, IsEmpty());
}

}  // namespace
}  // namespace goleakcheck
