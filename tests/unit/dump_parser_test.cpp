// The parser on dumps captured from real Go runs (tests/fixtures) and on
// crafted text for the forms a small capture does not show.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goleakcheck/dump.hpp"
#include "snapshot_lookup.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::SizeIs;

using test::by_id;

// The reader takes a name from the record before, or from its pool, when
// the text is the same: names that differ in one byte anywhere, at every
// length, must each stay their own (the compare goes a word at a time).
TEST(DumpParserCrafted, NamesThatDifferInOneByteStayApartAtEveryLength) {
  std::string dump;
  std::vector<std::string> written;
  std::uint64_t id = 1;
  for (std::size_t length = 1; length <= 40; ++length) {
    const std::string base(length, 'a');
    for (std::size_t at = 0; at <= length; ++at) {  // at == length: the base itself
      std::string function = base;
      if (at < length) function[at] = 'b';
      std::string file = "/src/" + function + ".go";
      written.push_back(function);
      dump += "goroutine " + std::to_string(id++) + " [chan receive]:\n" + "main." + function + "()\n\t" + file +
              ":7 +0x1d\ncreated by main.start in goroutine 1\n\t/src/start.go:3 +0x2a\n\n";
    }
  }
  const Snapshot s = parse_dump(dump);
  ASSERT_EQ(s.goroutines.size(), written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    ASSERT_EQ(s.goroutines[i].frames.size(), 1u);
    EXPECT_EQ(s.goroutines[i].frames[0].function, "main." + written[i]) << i;
    EXPECT_EQ(s.goroutines[i].frames[0].file, "/src/" + written[i] + ".go") << i;
  }
}

// A location line the reader has seen is taken from its cache of lines by
// length and last bytes: lines that share both, or share a slot, must
// still each read as their own, and lines too long to cache as well.
TEST(DumpParserCrafted, LocationLinesThatShareTheirEndsStayApart) {
  std::string dump;
  struct Written {
    std::string file;
    int line;
  };
  std::vector<Written> written;
  for (int i = 0; i < 3000; ++i) {
    // Same length and same last eight bytes for every i of one line number;
    // 3000 lines over far fewer slots; every 5th longer than any cache line.
    const std::string dir = i % 5 == 4 ? "/" + std::string(150, 'd') : "/src";
    Written w{dir + "/p" + std::to_string(i % 10) + "/f.go", 100 + (i / 10) % 50};
    written.push_back(w);
    dump += "goroutine " + std::to_string(i + 1) + " [chan receive]:\nmain.f()\n\t" + w.file + ":" +
            std::to_string(w.line) + " +0x1d\ncreated by main.start in goroutine 1\n\t" + w.file + ":" +
            std::to_string(w.line + 1) + " +0x2a\n\n";
  }
  // Twice, so that every line is also read from a full cache.
  const Snapshot s = parse_dump(dump + dump);
  ASSERT_EQ(s.goroutines.size(), 2 * written.size());
  EXPECT_EQ(s.unreadable_lines, 0u);
  for (std::size_t i = 0; i < s.goroutines.size(); ++i) {
    const Written& w = written[i % written.size()];
    ASSERT_EQ(s.goroutines[i].frames.size(), 1u);
    EXPECT_EQ(s.goroutines[i].frames[0].file, w.file) << i;
    EXPECT_EQ(s.goroutines[i].frames[0].line, w.line) << i;
    ASSERT_TRUE(s.goroutines[i].created_by.has_value());
    EXPECT_EQ(s.goroutines[i].created_by->file, w.file) << i;
    EXPECT_EQ(s.goroutines[i].created_by->line, w.line + 1) << i;
  }
}

// A call and its location are taken together from the pair read before
// when both match, the arguments aside. The location alone proves nothing:
// a closure and the function around it can print the same one, and a name
// that merely starts like the kept one is another name.
TEST(DumpParserCrafted, APairSeenBeforeIsCheckedAgainstTheCallLine) {
  const std::string location = "\t/src/main.go:12 +0x1d\n";
  const std::string dump = "goroutine 1 [chan receive]:\nmain.main(0x1)\n" + location +
                           "\ngoroutine 2 [chan receive]:\nmain.main(0xc000012345, {0x2, 0x3})\n" + location +
                           "\ngoroutine 3 [chan receive]:\nmain.main.func1()\n" + location +
                           "\ngoroutine 4 [chan receive]:\nmain.main(...)\n" + location +
                           "\ngoroutine 5 [chan receive]:\nmain.main(x)(0x4)\n" + location +
                           "\ngoroutine 6 [chan receive]:\nmain.mai(0x5)\n" + location +
                           "\ngoroutine 7 [chan receive]:\n)\n" + location + "\n";
  const Snapshot s = parse_dump(dump);
  ASSERT_THAT(s.goroutines, SizeIs(7));
  const std::vector<std::string> functions = {"main.main", "main.main", "main.main.func1", "main.main",
                                              "main.main(x)", "main.mai"};
  for (std::size_t i = 0; i < functions.size(); ++i) {
    ASSERT_THAT(s.goroutines[i].frames, SizeIs(1)) << i;
    EXPECT_EQ(s.goroutines[i].frames[0].function, functions[i]) << i;
    EXPECT_EQ(s.goroutines[i].frames[0].file, "/src/main.go") << i;
    EXPECT_EQ(s.goroutines[i].frames[0].line, 12) << i;
    EXPECT_EQ(s.goroutines[i].frames[0].inlined, i == 3) << i;
  }
  // ")" is no call: counted as unreadable, and its location as text
  // outside any frame, as when nothing was seen before.
  EXPECT_THAT(s.goroutines[6].frames, SizeIs(0));
  EXPECT_EQ(s.unreadable_lines, 1u);
  EXPECT_EQ(s.first_unreadable_line, ")");
}

// Headers after their ids are taken from the last one read into a slot:
// ids, minutes and markers must still each read as their own.
TEST(DumpParserCrafted, HeadersThatShareTheirTextAfterTheIdStayApart) {
  std::string dump;
  for (int i = 0; i < 400; ++i) {
    const int minutes = i % 7;
    dump += "goroutine " + std::to_string(1000 + i) + " [" + (i % 3 == 0 ? "select" : "chan receive") +
            (i % 5 == 0 ? " (leaked)" : "") + (minutes > 0 ? ", " + std::to_string(minutes) + " minutes" : "") +
            (i % 4 == 0 ? ", locked to thread" : "") + "]" + (i % 11 == 0 ? " {k: v" + std::to_string(i) + "}" : "") +
            ":\nmain.f()\n\t/src/f.go:1 +0x1\n\n";
  }
  const Snapshot s = parse_dump(dump);
  ASSERT_THAT(s.goroutines, SizeIs(400));
  for (int i = 0; i < 400; ++i) {
    const Goroutine& g = s.goroutines[static_cast<std::size_t>(i)];
    EXPECT_EQ(g.id, static_cast<std::uint64_t>(1000 + i));
    EXPECT_EQ(g.state, i % 3 == 0 ? "select" : "chan receive") << i;
    EXPECT_EQ(g.leaked_marker, i % 5 == 0) << i;
    EXPECT_EQ(g.wait_minutes, i % 7 > 0 ? std::optional<int>(i % 7) : std::nullopt) << i;
    EXPECT_EQ(g.locked_to_thread, i % 4 == 0) << i;
    EXPECT_THAT(g.labels, SizeIs(i % 11 == 0 ? 1 : 0)) << i;
    EXPECT_TRUE(g.unreadable_header.empty()) << i;
  }
}

// "in goroutine N" is the parent only when N ends the line.
TEST(DumpParserCrafted, ACreatorsParentIsTheNumberThatEndsItsLine) {
  const Snapshot s = parse_dump(
      "goroutine 2 [chan receive]:\nmain.f()\n\t/a.go:1 +0x1\ncreated by main.g in goroutine 17\n\t/a.go:2 +0x1\n\n"
      "goroutine 3 [chan receive]:\nmain.f()\n\t/a.go:1 +0x1\ncreated by main.g in goroutine x7\n\t/a.go:2 +0x1\n\n"
      "goroutine 4 [chan receive]:\nmain.f()\n\t/a.go:1 +0x1\ncreated by main.g in goroutine \n\t/a.go:2 +0x1\n\n");
  ASSERT_THAT(s.goroutines, SizeIs(3));
  EXPECT_EQ(s.goroutines[0].created_by->function, "main.g");
  EXPECT_EQ(s.goroutines[0].creator_id, 17u);
  EXPECT_EQ(s.goroutines[1].created_by->function, "main.g in goroutine x7");
  EXPECT_EQ(s.goroutines[1].creator_id, std::nullopt);
  EXPECT_EQ(s.goroutines[2].created_by->function, "main.g in goroutine ");
  EXPECT_EQ(s.goroutines[2].creator_id, std::nullopt);
}

// A record whose pairs were read before is read ahead: each pair taken on
// a guess from what followed the same pair the last time, the guess
// checked whole. A record that differs from the one read before it in any
// one byte, or lacks one of its lines, must read as it does alone.
TEST(DumpParserCrafted, ARecordReadAheadReadsAsItDoesAlone) {
  const std::string record =
      "goroutine 7 [chan receive, 3 minutes]:\n"
      "main.blockOnChannel(0x0?)\n\t/src/main.go:32 +0x33\n"
      "main.(*server).handle(0xc000012345, {0x1, 0x2})\n\t/src/server.go:60 +0x1c\n"
      "net/http.HandlerFunc.ServeHTTP(...)\n\t/usr/local/go/src/net/http/server.go:2286\n"
      "created by main.main in goroutine 1\n\t/src/main.go:114 +0x2af\n";
  std::vector<std::string> variants;
  // Every byte after "goroutine 7" (which makes it a record) changed.
  for (std::size_t at = std::string_view("goroutine 7").size(); at < record.size(); ++at) {
    if (record[at] == '\n') continue;
    for (const char replacement : {'X', '(', ')', '\t', ' ', '9', '\r'}) {
      if (record[at] == replacement) continue;
      std::string variant = record;
      variant[at] = replacement;
      variants.push_back(variant);
    }
  }
  // Every line after the header left out.
  for (std::size_t line = record.find('\n') + 1; line < record.size(); line = record.find('\n', line) + 1) {
    variants.push_back(record.substr(0, line) + record.substr(record.find('\n', line) + 1));
  }
  // Each variant read right after the record itself, so that every pair
  // of it is guessed.
  std::string dump = record + "\n";
  for (const std::string& variant : variants) dump += variant + "\n" + record + "\n";
  const Snapshot s = parse_dump(dump);
  ASSERT_THAT(s.goroutines, SizeIs(1 + 2 * variants.size()));
  std::uint64_t unreadable = 0;
  std::uint64_t stray = 0;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const Snapshot alone = parse_dump(variants[i] + "\n");
    ASSERT_THAT(alone.goroutines, SizeIs(1));
    EXPECT_EQ(s.goroutines[1 + 2 * i], alone.goroutines[0]) << "variant " << i << ":\n" << variants[i];
    EXPECT_EQ(s.goroutines[2 + 2 * i], s.goroutines[0]) << "after variant " << i;
    unreadable += alone.unreadable_lines;
    stray += alone.stray_lines;
  }
  EXPECT_EQ(s.unreadable_lines, unreadable);
  EXPECT_EQ(s.stray_lines, stray);
  EXPECT_FALSE(s.truncated);
}

// A call line indented by a tab where no frame waits for a location is
// read without that tab; one indented twice keeps the second. Read ahead,
// where the line is compared as it stands, the two must stay apart.
TEST(DumpParserCrafted, ATabBeforeACallLineIsReadTheSameAhead) {
  const std::string once_indented = "goroutine 1 [running]:\nmain.a()\n\t/a.go:1 +0x1\n\tmain.b(0x1)\n\t/b.go:2 +0x1\n\n";
  const std::string twice_indented = "goroutine 2 [running]:\nmain.a()\n\t/a.go:1 +0x1\n\t\tmain.b(0x1)\n\t/b.go:2 +0x1\n\n";
  for (const std::string& dump : {twice_indented + once_indented, once_indented + twice_indented}) {
    const Snapshot s = parse_dump(dump);
    ASSERT_THAT(s.goroutines, SizeIs(2));
    for (const Goroutine& g : s.goroutines) {
      ASSERT_THAT(g.frames, SizeIs(2)) << g.id;
      EXPECT_EQ(g.frames[1].function, g.id == 1 ? "main.b" : "\tmain.b") << g.id;
      EXPECT_EQ(g.frames[1].line, 2);
    }
  }
}

TEST(DumpParserGo126, ReadsEveryRecordOfARealDump) {
  const Snapshot s = parse_dump(test::read_file(test::fixture("go1.26-leakyservice.debug2.txt")));
  EXPECT_FALSE(s.truncated);
  ASSERT_THAT(s.goroutines, SizeIs(13));
  EXPECT_EQ(s.goroutines.front().id, 36u);
  EXPECT_EQ(s.goroutines.front().state, "running");
  EXPECT_EQ(s.goroutines.back().id, 35u);
}

TEST(DumpParserGo126, ReadsFramesCreatorAndParent) {
  const Snapshot s = parse_dump(test::read_file(test::fixture("go1.26-leakyservice.debug2.txt")));
  const Goroutine& lock = by_id(s, 35);
  EXPECT_EQ(lock.state, "sync.Mutex.Lock");
  EXPECT_FALSE(lock.wait_minutes);
  ASSERT_THAT(lock.frames, SizeIs(5));
  EXPECT_EQ(lock.frames[0].function, "internal/sync.runtime_SemacquireMutex");
  EXPECT_EQ(lock.frames[0].file, "/usr/local/go/src/runtime/sema.go");
  EXPECT_EQ(lock.frames[0].line, 95);
  EXPECT_FALSE(lock.frames[0].inlined);
  EXPECT_TRUE(lock.frames[2].inlined);  // internal/sync.(*Mutex).Lock(...)
  EXPECT_EQ(lock.frames[4].function, "main.(*cache).refresh");
  EXPECT_EQ(lock.frames[4].line, 12);
  ASSERT_TRUE(lock.created_by);
  EXPECT_EQ(lock.created_by->function, "main.lockPattern");
  EXPECT_EQ(lock.created_by->file, "/work/main/examples/leakyservice/lock.go");
  EXPECT_EQ(lock.created_by->line, 27);
  EXPECT_EQ(lock.creator_id, 16u);
  EXPECT_TRUE(lock.blocked());

  const Goroutine& main_goroutine = by_id(s, 1);
  EXPECT_EQ(main_goroutine.state, "IO wait");
  EXPECT_FALSE(main_goroutine.created_by);
  EXPECT_EQ(main_goroutine.frames.back().function, "main.main");
}

TEST(DumpParserGo126, NewWaitReasonsAreBlocked) {
  const Snapshot s = parse_dump(test::read_file(test::fixture("go1.26-leakyservice.debug2.txt")));
  EXPECT_EQ(by_id(s, 55).state, "sync.WaitGroup.Wait");
  EXPECT_TRUE(by_id(s, 55).blocked());
  EXPECT_EQ(by_id(s, 6).state, "syscall");
  EXPECT_FALSE(by_id(s, 6).blocked());
  EXPECT_FALSE(by_id(s, 36).blocked());  // running: the dump's own writer
}

TEST(DumpParserGo119, ReadsCreatorWithoutParentAndSemacquire) {
  const Snapshot s = parse_dump(test::read_file(test::fixture("go1.19-leakyservice.debug2.txt")));
  EXPECT_FALSE(s.truncated);
  ASSERT_THAT(s.goroutines, SizeIs(10));
  const Goroutine& lock = by_id(s, 32);
  EXPECT_EQ(lock.state, "semacquire");
  ASSERT_TRUE(lock.created_by);
  EXPECT_EQ(lock.created_by->function, "main.lockPattern");
  EXPECT_FALSE(lock.creator_id);  // Go 1.19 does not name the parent
  ASSERT_NE(lock.blocking_site(), nullptr);
  EXPECT_EQ(lock.blocking_site()->function, "main.(*cache).refresh");
}

TEST(DumpParserHeader, MinutesLockedScanLeakedAndMachineFields) {
  const Snapshot s = parse_dump(
      "goroutine 279 [semacquire, 892 minutes]:\nmain.f()\n\t/a.go:1 +0x1\n\n"
      "goroutine 5 [chan receive, locked to thread]:\nmain.f()\n\t/a.go:1\n\n"
      "goroutine 6 [select (scan), 1 minutes, locked to thread]:\nmain.f()\n\t/a.go:1\n\n"
      "goroutine 7 [chan send (leaked)]:\nmain.f()\n\t/a.go:1\n\n"
      "goroutine 8 gp=0xc000002380 m=0 mp=0x5a1e40 [running]:\nmain.f()\n\t/a.go:1\n\n"
      "goroutine 9 [chan receive (nil chan), synctest bubble 3]:\nmain.f()\n\t/a.go:1\n");
  ASSERT_THAT(s.goroutines, SizeIs(6));
  EXPECT_EQ(s.goroutines[0].state, "semacquire");
  EXPECT_EQ(s.goroutines[0].wait_minutes, 892);
  EXPECT_TRUE(s.goroutines[1].locked_to_thread);
  EXPECT_FALSE(s.goroutines[1].wait_minutes);
  EXPECT_EQ(s.goroutines[2].state, "select");
  EXPECT_EQ(s.goroutines[2].wait_minutes, 1);
  EXPECT_TRUE(s.goroutines[2].locked_to_thread);
  EXPECT_EQ(s.goroutines[3].state, "chan send");
  EXPECT_TRUE(s.goroutines[3].leaked_marker);
  EXPECT_EQ(s.goroutines[4].id, 8u);
  EXPECT_EQ(s.goroutines[4].state, "running");
  EXPECT_EQ(s.goroutines[5].state, "chan receive (nil chan)");
  EXPECT_FALSE(s.truncated);
}

TEST(DumpParserFrames, ElisionAncestorsOffsetsAndWindowsPaths) {
  const Snapshot s = parse_dump(
      "goroutine 3 [chan send]:\n"
      "main.(*Box[...]).wait(0x75d580?, {0x7b1, 0x3})\n"
      "\tC:/Users/dev/box.go:29 +0x1e fp=0xc000 sp=0xc000 pc=0x4a\n"
      "...additional frames elided...\n"
      "created by main.main in goroutine 1\n"
      "\tC:/Users/dev/main.go:39 +0xdd\n"
      "[originating from goroutine 1]:\n"
      "main.main(...)\n"
      "\tC:/Users/dev/main.go:39 +0xdd\n"
      "\n"
      "goroutine 4 [running]:\n"
      "main.f.gowrap1()\n"
      "\t/src/a.go:7 +0x1\n"
      "...12 frames elided...\n"
      "main.main()\n"
      "\t/src/a.go:3 +0x1\n");
  ASSERT_THAT(s.goroutines, SizeIs(2));
  const Goroutine& box = s.goroutines[0];
  ASSERT_THAT(box.frames, SizeIs(1));  // ancestor frames are not its own
  EXPECT_EQ(box.frames[0].function, "main.(*Box[...]).wait");
  EXPECT_EQ(box.frames[0].file, "C:/Users/dev/box.go");
  EXPECT_EQ(box.frames[0].line, 29);
  EXPECT_TRUE(box.frames_elided);
  EXPECT_EQ(box.creator_id, 1u);
  EXPECT_EQ(box.created_by->file, "C:/Users/dev/main.go");
  EXPECT_TRUE(s.goroutines[1].frames_elided);
  EXPECT_THAT(s.goroutines[1].frames,
              ElementsAre(Field(&Frame::function, "main.f.gowrap1"), Field(&Frame::function, "main.main")));
}

TEST(DumpParserForgiving, SkipsPreambleJunkAndCarriageReturns) {
  const Snapshot s = parse_dump(
      "panic: something went wrong\r\n\r\n"
      "goroutine 1 [running]:\r\nmain.main()\r\n\t/src/a.go:3 +0x1\r\n\r\n"
      "some log line that does not belong here\r\n\r\n"
      "goroutine 2 [select]:\r\nmain.loop()\r\n\t/src/a.go:9 +0x1\r\n"
      "non-Go function at pc=0x1234\r\n");
  ASSERT_THAT(s.goroutines, SizeIs(2));
  EXPECT_EQ(s.goroutines[0].frames[0].file, "/src/a.go");
  EXPECT_EQ(s.goroutines[1].state, "select");
  EXPECT_THAT(s.goroutines[1].frames, SizeIs(1));
  EXPECT_FALSE(s.truncated);
}

TEST(DumpParserForgiving, EmptyAndRecordlessTextGiveNoGoroutines) {
  EXPECT_THAT(parse_dump("").goroutines, SizeIs(0));
  EXPECT_FALSE(parse_dump("").truncated);
  EXPECT_THAT(parse_dump("404 page not found\n").goroutines, SizeIs(0));
}

TEST(DumpParserTruncation, CutInsideALineMarksTheLastRecordPartial) {
  const std::string full = test::read_file(test::fixture("go1.26-leakyservice.debug2.txt"));
  const std::string cut = full.substr(0, full.size() - 10);  // inside the last path
  const Snapshot s = parse_dump(cut);
  EXPECT_TRUE(s.truncated);
  ASSERT_THAT(s.goroutines, SizeIs(13));
  EXPECT_TRUE(s.goroutines.back().partial);
  EXPECT_FALSE(s.goroutines.front().partial);
}

TEST(DumpParserTruncation, CutAfterACallLineOrAHeaderIsTruncated) {
  EXPECT_TRUE(parse_dump("goroutine 1 [running]:\nmain.main()\n").truncated);
  EXPECT_TRUE(parse_dump("goroutine 1 [running]:\nmain.main()\n\t/a.go:1\n\ngoroutine 2 [select]:\n").truncated);
  EXPECT_TRUE(parse_dump("goroutine 1 [running]:\nmain.main()\n\t/a.go:1\ncreated by main.x\n").truncated);
  EXPECT_FALSE(parse_dump("goroutine 1 [running]:\ngoroutine running on other thread; stack unavailable\n").truncated);
}

}  // namespace
}  // namespace goleakcheck
