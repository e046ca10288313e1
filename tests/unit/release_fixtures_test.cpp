// The dumps of every Go release goleakcheck claims, captured from real runs
// of tests/capture/waitstates by tests/capture/run (tests/fixtures/releases/
// goX.Y/). The service parks one goroutine per wait state in a function
// named park<What> (leak<What> for those the runtime can prove leaked), so
// each test finds its goroutine by function and checks what the reader
// made of it: the state that release prints, the markers, the labels.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/profile.hpp"
#include "record_starts.hpp"
#include "snapshot_lookup.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::Field;
using ::testing::Ge;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

struct Release {
  int minor;  // 1.<minor>
  std::string name() const { return "go1." + std::to_string(minor); }
};

void PrintTo(const Release& r, std::ostream* os) { *os << r.name(); }

std::filesystem::path release_file(const Release& r, const char* file) {
  return test::fixture("releases") / r.name() / file;
}

Snapshot read_dump(const std::filesystem::path& file) { return parse_dump(test::read_file(file)); }

// The one goroutine whose stack runs `function` (decoded, as records hold it).
const Goroutine& running(const Snapshot& s, std::string_view function) {
  const Goroutine* found = nullptr;
  for (const Goroutine& g : s.goroutines) {
    for (const Frame& f : g.frames) {
      if (f.function == function) {
        if (found != nullptr && found != &g) throw std::runtime_error("two goroutines run " + std::string(function));
        found = &g;
      }
    }
  }
  if (found == nullptr) throw std::runtime_error("no goroutine runs " + std::string(function));
  return *found;
}

// The labels the service gives its labelled leak, decoded.
const std::vector<Label> kServiceLabels = {
    {"evil", "x]:\n\ngoroutine 999 [running]:"},
    {"quote", R"(say "hi" {ok}, \ done)"},
    {"scenario", "labelled"},
    {"unicode", "gr\u00fc\u00dfe \u4e16\u754c"},
    {"with space", "a b"},
};

// What the runtime can prove leaked: primitives no other goroutine or
// global reaches.
const std::vector<std::string> kProvable = {"main.leakSend.func1", "main.leakLabelled.func1.1",
                                            "main.parkSelectNoCases", "main.parkNilSend", "main.parkNilReceive"};

class EveryRelease : public ::testing::TestWithParam<Release> {};

// The state each release prints for each park function. Go 1.19 reports
// every sync wait as semacquire; 1.21 names mutexes; 1.24 names WaitGroups.
TEST_P(EveryRelease, ReadsEveryWaitStateAsThatReleasePrintsIt) {
  const int minor = GetParam().minor;
  const Snapshot s = read_dump(release_file(GetParam(), "goroutine.debug2.txt"));
  EXPECT_FALSE(s.truncated);
  EXPECT_EQ(s.unreadable_records(), 0u);
  const std::map<std::string, std::string> states = {
      {"main.parkChanSend", "chan send"},
      {"main.parkChanReceive", "chan receive"},
      {"main.parkSelect", "select"},
      {"main.parkSelectNoCases", "select (no cases)"},
      {"main.parkNilSend", "chan send (nil chan)"},
      {"main.parkNilReceive", "chan receive (nil chan)"},
      {"main.parkMutex", minor >= 21 ? "sync.Mutex.Lock" : "semacquire"},
      {"main.parkRLock", minor >= 21 ? "sync.RWMutex.RLock" : "semacquire"},
      {"main.parkLock", minor >= 21 ? "sync.RWMutex.Lock" : "semacquire"},
      {"main.parkWaitGroup", minor >= 24 ? "sync.WaitGroup.Wait" : "semacquire"},
      {"main.parkCond", "sync.Cond.Wait"},
      {"main.parkSleep", "sleep"},
      {"main.parkIOWait", "IO wait"},
      {"main.parkSyscall", "syscall"},
      {"main.parkLocked", "chan receive"},
      {"main.parkDeep", "chan receive"},
      {"main.(*Box[...]).wait", "chan receive"},
      {"goleakcheck.test/waitstates/nats.go.Park", "chan receive"},
      {"main.leakSend.func1", "chan send"},
      {"main.leakLabelled.func1.1", "chan receive"},
  };
  for (const auto& [function, state] : states) {
    const Goroutine& g = running(s, function);
    EXPECT_EQ(g.state, state) << function;
    EXPECT_EQ(g.blocked(), state != "syscall") << function;
    EXPECT_FALSE(g.leaked_marker) << function << ": no leak profile was asked for";
    EXPECT_EQ(g.locked_to_thread, function == "main.parkLocked") << function;
    ASSERT_TRUE(g.created_by) << function;
    // "created by ... in goroutine N" from Go 1.21 on.
    EXPECT_EQ(g.creator_id.has_value(), minor >= 21) << function;
  }
  // The user's line is found under the runtime's and sync's frames.
  EXPECT_EQ(running(s, "main.parkMutex").blocking_site()->function, "main.parkMutex");
  EXPECT_THAT(running(s, "main.parkMutex").blocking_site()->file, EndsWith("/tests/capture/waitstates/main.go"));
}

// A label set on pprof.Do reaches goroutine headers only in Go 1.27 (for a
// module that declares go 1.27); every release prints it in debug=1.
TEST_P(EveryRelease, LabelsAreReadInTheHeaderWhereTheReleasePrintsThemAndAlwaysInDebug1) {
  const Snapshot s = read_dump(release_file(GetParam(), "goroutine.debug2.txt"));
  const Goroutine& labelled = running(s, "main.leakLabelled.func1.1");
  if (GetParam().minor >= 27) {
    EXPECT_EQ(labelled.labels, kServiceLabels);
  } else {
    EXPECT_THAT(labelled.labels, IsEmpty());
  }
  for (const Goroutine& g : s.goroutines) {
    if (g.id != labelled.id) {
      EXPECT_THAT(g.labels, IsEmpty()) << g.id;
    }
  }

  const Profile p = parse_profile(test::read_file(release_file(GetParam(), "goroutine.debug1.txt")));
  EXPECT_FALSE(p.truncated);
  EXPECT_EQ(p.name, "goroutine");
  EXPECT_EQ(p.total, p.counted());
  EXPECT_EQ(p.total, s.goroutines.size());
  const auto labelled_stack = std::find_if(p.stacks.begin(), p.stacks.end(), [](const StackCount& st) {
    return !st.frames.empty() && st.frames.front().function == "main.leakLabelled.func1.1";
  });
  ASSERT_NE(labelled_stack, p.stacks.end());
  EXPECT_EQ(labelled_stack->labels, kServiceLabels);
  // debug=1 names go through the same decoding.
  EXPECT_THAT(p.stacks, Contains(Field(&StackCount::frames, Contains(Field(
                                                                &Frame::function,
                                                                "goleakcheck.test/waitstates/nats.go.Park")))));
}

// A stack deeper than the runtime prints: Go 1.21+ keeps the innermost and
// outermost 50 frames and says how many it left out; Go 1.19 stops at 100
// and says nothing.
TEST_P(EveryRelease, DeepStacksAreCutTheWayTheReleaseCutsThem) {
  const Snapshot s = read_dump(release_file(GetParam(), "goroutine.debug2.txt"));
  const Goroutine& deep = running(s, "main.parkDeep");
  if (GetParam().minor >= 21) {
    EXPECT_TRUE(deep.frames_elided);
    EXPECT_EQ(deep.elided_frame_count, 22u);
    EXPECT_THAT(deep.frames, SizeIs(100));
  } else {
    EXPECT_FALSE(deep.frames_elided);
    EXPECT_THAT(deep.frames, SizeIs(Ge(97)));
  }
}

// The reader's promise on every captured file: every line that starts a
// goroutine record became a record, and none is unreadable.
TEST_P(EveryRelease, EveryRecordStartBecomesARecordInEveryFile) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::fixture("releases") / GetParam().name())) {
    const std::string name = entry.path().filename().string();
    if (name.find("debug1") != std::string::npos || name == "VERSION") continue;
    const std::string text = test::read_file(entry.path());
    const Snapshot s = parse_dump(text);
    EXPECT_EQ(s.goroutines.size(), test::count_record_starts(text)) << name;
    EXPECT_GT(s.goroutines.size(), 5u) << name;
    EXPECT_EQ(s.unreadable_records(), 0u) << name;
    EXPECT_FALSE(s.truncated) << name;
    ++files;
  }
  EXPECT_GE(files, 1);
}

std::string release_name(const ::testing::TestParamInfo<Release>& info) { return "go1_" + std::to_string(info.param.minor); }

INSTANTIATE_TEST_SUITE_P(Go, EveryRelease,
                         ::testing::Values(Release{19}, Release{21}, Release{22}, Release{23}, Release{24},
                                           Release{25}, Release{26}, Release{27}),
                         release_name);

// The runtime's leak proof: Go 1.27 by default, Go 1.26 with
// GOEXPERIMENT=goroutineleakprofile. Its debug=2 form lists every goroutine
// and marks the proven ones; debug=1 lists only those.
class LeakProofRelease : public ::testing::TestWithParam<Release> {};

TEST_P(LeakProofRelease, MarksExactlyTheProvableLeaks) {
  const Snapshot s = read_dump(release_file(GetParam(), "goroutineleak.debug2.txt"));
  EXPECT_EQ(s.unreadable_records(), 0u);
  std::vector<std::string> marked;
  for (const Goroutine& g : s.goroutines) {
    if (g.leaked_marker) marked.emplace_back(g.blocking_site()->function);
  }
  EXPECT_THAT(marked, UnorderedElementsAre(kProvable[0], kProvable[1], kProvable[2], kProvable[3], kProvable[4]));
  // The marker is not part of the state; labels still follow (1.26 inside
  // the brackets, as this capture asked with tracebacklabels=1; 1.27 after).
  const Goroutine& labelled = running(s, "main.leakLabelled.func1.1");
  EXPECT_EQ(labelled.state, "chan receive");
  EXPECT_TRUE(labelled.leaked_marker);
  EXPECT_EQ(labelled.labels, kServiceLabels);

  const Profile p = parse_profile(test::read_file(release_file(GetParam(), "goroutineleak.debug1.txt")));
  EXPECT_EQ(p.name, "goroutineleak");
  EXPECT_EQ(p.total, kProvable.size());
  EXPECT_EQ(p.counted(), kProvable.size());
}

INSTANTIATE_TEST_SUITE_P(Go, LeakProofRelease, ::testing::Values(Release{26}, Release{27}), release_name);

// Go 1.26 prints labels inside the brackets when GODEBUG=tracebacklabels=1,
// always quoted.
TEST(Go126, TracebackLabelsInsideTheBrackets) {
  const Snapshot s = read_dump(release_file(Release{26}, "tracebacklabels.debug2.txt"));
  const Goroutine& labelled = running(s, "main.leakLabelled.func1.1");
  EXPECT_EQ(labelled.state, "chan receive");
  EXPECT_EQ(labelled.labels, kServiceLabels);
  EXPECT_EQ(s.unreadable_records(), 0u);
}

// GODEBUG=tracebackancestors=N: each goroutine carries its creators' stacks.
class AncestorsRelease : public ::testing::TestWithParam<Release> {};

TEST_P(AncestorsRelease, CreatorsStacksAreKeptApart) {
  const Snapshot s = read_dump(release_file(GetParam(), "ancestors.debug2.txt"));
  const Goroutine& sender = running(s, "main.parkChanSend");
  ASSERT_THAT(sender.ancestors, SizeIs(1));
  EXPECT_EQ(sender.ancestors[0].id, 1u);
  EXPECT_THAT(sender.ancestors[0].frames, Contains(Field(&Frame::function, "main.main")));
  EXPECT_THAT(sender.frames, ElementsAre(Field(&Frame::function, "main.parkChanSend")));
  // The labelled leak was started two goroutines down from main.
  EXPECT_THAT(running(s, "main.leakLabelled.func1.1").ancestors, SizeIs(Ge(1)));
}

INSTANTIATE_TEST_SUITE_P(Go, AncestorsRelease, ::testing::Values(Release{19}, Release{27}), release_name);

// Synctest bubbles: Go 1.24 (GOEXPERIMENT=synctest) says "synctest group N"
// and "(synctest)"; 1.25 on say "synctest bubble N" and "(durable)".
class BubbleRelease : public ::testing::TestWithParam<Release> {};

TEST_P(BubbleRelease, BubbleIdsAndDurableWaits) {
  const Snapshot s = read_dump(release_file(GetParam(), "bubble.stack.txt"));
  EXPECT_EQ(s.unreadable_records(), 0u);
  const Goroutine& receiver = running(s, "goleakcheck.test/waitstates.captureBubble.func1");
  ASSERT_TRUE(receiver.synctest_bubble);
  EXPECT_EQ(receiver.state, GetParam().minor == 24 ? "chan receive (synctest)" : "chan receive (durable)");
  EXPECT_TRUE(receiver.blocked());
  const Goroutine& sleeper = running(s, "goleakcheck.test/waitstates.captureBubble.func5");
  EXPECT_EQ(sleeper.synctest_bubble, receiver.synctest_bubble);
  EXPECT_FALSE(test::by_id(s, 1).synctest_bubble);  // the test binary's main, outside

}

INSTANTIATE_TEST_SUITE_P(Go, BubbleRelease, ::testing::Values(Release{24}, Release{25}, Release{26}, Release{27}),
                         release_name);

}  // namespace
}  // namespace goleakcheck
