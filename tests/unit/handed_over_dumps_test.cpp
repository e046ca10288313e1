// Dumps as users hand them over: a crash inside a larger log, a line of
// 64 KiB before it, CRLF, several crashes in one file, no final newline,
// numbers past 32 bits, a frame line that cannot be read. Each case here
// was rejected or misread before; the inputs are written for this project
// around a dump captured from a real Go 1.26 run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "goleakcheck/diff.hpp"
#include "goleakcheck/dump.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::IsEmpty;

std::string captured() { return test::read_file(test::fixture("releases/go1.26/goroutine.debug2.txt")); }

std::string log_lines(int n) {
  std::string log;
  for (int i = 0; i < n; ++i) {
    log += "2026-12-01T10:00:00Z INFO request id=" + std::to_string(i) + " served in 3ms status=200\n";
  }
  return log;
}

std::size_t records_of(const std::string& text) { return parse_dump(text).goroutines.size(); }

TEST(HandedOverDumps, ACrashInsideALargerLogIsReadWhole) {
  const std::size_t alone = records_of(captured());
  ASSERT_GT(alone, 10u);
  const std::string text = log_lines(3000) + "panic: boom\n\n" + captured() + log_lines(3000);
  const Snapshot read = parse_dump(text);
  EXPECT_EQ(read.goroutines.size(), alone);
  EXPECT_EQ(why_not_a_dump(read), "");  // was "most of it is not goroutine records"
  EXPECT_EQ(read.stray_lines, 6001u);   // counted, for the note
  EXPECT_FALSE(read.truncated);
}

TEST(HandedOverDumps, APreambleLineOf64KiBIsNoReasonToDropTheDump) {
  const Snapshot read = parse_dump(std::string(64 << 10, 'x') + "\n" + captured());
  EXPECT_EQ(read.goroutines.size(), records_of(captured()));
  EXPECT_EQ(why_not_a_dump(read), "");
}

TEST(HandedOverDumps, CrlfLinesAndSeveralCrashesAmongLogLines) {
  std::string text = log_lines(50) + captured() + log_lines(50) + captured() + log_lines(50);
  std::string crlf;
  for (const char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const Snapshot read = parse_dump(crlf);
  EXPECT_EQ(read.goroutines.size(), 2 * records_of(captured()));
  EXPECT_EQ(why_not_a_dump(read), "");
}

TEST(HandedOverDumps, TextThatTurnsIntoBinaryBytesIsStillNoDump) {
  std::string text = captured();
  for (int i = 0; i < 200000; ++i) text += static_cast<char>(i % 30 + 1);
  EXPECT_THAT(why_not_a_dump(parse_dump(text)), ::testing::StartsWith("most of it is not text"));
}

TEST(HandedOverDumps, AMissingFinalNewlineIsNoCut) {
  std::string text = captured();
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const Snapshot read = parse_dump(text);
  EXPECT_FALSE(read.truncated);  // was: the last record partial, "cut off"
  ASSERT_FALSE(read.goroutines.empty());
  EXPECT_FALSE(read.goroutines.back().partial);
  EXPECT_EQ(read.goroutines.size(), records_of(captured()));
}

TEST(HandedOverDumps, ARecordThatReallyStopsInTheMiddleIsStillPartial) {
  // Cut after a call line: its location is missing.
  const Snapshot after_call = parse_dump("goroutine 7 [chan receive]:\nmain.worker(0xc000012345)");
  EXPECT_TRUE(after_call.truncated);
  ASSERT_EQ(after_call.goroutines.size(), 1u);
  EXPECT_TRUE(after_call.goroutines[0].partial);
  // Cut inside a header.
  EXPECT_TRUE(parse_dump("goroutine 7 [chan rec").truncated);
  // Cut inside a location's file name: no line number.
  EXPECT_TRUE(parse_dump("goroutine 7 [chan receive]:\nmain.worker()\n\t/src/ma").truncated);
}

TEST(HandedOverDumps, NumbersPast32BitsAreRejectedNeverWrapped) {
  const Snapshot read = parse_dump(
      "goroutine 4294967297 [chan receive]:\n"
      "main.f()\n\t/x/main.go:4294967297 +0x1\n"
      "main.g()\n\t/x/main.go:12345678901234567890 +0x1\n"
      "main.h()\n\t/x/main.go:12 +0x1\n\n"
      "goroutine 8 [select, 3000000000 minutes]:\nmain.k()\n\t/x/main.go:3 +0x1\n\n");
  ASSERT_EQ(read.goroutines.size(), 2u);
  const Goroutine& first = read.goroutines[0];
  EXPECT_EQ(first.id, 4294967297u);  // ids are 64-bit
  ASSERT_EQ(first.frames.size(), 3u);
  EXPECT_EQ(first.frames[0].line, 0);  // was 1
  EXPECT_THAT(first.frames[0].file, IsEmpty());
  EXPECT_EQ(first.frames[1].line, 0);  // was -350287150
  EXPECT_EQ(first.frames[2].line, 12);
  EXPECT_EQ(read.unreadable_lines, 2u);
  EXPECT_EQ(read.first_unreadable_line, "\t/x/main.go:4294967297 +0x1");
  // 3000000000 minutes was -1294967296: the header is unreadable, and named.
  const Goroutine& second = read.goroutines[1];
  EXPECT_EQ(second.unreadable_header, "goroutine 8 [select, 3000000000 minutes]:");
  EXPECT_FALSE(second.wait_minutes.has_value());
  // A count in a debug=1 profile, and a line there, likewise.
  const Profile profile = parse_profile(
      "goroutine profile: total 5000000000\n"
      "5000000000 @ 0x1\n#\t0x1\tmain.f+0x1\t/x/main.go:4294967297\n#\t0x2\tmain.g+0x1\t/x/main.go:7\n\n");
  ASSERT_EQ(profile.stacks.size(), 1u);
  EXPECT_EQ(profile.stacks[0].count, 5000000000u);
  ASSERT_EQ(profile.stacks[0].frames.size(), 1u);  // the unreadable one left out
  EXPECT_EQ(profile.stacks[0].frames[0].line, 7);
}

TEST(HandedOverDumps, AFrameLineThatCannotBeReadIsCountedNotDroppedInSilence) {
  const Snapshot read = parse_dump(
      "goroutine 1 [chan send]:\nmain.f()\n\t/x/main.go\nmain.g(\n\t/x/main.go:9 +0x1\nmain.h()\n\t/x/main.go:3 +0x1\n\n");
  ASSERT_EQ(read.goroutines.size(), 1u);
  EXPECT_EQ(read.unreadable_lines, 1u);  // the location without a line number
  EXPECT_EQ(read.first_unreadable_line, "\t/x/main.go");
  EXPECT_EQ(read.goroutines[0].frames.back().function, "main.h");
}

}  // namespace
}  // namespace goleakcheck
