// Every form of the debug=2 grammar that the release captures
// (release_fixtures_test.cpp) do not show: real captures of single forms,
// and crafted text that combines them or that no release writes.
// Also: reading in chunks gives the same records as reading at once, and
// the runtime's 64 MiB cap is recognised.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <fmt/format.h>

#include "goleakcheck/dump.hpp"
#include "snapshot_lookup.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::Not;
using ::testing::SizeIs;

using test::by_id;

Snapshot fixture(const char* name) { return parse_dump(test::read_file(test::fixture(name))); }

// Captured from a testing/synctest bubble (Go 1.26): the bubble is a header
// part, and waits inside it have "(durable)" reason names.
TEST(DumpFormatsGo126, SynctestBubbleAndDurableReasons) {
  const Snapshot s = fixture("go1.26-synctest-bubble.stack.txt");
  EXPECT_FALSE(s.truncated);
  EXPECT_EQ(by_id(s, 9).state, "running");
  EXPECT_EQ(by_id(s, 9).synctest_bubble, 1u);
  EXPECT_FALSE(by_id(s, 1).synctest_bubble);
  EXPECT_EQ(by_id(s, 7).state, "synctest.Run (durable)");
  EXPECT_EQ(by_id(s, 10).state, "chan receive (durable)");
  EXPECT_TRUE(by_id(s, 10).blocked());
  EXPECT_EQ(by_id(s, 11).state, "sleep (durable)");
  EXPECT_EQ(by_id(s, 11).blocking_site()->function, "exp.TestBubble.func1.2");
}

// Captured with GOEXPERIMENT=goroutineleakprofile from
// /debug/pprof/goroutineleak?debug=2: the GC's verdict is a flag.
TEST(DumpFormatsGo126, LeakedMarkerOfTheGoroutineLeakProfile) {
  const Snapshot s = fixture("go1.26-goroutineleak.debug2.txt");
  EXPECT_EQ(by_id(s, 20).state, "chan send");
  EXPECT_TRUE(by_id(s, 20).leaked_marker);
  EXPECT_TRUE(by_id(s, 21).leaked_marker);
  EXPECT_FALSE(by_id(s, 1).leaked_marker);
  EXPECT_EQ(by_id(s, 20).creator_id, 19u);
}

// Captured with GODEBUG=tracebackancestors=5: each creator's stack is kept
// on the goroutine, nearest first, apart from its own frames.
TEST(DumpFormatsGo126, TracebackAncestorsAreAttachedToTheirGoroutine) {
  const Snapshot s = fixture("go1.26-tracebackancestors.stack.txt");
  const Goroutine& child = by_id(s, 8);
  EXPECT_THAT(child.frames, ElementsAre(Field(&Frame::function, "main.child")));
  EXPECT_TRUE(child.frames[0].inlined);
  EXPECT_EQ(child.created_by->function, "main.parent");
  EXPECT_EQ(child.creator_id, 7u);
  ASSERT_THAT(child.ancestors, SizeIs(2));
  EXPECT_EQ(child.ancestors[0].id, 7u);
  EXPECT_THAT(child.ancestors[0].frames, ElementsAre(Field(&Frame::function, "main.parent")));
  EXPECT_EQ(child.ancestors[0].frames[0].line, 11);
  ASSERT_TRUE(child.ancestors[0].created_by);
  EXPECT_EQ(child.ancestors[0].created_by->function, "main.main");
  EXPECT_EQ(child.ancestors[0].created_by->line, 15);
  EXPECT_EQ(child.ancestors[1].id, 1u);
  EXPECT_THAT(child.ancestors[1].frames, ElementsAre(Field(&Frame::function, "main.main")));
  EXPECT_FALSE(child.ancestors[1].created_by);
  EXPECT_FALSE(s.truncated);
}

// A real crash log (panic, GOTRACEBACK=system, go run's "exit status 2"
// after it): the panic message before the first record, gp=/m= headers,
// fp/sp/pc fields, "...N frames elided..." and "locked to thread".
TEST(DumpFormatsGo126, CrashLogWithSystemTraceback) {
  const Snapshot s = fixture("go1.26-crash-gotraceback-system.stderr.txt");
  EXPECT_FALSE(s.truncated);
  EXPECT_THAT(s.goroutines, SizeIs(7));
  const Goroutine& main_goroutine = by_id(s, 1);
  EXPECT_EQ(main_goroutine.state, "running");
  EXPECT_EQ(main_goroutine.frames[0].function, "panic");
  EXPECT_EQ(main_goroutine.frames[1].function, "main.main");
  EXPECT_EQ(main_goroutine.frames[1].file, "/tmp/exp3/main.go");
  EXPECT_EQ(main_goroutine.frames[1].line, 24);

  const Goroutine& deep = by_id(s, 20);
  EXPECT_TRUE(deep.frames_elided);
  EXPECT_EQ(deep.elided_frame_count, 26u);
  EXPECT_THAT(deep.frames, SizeIs(100));  // the innermost 50 and the outermost 50
  EXPECT_EQ(deep.frames.front().function, "runtime.gopark");  // system tracebacks show the runtime's frames
  EXPECT_EQ(deep.blocking_site()->function, "main.deep");
  EXPECT_EQ(deep.blocking_site()->line, 10);
  EXPECT_EQ(deep.created_by->line, 18);

  EXPECT_TRUE(by_id(s, 21).locked_to_thread);
  EXPECT_EQ(by_id(s, 21).state, "chan receive");
}

// Go 1.19 (Debian's golang-1.19-go) stops a deep stack at 100 frames, the
// hidden runtime frames included, and in a dump of all goroutines says
// nothing about it: 97 frames of a 301-deep recursion are printed.
TEST(DumpFormatsGo119, DeepStackIsCutSilentlyAtOneHundredFrames) {
  const Snapshot s = fixture("go1.19-deep-stack-crash.stderr.txt");
  const Goroutine& deep = by_id(s, 17);
  EXPECT_THAT(deep.frames, SizeIs(97));
  EXPECT_THAT(deep.frames, Each(Field(&Frame::function, "main.deep")));
  EXPECT_FALSE(deep.frames_elided);
  EXPECT_EQ(deep.created_by->function, "main.main");
  EXPECT_FALSE(deep.creator_id);
  EXPECT_TRUE(by_id(s, 18).locked_to_thread);
}

TEST(DumpFormatsCrafted, OldElisionFormHasNoCount) {
  const Snapshot s = parse_dump(
      "goroutine 3 [chan send]:\nmain.f()\n\t/a.go:1 +0x1\n...additional frames elided...\n"
      "created by main.main\n\t/a.go:9 +0x1\n");
  EXPECT_TRUE(s.goroutines[0].frames_elided);
  EXPECT_EQ(s.goroutines[0].elided_frame_count, 0u);
  EXPECT_FALSE(s.truncated);
}

// The header forms captured from Go 1.26 (tracebacklabels=1) and 1.27 are
// in release_fixtures_test.cpp; these combine them with every other header
// part, which the captures show only one at a time.
TEST(DumpFormatsCrafted, LabelsWithEveryOtherHeaderPart) {
  const Snapshot s = parse_dump(
      "goroutine 7 [chan receive (leaked), 5 minutes, locked to thread, synctest bubble 2 labels:{\"route\": "
      "\"/a, b\", \"k\": \"[v]:\"}]:\n"
      "main.f()\n\t/a.go:1 +0x1\n\n"
      "goroutine 8 [select, 12 minutes, locked to thread] {route: \"/a, b]:\", k: }:\nmain.g()\n\t/a.go:2 +0x1\n");
  ASSERT_THAT(s.goroutines, SizeIs(2));
  const Goroutine& go126 = s.goroutines[0];
  EXPECT_EQ(go126.state, "chan receive");
  EXPECT_TRUE(go126.leaked_marker);
  EXPECT_EQ(go126.wait_minutes, 5);
  EXPECT_TRUE(go126.locked_to_thread);
  EXPECT_EQ(go126.synctest_bubble, 2u);
  EXPECT_THAT(go126.labels, ElementsAre(Label{"route", "/a, b"}, Label{"k", "[v]:"}));
  const Goroutine& go127 = s.goroutines[1];
  EXPECT_EQ(go127.state, "select");
  EXPECT_EQ(go127.wait_minutes, 12);
  EXPECT_TRUE(go127.locked_to_thread);
  EXPECT_THAT(go127.labels, ElementsAre(Label{"route", "/a, b]:"}, Label{"k", ""}));
  EXPECT_EQ(s.unreadable_records(), 0u);
}

// A header in a form the reader does not know is still a record: its id is
// kept, its frames are read, and it counts as blocked.
TEST(DumpFormatsCrafted, UnknownHeaderFormsAreKeptAsUnreadableRecords) {
  const Snapshot s = parse_dump(
      "goroutine 4 [chan send] <some future field>:\nmain.f()\n\t/a.go:1 +0x1\n\n"
      "goroutine 5 [running] {k: \"unterminated}:\nmain.g()\n\t/a.go:2 +0x1\n\n"
      "goroutine 6 (no brackets at all)\nmain.h()\n\t/a.go:3 +0x1\n\n"
      "goroutine 7 [select]:\nmain.i()\n\t/a.go:4 +0x1\n");
  ASSERT_THAT(s.goroutines, SizeIs(4));
  EXPECT_EQ(s.unreadable_records(), 3u);
  for (std::uint64_t id : {4, 5, 6}) {
    const Goroutine& g = by_id(s, id);
    EXPECT_THAT(g.unreadable_header, ::testing::StartsWith(fmt::format("goroutine {} ", id)));
    EXPECT_TRUE(g.blocked()) << id;
    ASSERT_THAT(g.frames, SizeIs(1));
  }
  EXPECT_EQ(by_id(s, 5).frames[0].function, "main.g");
  EXPECT_TRUE(by_id(s, 7).unreadable_header.empty());
  EXPECT_FALSE(s.truncated);
}

// The runtime escapes dots in an import path's last element; records hold
// the name as written.
TEST(DumpFormatsCrafted, EscapedPackageNamesAreDecoded) {
  const Snapshot s = parse_dump(
      "goroutine 9 [chan receive]:\ngithub.com/nats-io/nats%2ego.(*Conn).readLoop(0x1)\n\t/m/nats.go:1 +0x1\n"
      "created by github.com/nats-io/nats%2ego.Connect in goroutine 1\n\t/m/nats.go:2 +0x1\n");
  EXPECT_EQ(s.goroutines[0].frames[0].function, "github.com/nats-io/nats.go.(*Conn).readLoop");
  EXPECT_EQ(s.goroutines[0].created_by->function, "github.com/nats-io/nats.go.Connect");
  EXPECT_EQ(unescape_go_symbol("a%2eb%25c%2"), "a.b%c%2");
}

TEST(DumpFormatsCrafted, SynctestGroupOfGo124AndMarkersTogether) {
  const Snapshot s = parse_dump(
      "goroutine 5 [chan receive (durable) (scan) (leaked), synctest group 4]:\nmain.f()\n\t/a.go:1 +0x1\n");
  EXPECT_EQ(s.goroutines[0].state, "chan receive (durable)");
  EXPECT_TRUE(s.goroutines[0].leaked_marker);
  EXPECT_EQ(s.goroutines[0].synctest_bubble, 4u);
}

TEST(DumpFormatsCrafted, FunctionNameForms) {
  const Snapshot s = parse_dump(
      "goroutine 9 [select]:\n"
      "main.(*Server[...]).Serve.func2.1(...)\n\t/src/srv.go:40\n"
      "main.Each[go.shape.int](...)\n\t/src/iter.go:8\n"
      "main.loop-range1({0xc000, 0x3})\n\t/src/iter.go:12 +0x2a\n"
      "main.start.gowrap1()\n\t/src/srv.go:20 +0x19\n"
      "main.init.0.func1()\n\t/src/init.go:3 +0x1\n"
      "main.glob..func5(0x1)\n\t/src/glob.go:7 +0x1\n");
  EXPECT_THAT(s.goroutines[0].frames,
              ElementsAre(Field(&Frame::function, "main.(*Server[...]).Serve.func2.1"),
                          Field(&Frame::function, "main.Each[go.shape.int]"),
                          Field(&Frame::function, "main.loop-range1"), Field(&Frame::function, "main.start.gowrap1"),
                          Field(&Frame::function, "main.init.0.func1"), Field(&Frame::function, "main.glob..func5")));
  EXPECT_TRUE(s.goroutines[0].frames[0].inlined);
  EXPECT_FALSE(s.goroutines[0].frames[2].inlined);
}

TEST(DumpFormatsCrafted, StackUnavailableAndNonGoFunctions) {
  const Snapshot s = parse_dump(
      "goroutine 4 [running]:\n\tgoroutine running on other thread; stack unavailable\n"
      "created by main.main in goroutine 1\n\t/a.go:5 +0x1\n\n"
      "goroutine 5 [syscall]:\nnon-Go function at pc=0x7f1234\nmain._Cfunc_poll(0x1)\n\t_cgo_gotypes.go:50 +0x4b\n");
  // The runtime indents the line with a tab, like a location; it is read
  // without one too.
  EXPECT_TRUE(s.goroutines[0].stack_unavailable);
  EXPECT_THAT(s.goroutines[0].frames, SizeIs(0));
  EXPECT_EQ(s.goroutines[0].creator_id, 1u);
  const Snapshot plain = parse_dump("goroutine 4 [running]:\ngoroutine running on other thread; stack unavailable\n");
  EXPECT_TRUE(plain.goroutines[0].stack_unavailable);
  EXPECT_THAT(plain.goroutines[0].frames, SizeIs(0));
  EXPECT_FALSE(plain.truncated);
  EXPECT_THAT(s.goroutines[1].frames, ElementsAre(Field(&Frame::function, "main._Cfunc_poll")));
  EXPECT_EQ(s.goroutines[1].frames[0].file, "_cgo_gotypes.go");
}

TEST(DumpFormatsCrafted, PathsWithSpacesAndDriveLetters) {
  const Snapshot s = parse_dump(
      "goroutine 1 [select]:\nmain.f()\n\tC:/Program Files/My App/main.go:12 +0x1d\n"
      "main.g()\n\tD:/src/a b.go:7\n");
  EXPECT_EQ(s.goroutines[0].frames[0].file, "C:/Program Files/My App/main.go");
  EXPECT_EQ(s.goroutines[0].frames[0].line, 12);
  EXPECT_EQ(s.goroutines[0].frames[1].file, "D:/src/a b.go");
  EXPECT_EQ(s.goroutines[0].frames[1].line, 7);
}

// The names outlive the text: a stream's chunks are gone once fed.
TEST(DumpReaderStreaming, NamesOutliveTheChunksTheyCameIn) {
  DumpReader reader;
  {
    std::string chunk = "goroutine 5 [chan send]:\nmain.leak()\n\t/src/leak.go:17 +0x1\n";
    reader.feed(chunk);
    std::fill(chunk.begin(), chunk.end(), 'x');
  }
  const Snapshot s = reader.finish();
  EXPECT_EQ(s.goroutines[0].state, "chan send");
  EXPECT_EQ(s.goroutines[0].frames[0].function, "main.leak");
  EXPECT_EQ(s.goroutines[0].frames[0].file, "/src/leak.go");
}

TEST(DumpReaderStreaming, EqualNamesShareOneCopy) {
  const Snapshot s = parse_dump(
      "goroutine 1 [chan send]:\nmain.f()\n\t/a.go:1 +0x1\n\ngoroutine 2 [chan send]:\nmain.f()\n\t/a.go:2 +0x1\n");
  EXPECT_EQ(s.goroutines[0].frames[0].function.data(), s.goroutines[1].frames[0].function.data());
  EXPECT_EQ(s.goroutines[0].frames[0].file.data(), s.goroutines[1].frames[0].file.data());
  EXPECT_EQ(s.goroutines[0].state.data(), s.goroutines[1].state.data());
}

class EveryFixture : public ::testing::TestWithParam<const char*> {};

// Chunks split anywhere (inside a line, inside "\r\n") give the records of
// one whole read. One byte at a time is the hardest case. The dump is read
// twice over, so that its second copy is read ahead from what the first
// left in the reader (pairs taken on a guess, across chunk ends too).
TEST_P(EveryFixture, ReadingInChunksOfAnySizeGivesTheSameRecords) {
  const std::string fixture = test::read_file(test::fixture(GetParam()));
  const std::string text = fixture + "\n\n" + fixture;
  const Snapshot whole = parse_dump(text);
  ASSERT_THAT(whole.goroutines, Not(SizeIs(0)));
  for (std::size_t chunk_size : {1u, 2u, 7u, 64u, 100u, 1000u, 4096u}) {
    DumpReader reader;
    for (std::size_t at = 0; at < text.size(); at += chunk_size) reader.feed(std::string_view(text).substr(at, chunk_size));
    const Snapshot chunked = reader.finish();
    EXPECT_TRUE(whole.goroutines == chunked.goroutines && whole.truncated == chunked.truncated &&
                whole.bytes == chunked.bytes)
        << "chunks of " << chunk_size;
  }
}

INSTANTIATE_TEST_SUITE_P(Captured, EveryFixture,
                         ::testing::Values("go1.26-leakyservice.debug2.txt", "go1.19-leakyservice.debug2.txt",
                                           "go1.26-keepalive.debug2.txt", "go1.26-synctest-bubble.stack.txt",
                                           "go1.26-tracebackancestors.stack.txt",
                                           "go1.26-crash-gotraceback-system.stderr.txt",
                                           "go1.19-deep-stack-crash.stderr.txt"));

// runtime/pprof writes at most 64 MiB and then stops, wherever that falls:
// even a dump that happens to end at a record's end is cut off.
TEST(DumpTruncation, ADumpOfExactlyTheRuntimeCapIsTruncated) {
  const std::string record = "goroutine 1 [chan send]:\nmain.f()\n\t/a.go:1 +0x1\n\n";
  std::string text;
  text.reserve(kRuntimeDumpCap);
  while (text.size() + record.size() <= kRuntimeDumpCap) text += record;
  text.resize(kRuntimeDumpCap, '\n');  // blank lines up to the cap: every record complete
  const Snapshot s = parse_dump(text);
  EXPECT_TRUE(s.truncated);
  EXPECT_EQ(s.bytes, kRuntimeDumpCap);
  EXPECT_THAT(s.goroutines, Each(Field(&Goroutine::partial, false)));

  text.pop_back();
  EXPECT_FALSE(parse_dump(text).truncated);
}

TEST(DumpTruncation, ACallerThatStoppedReadingMarksItTruncated) {
  DumpReader reader;
  reader.feed("goroutine 1 [chan send]:\nmain.f()\n\t/a.go:1 +0x1\n\n");
  EXPECT_TRUE(reader.finish(/*cut_off=*/true).truncated);
}

}  // namespace
}  // namespace goleakcheck
