// Grouping and rendering, on the leaks of a real captured dump.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/report.hpp"
#include "goleakcheck/summary.hpp"
#include "report_fixture.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// The leaked goroutines of the captured dump: every pattern ran once.
using test::report_of_fixture;

TEST(GroupLeaks, SameStateSiteAndCreatorMakeOneGroupLargestFirst) {
  const LeakReport report = report_of_fixture();
  ASSERT_EQ(report.groups.size(), 7u);
  const LeakGroup& ncast = report.groups.front();
  EXPECT_EQ(ncast.count(), 2u);
  EXPECT_THAT(ncast.ids, ElementsAre(23, 24));
  EXPECT_EQ(ncast.state, "chan send");
  EXPECT_EQ(ncast.blocking_site.function, "main.ncastPattern.func1");
  EXPECT_EQ(ncast.blocking_site.line, 17);
  ASSERT_TRUE(ncast.created_by);
  EXPECT_EQ(ncast.created_by->function, "main.ncastPattern");
  EXPECT_EQ(ncast.example.id, 23u);
  for (std::size_t i = 1; i < report.groups.size(); ++i) EXPECT_EQ(report.groups[i].count(), 1u);
}

TEST(GroupLeaks, DifferentCreatorsSplitAGroup) {
  const Snapshot s = parse_dump(
      "goroutine 10 [chan send]:\nmain.send()\n\t/a.go:5 +0x1\ncreated by main.a in goroutine 1\n\t/a.go:20 +0x1\n\n"
      "goroutine 11 [chan send]:\nmain.send()\n\t/a.go:5 +0x1\ncreated by main.b in goroutine 1\n\t/a.go:30 +0x1\n\n"
      "goroutine 12 [chan send, 3 minutes]:\nmain.send()\n\t/a.go:5 +0x1\ncreated by main.a in goroutine 1\n\t/a.go:20 "
      "+0x1\n");
  const std::vector<LeakGroup> groups = group_leaks(s.goroutines);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_THAT(groups[0].ids, ElementsAre(10, 12));
  EXPECT_EQ(groups[0].max_wait_minutes, 3);
  EXPECT_THAT(groups[1].ids, ElementsAre(11));
  EXPECT_FALSE(groups[1].max_wait_minutes);
}

// The grouper finds a group by the addresses of its interned names first:
// equal names from two dumps (two name pools) still make one group, and a
// copy or a move never adds to groups it does not own.
TEST(GroupLeaks, EqualNamesFromTwoDumpsAreOneGroupThroughCopiesAndMoves) {
  const std::string text =
      "goroutine 10 [chan send]:\nmain.send()\n\t/a.go:5 +0x1\ncreated by main.a in goroutine 1\n\t/a.go:20 +0x1\n\n";
  const Snapshot first = parse_dump(text);
  const Snapshot second = parse_dump("goroutine 11" + text.substr(std::string("goroutine 10").size()));
  ASSERT_NE(first.goroutines[0].state.data(), second.goroutines[0].state.data()) << "two pools";
  LeakGrouper grouper;
  grouper.add(first.goroutines[0]);
  grouper.add(second.goroutines[0]);
  LeakGrouper copy = grouper;
  copy.add(first.goroutines[0]);
  LeakGrouper moved = std::move(grouper);
  moved.add(second.goroutines[0]);
  grouper.add(first.goroutines[0]);  // the moved-from grouper starts empty
  const std::vector<LeakGroup> from_moved = moved.take();
  ASSERT_EQ(from_moved.size(), 1u);
  EXPECT_THAT(from_moved[0].ids, ElementsAre(10, 11, 11));
  const std::vector<LeakGroup> from_copy = copy.take();
  ASSERT_EQ(from_copy.size(), 1u);
  EXPECT_THAT(from_copy[0].ids, ElementsAre(10, 10, 11));
  const std::vector<LeakGroup> from_source = grouper.take();
  ASSERT_EQ(from_source.size(), 1u);
  EXPECT_THAT(from_source[0].ids, ElementsAre(10));
}

TEST(RenderText, PointsAtTheBlockingLineAndTheCreator) {
  LeakReport report = report_of_fixture();
  const std::string text = render_text(report);
  EXPECT_THAT(text, HasSubstr("LEAK: 8 goroutines blocked at 7 places"));
  EXPECT_THAT(text, HasSubstr("#1  2 goroutines [chan send]\n"
                              "    blocked at  main.ncastPattern.func1 /work/main/examples/leakyservice/ncast.go:17\n"
                              "    created by  main.ncastPattern /work/main/examples/leakyservice/ncast.go:16\n"
                              "    why         still blocked after 1.50s of settling\n"
                              "    hint        orphaned_sender: it blocks sending on a channel that nothing receives "
                              "from any more\n"
                              "                (a timeout or an early return left it, or N senders for one receive).\n"
                              "                fix: give the channel room for every sender (make(chan T, n)), or "
                              "select on\n"
                              "                ctx.Done() next to the send.\n"
                              "    ids         23 24\n"
                              "    stack of goroutine 23:\n"));
  EXPECT_THAT(text, HasSubstr("blocked at  main.(*cache).refresh /work/main/examples/leakyservice/lock.go:12"));
  EXPECT_THAT(text, HasSubstr("        created by main.lockPattern in goroutine 16\n"));
}

TEST(RenderText, CleanReportSaysSoAndListsStillRunningAsAWarning) {
  LeakReport report = report_of_fixture();
  const Goroutine still = report.leaks.front();
  report.leaks.clear();
  report.groups.clear();
  report.still_running.push_back(still);
  const std::string text = render_text(report);
  EXPECT_THAT(text, HasSubstr("goleakcheck: clean"));
  EXPECT_THAT(text, HasSubstr("warning: 1 new goroutine still running"));
  EXPECT_THAT(text, Not(HasSubstr("LEAK")));
}

TEST(RenderJson, CarriesVerdictLeaksAndGroups) {
  const auto json = nlohmann::json::parse(render_json(report_of_fixture()));
  EXPECT_EQ(json["verdict"], "leak");
  ASSERT_EQ(json["leaks"].size(), 8u);
  const auto& lock = json["leaks"][6];
  EXPECT_EQ(lock["id"], 35);
  EXPECT_EQ(lock["state"], "sync.Mutex.Lock");
  EXPECT_TRUE(lock["wait_minutes"].is_null());
  EXPECT_EQ(lock["frames"][4]["function"], "main.(*cache).refresh");
  EXPECT_EQ(lock["frames"][4]["line"], 12);
  EXPECT_EQ(lock["created_by"]["function"], "main.lockPattern");
  EXPECT_EQ(lock["created_by"]["goroutine"], 16);
  EXPECT_EQ(lock["blocking_site"]["function"], "main.(*cache).refresh");
  ASSERT_EQ(json["groups"].size(), 7u);
  EXPECT_EQ(json["groups"][0]["count"], 2);
  EXPECT_EQ(json["groups"][0]["state"], "chan send");
  EXPECT_EQ(json["groups"][0]["blocking_site"]["line"], 17);
  EXPECT_EQ(json["groups"][0]["created_by"]["line"], 16);
}

TEST(RenderJson, CleanVerdictAndNullCreator) {
  LeakReport clean;
  EXPECT_EQ(nlohmann::json::parse(render_json(clean))["verdict"], "clean");
  const Snapshot s = parse_dump("goroutine 1 [chan receive]:\nmain.main()\n\t/a.go:3 +0x1\n");
  LeakReport report;
  report.leaks = s.goroutines;
  report.groups = group_leaks(report.leaks);
  const auto json = nlohmann::json::parse(render_json(report));
  EXPECT_TRUE(json["leaks"][0]["created_by"].is_null());
  EXPECT_TRUE(json["groups"][0]["created_by"].is_null());
}

// The labelled leak of Go 1.27's capture, and a record whose header could
// not be read, as a report shows them.
LeakReport labelled_and_unreadable() {
  static const Snapshot s = parse_dump(test::read_file(test::fixture("releases/go1.27/goroutine.debug2.txt")) +
                                       "\ngoroutine 77 [chan send] <a future field>:\nmain.f()\n\t/a.go:1 +0x1\n");
  LeakReport report;
  for (const Goroutine& g : s.goroutines) {
    if (!g.labels.empty() || !g.unreadable_header.empty()) report.leaks.push_back(g);
  }
  report.groups = group_leaks(report.leaks);
  return report;
}

TEST(RenderText, ShowsLabelsQuotedOnlyWhereNeededAndUnreadableHeaders) {
  const std::string text = render_text(labelled_and_unreadable());
  EXPECT_THAT(text, HasSubstr("LEAK: 2 goroutines blocked at 2 places"));
  EXPECT_THAT(text, HasSubstr(R"(    labels      {evil: "x]:\n\ngoroutine 999 [running]:", quote: "say \"hi\" {ok}, \\ done", )"
                              "scenario: labelled, unicode: \"gr\u00fc\u00dfe \u4e16\u754c\", \"with space\": \"a b\"}\n"));
  EXPECT_THAT(text, HasSubstr("#2  1 goroutine [header not read]\n"));
  EXPECT_THAT(text, HasSubstr("    header      goroutine 77 [chan send] <a future field>: (a form goleakcheck cannot "
                              "read: counted as blocked)\n"));
}

TEST(RenderJson, LabelsAreAnObjectOfDecodedValuesAndUnreadableHeadersAreKept) {
  const auto json = nlohmann::json::parse(render_json(labelled_and_unreadable()));
  ASSERT_EQ(json["leaks"].size(), 2u);
  const auto& labelled = json["leaks"][0];
  EXPECT_EQ(labelled["labels"]["evil"], "x]:\n\ngoroutine 999 [running]:");
  EXPECT_EQ(labelled["labels"]["with space"], "a b");
  EXPECT_EQ(labelled["labels"]["unicode"], "gr\u00fc\u00dfe \u4e16\u754c");
  EXPECT_TRUE(labelled["unreadable_header"].is_null());
  EXPECT_EQ(json["groups"][0]["labels"]["scenario"], "labelled");
  EXPECT_EQ(json["leaks"][1]["unreadable_header"], "goroutine 77 [chan send] <a future field>:");
  EXPECT_TRUE(json["leaks"][1]["labels"].empty());
}

// A label value may hold bytes that are not UTF-8 (Go's "\xff"); the
// report replaces them instead of losing the verdict.
TEST(RenderJson, InvalidUtf8InALabelKeepsTheVerdict) {
  const Snapshot s = parse_dump("goroutine 5 [select] {k: \"a\\xffb\"}:\nmain.f()\n\t/a.go:1 +0x1\n");
  ASSERT_EQ(s.goroutines[0].labels[0].value, "a\xff" "b");
  LeakReport report;
  report.leaks = s.goroutines;
  report.groups = group_leaks(report.leaks);
  const auto json = nlohmann::json::parse(render_json(report));
  EXPECT_EQ(json["verdict"], "leak");
  EXPECT_EQ(json["leaks"][0]["labels"]["k"], "a\ufffd" "b");
}

}  // namespace
}  // namespace goleakcheck

namespace goleakcheck {
namespace {

// A record that exercises the writer's name cache: an empty file (its
// address may be null), names that need escaping, a label that is not
// UTF-8, and the same names again in a second record.
Goroutine odd_record(std::uint64_t id) {
  Goroutine g;
  g.id = id;
  g.state = "chan send";
  g.labels = {{"quote\"key", "bad \xff byte"}};
  g.frames = {{"main.\"quoted\"\\fn", "", 3, false}, {"main.tab\tname", "C:\\src\\a.go", 9, false}};
  return g;
}

TEST(GoroutineJsonStream, WritesOneCompactRecordPerLineThatReadsBackWhole) {
  std::ostringstream out;
  GoroutineJsonStream stream(out);
  for (std::uint64_t id = 1; id <= 3; ++id) stream.add(odd_record(id));
  stream.finish();
  const std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5);  // "[", 3 records, "]"
  const auto json = nlohmann::json::parse(text);
  ASSERT_EQ(json.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(json[i]["id"], i + 1);
    EXPECT_EQ(json[i]["frames"][0]["function"], "main.\"quoted\"\\fn");
    EXPECT_EQ(json[i]["frames"][0]["file"], "");
    EXPECT_EQ(json[i]["frames"][1]["function"], "main.tab\tname");
    EXPECT_EQ(json[i]["frames"][1]["file"], "C:\\src\\a.go");
    EXPECT_EQ(json[i]["labels"]["quote\"key"], "bad \xEF\xBF\xBD byte");  // U+FFFD
    EXPECT_EQ(json[i]["innermost_frame"], json[i]["frames"][0]);
  }
}

// A record like one written before is copied from it but for its id: a
// record that differs from the one before it in any one field must still
// be written as it is when written alone.
TEST(GoroutineJsonStream, ARecordLikeOneWrittenBeforeIsWrittenAsItIsAlone) {
  static const std::string_view kOtherFile = "/src/other.go";
  static const std::string_view kOtherValue = "other value";
  Goroutine base = odd_record(7);
  base.created_by = Frame{"main.start", "/src/start.go", 1, false};
  base.creator_id = 1;
  std::vector<std::function<void(Goroutine&)>> changes = {
      [](Goroutine& g) { g.frames[0].line = 4; },
      [](Goroutine& g) { g.frames[1].inlined = true; },
      [](Goroutine& g) { g.frames[1].file = kOtherFile; },
      [](Goroutine& g) { g.frames.pop_back(); },
      [](Goroutine& g) { g.frames.clear(); },
      [](Goroutine& g) { g.state = "chan receive"; },
      [](Goroutine& g) { g.wait_minutes = 3; },
      [](Goroutine& g) { g.locked_to_thread = true; },
      [](Goroutine& g) { g.leaked_marker = true; },
      [](Goroutine& g) { g.synctest_bubble = 2; },
      [](Goroutine& g) { g.labels[0].value = kOtherValue; },
      [](Goroutine& g) { g.labels.clear(); },
      [](Goroutine& g) { g.unreadable_header = "goroutine 7 [?"; },
      [](Goroutine& g) { g.frames_elided = true; },
      [](Goroutine& g) { g.elided_frame_count = 5; },
      [](Goroutine& g) { g.created_by.reset(); },
      [](Goroutine& g) { g.created_by->line = 2; },
      [](Goroutine& g) { g.creator_id = 2; },
      [](Goroutine& g) { g.partial = true; },
      [](Goroutine& g) { g.ancestors = {Ancestor{3, {g.frames[0]}, std::nullopt}}; },
      [](Goroutine& g) { g.id = std::numeric_limits<std::uint64_t>::max(); },
  };
  std::vector<Goroutine> written;
  for (const auto& change : changes) {
    Goroutine variant = base;
    change(variant);
    written.push_back(base);
    written.push_back(variant);
  }
  std::ostringstream out;
  GoroutineJsonStream stream(out);
  for (const Goroutine& g : written) stream.add(g);
  stream.finish();
  std::istringstream lines(out.str());
  std::string line;
  std::getline(lines, line);  // "["
  for (std::size_t i = 0; i < written.size(); ++i) {
    ASSERT_TRUE(std::getline(lines, line));
    if (line.ends_with(',')) line.pop_back();
    std::ostringstream alone;
    GoroutineJsonStream one(alone);
    one.add(written[i]);
    one.finish();
    EXPECT_EQ("[\n" + line + "\n]\n", alone.str()) << "record " << i;
  }
}

TEST(GoroutineJsonStream, AnEmptyStreamIsAnEmptyArray) {
  std::ostringstream out;
  GoroutineJsonStream stream(out);
  stream.finish();
  EXPECT_EQ(out.str(), "[]\n");
}

// The pieces of one array, as the CLI writes a large dump with every core:
// joined with "," between non-empty pieces, they are the whole stream's
// bytes exactly.
TEST(GoroutineJsonStream, RecordsOnlyPiecesJoinToTheWholeStream) {
  std::ostringstream whole;
  GoroutineJsonStream all(whole);
  std::ostringstream first;
  std::ostringstream empty;
  std::ostringstream second;
  GoroutineJsonStream a = GoroutineJsonStream::records_only(first);
  GoroutineJsonStream none = GoroutineJsonStream::records_only(empty);
  GoroutineJsonStream b = GoroutineJsonStream::records_only(second);
  for (std::uint64_t id = 1; id <= 5; ++id) {
    all.add(odd_record(id));
    (id <= 2 ? a : b).add(odd_record(id));
  }
  all.finish();
  a.finish();
  none.finish();
  b.finish();
  EXPECT_EQ(a.records(), 2u);
  EXPECT_EQ(none.records(), 0u);
  EXPECT_EQ(empty.str(), "");
  EXPECT_EQ("[" + first.str() + "," + second.str() + "\n]\n", whole.str());
}

}  // namespace
}  // namespace goleakcheck
