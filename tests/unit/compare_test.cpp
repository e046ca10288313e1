// The library doing what `goleakcheck diff`, `analyze` and `parse` do, on a
// dump captured from a real leakyservice run (Go 1.26): diff_dumps,
// analyze_sites and a dump read in pieces.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goleakcheck/compare.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/source.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::HasSubstr;

const std::string kDump = test::fixture("go1.26-leakyservice.debug2.txt").string();

// The number of goroutines analyze_sites put at `function`'s site, and
// whether that site was flagged.
std::pair<std::size_t, bool> site(const SiteAnalysis& analysis, std::string_view function) {
  for (std::size_t i = 0; i < analysis.groups.size(); ++i) {
    if (analysis.groups[i].blocking_site.function == function) return {analysis.groups[i].count(), analysis.flagged[i]};
  }
  return {0, false};
}

TEST(CompareLibrary, ADumpDiffedWithItselfIsCleanAndWithAnEmptyBaselineIsNot) {
  EXPECT_TRUE(diff_dumps(kDump, kDump).clean());
  const Snapshot whole = read_whole_dump(kDump);
  // Only the dump writer's record as the baseline: every parked goroutine
  // of the dump is new, the two ncast ones among them.
  const std::string text = test::read_file(kDump);
  const LeakReport report = diff_dumps(parse_dump(text.substr(0, text.find("\n\n") + 2)), whole);
  EXPECT_FALSE(report.clean());
  const auto ncast = std::count_if(report.leaks.begin(), report.leaks.end(), [](const Goroutine& g) {
    return g.blocking_site() != nullptr && g.blocking_site()->function == "main.ncastPattern.func1";
  });
  EXPECT_EQ(ncast, 2);
}

TEST(CompareLibrary, ARuleThatIgnoresEverythingIsRefusedUnlessAllowed) {
  DiffOptions options;
  options.ignores.push_back(parse_ignore_rule("any: regex:"));
  try {
    diff_dumps(kDump, kDump, options);
    ADD_FAILURE() << "a rule matching every goroutine was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::bad_rule);
    EXPECT_THAT(e.what(), HasSubstr("DiffOptions::allow_ignore_all"));
  }
  options.allow_ignore_all = true;
  EXPECT_TRUE(diff_dumps(kDump, kDump, options).clean());
}

TEST(CompareLibrary, AnalyzeSitesFlagsByCountAndLeavesOutWhatARuleIgnores) {
  AnalyzeOptions options;
  options.rules.min_count = 2;
  options.rules.min_minutes = 0;
  const SiteAnalysis flagged = analyze_sites(kDump, options);
  EXPECT_EQ(site(flagged, "main.ncastPattern.func1"), std::make_pair(std::size_t{2}, true));
  EXPECT_EQ(site(flagged, "main.timeoutPattern.func1"), std::make_pair(std::size_t{1}, false));
  EXPECT_TRUE(flagged.why_unproven().empty());

  options.rules.ignores.push_back(parse_ignore_rule("top: main.ncastPattern.func1"));
  const SiteAnalysis ignoring = analyze_sites(kDump, options);
  EXPECT_EQ(site(ignoring, "main.ncastPattern.func1").first, 0u);
  EXPECT_EQ(ignoring.ignored, flagged.ignored + 2);
  EXPECT_EQ(ignoring.blocked, flagged.blocked - 2);

  options.rules.min_count = 0;  // off: by time only, and nothing waited here
  EXPECT_EQ(analyze_sites(kDump, options).flagged_count(), 0u);
}

// A range that ends past the file's end: the file shrank after its size
// was taken. Reading fewer bytes than asked is an error, never a summary
// of part of the dump.
TEST(CompareLibrary, ARangePastTheEndOfTheFileIsAnError) {
  const std::uint64_t size = std::filesystem::file_size(kDump);
  DumpReader reader;
  try {
    feed_file_range(kDump, 0, size + 1, reader);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_THAT(e.what(), HasSubstr("changed while it was read"));
  }
}

TEST(CompareLibrary, ADumpReadInPiecesCountsAsTheWholeDoes) {
  const std::uint64_t size = std::filesystem::file_size(kDump);
  const std::vector<std::uint64_t> cuts = record_aligned_cuts(kDump, size, 3);
  ASSERT_GT(cuts.size(), 1u) << "the fixture must be cut into pieces for this test to mean anything";
  std::vector<Snapshot> ends(cuts.size());
  std::vector<std::size_t> records(cuts.size());
  for_each_piece_at_once(cuts.size(), [&](std::size_t i) {
    DumpReader reader([&](const Goroutine&) { ++records[i]; });
    feed_file_range(kDump, cuts[i], i + 1 == cuts.size() ? size : cuts[i + 1], reader);
    ends[i] = reader.finish(false);
  });
  const Snapshot whole = read_whole_dump(kDump);
  const Snapshot combined = combine_pieces(ends);
  EXPECT_EQ(combined.bytes, size);
  EXPECT_EQ(combined.records_read, whole.records_read);
  EXPECT_EQ(combined.stray_lines, whole.stray_lines);
  EXPECT_EQ(combined.unreadable_lines, whole.unreadable_lines);
  EXPECT_FALSE(combined.truncated);
  std::size_t total = 0;
  for (std::size_t n : records) total += n;
  EXPECT_EQ(total, whole.goroutines.size());
}

}  // namespace
}  // namespace goleakcheck
