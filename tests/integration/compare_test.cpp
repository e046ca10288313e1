// `goleakcheck diff` on dumps saved from a live program, and `goleakcheck
// analyze` on one from "production": seed 000's two send sites piled up
// past the runtime's 64 MiB cap, built from records a real run wrote.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/program.hpp"
#include "leakyservice.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A file in the temporary directory, unique to this test process, removed
// when it goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / fmt::format("goleakcheck-{}.{}", name, ::getpid())) {}
  ~TempFile() { std::filesystem::remove(path_); }
  const std::filesystem::path& path() const { return path_; }
  std::string string() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

void save(const Program& program, const TempFile& file) {
  const test::CliResult r = test::run_cli({"snapshot", program.url(), "-o", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

TEST(CliDiff, JudgesTwoSavedDumpsAsRunJudgesSnapshots) {
  Program program = Program::launch(test::leakyservice());
  const TempFile before("diff-before");
  const TempFile after("diff-after");
  save(program, before);
  test::get(program, "/ncast");
  test::get(program, "/ncast?fixed=1");
  save(program, after);

  const test::CliResult leak = test::run_cli({"diff", before.string(), after.string(), "--format", "json"});
  ASSERT_EQ(leak.exit_code, 1) << leak.err;
  const auto json = nlohmann::json::parse(leak.out);
  ASSERT_EQ(json["groups"].size(), 1u) << leak.out;
  EXPECT_EQ(json["groups"][0]["count"], 2);
  EXPECT_EQ(json["groups"][0]["blocking_site"]["line"], test::marker_line(test::leakyservice_source("ncast.go"), "ncast"));
  EXPECT_EQ(json["groups"][0]["hint"]["pattern"], "orphaned_sender");

  const test::CliResult same = test::run_cli({"diff", after.string(), after.string()});
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_THAT(same.out, StartsWith("goleakcheck: clean"));

  // The after dump from the live program itself, by URL.
  const test::CliResult live = test::run_cli({"diff", before.string(), program.url()});
  EXPECT_EQ(live.exit_code, 1) << live.err;
}

TEST(CliDiff, ACutOffOrFalseDumpIsNoVerdict) {
  Program program = Program::launch(test::leakyservice());
  const TempFile whole("diff-whole");
  save(program, whole);
  const std::string text = test::read_file(whole.path());
  const TempFile cut("diff-cut");
  std::ofstream(cut.path(), std::ios::binary) << text.substr(0, text.size() / 2);
  const test::CliResult r = test::run_cli({"diff", whole.string(), cut.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("was cut off after"));

  const TempFile html("diff-html");
  std::ofstream(html.path()) << "<!DOCTYPE html><html><body>shop</body></html>\n";
  const test::CliResult not_a_dump = test::run_cli({"diff", whole.string(), html.string()});
  EXPECT_EQ(not_a_dump.exit_code, 2);
  EXPECT_THAT(not_a_dump.err, HasSubstr("is not a goroutine dump"));
}

// Seed 000: 518,437 goroutines parked, about 259,000 at each of two send
// sites (the speech SDK's Start and Stop). Built here from the two send
// records a real leakyservice run wrote (async.go's and ncast.go's), one
// after the other with their own ids, blocked for 1265 minutes, and cut at
// the runtime's 64 MiB as the runtime cuts it.
std::string seed_000_dump() {
  const std::string async_record =
      "main.speechRecognizer.StartContinuousRecognitionAsync.func1()\n"
      "\t/work/main/examples/leakyservice/async.go:23 +0x1e\n"
      "created by main.speechRecognizer.StartContinuousRecognitionAsync in goroutine 33\n"
      "\t/work/main/examples/leakyservice/async.go:22 +0x5f\n\n";
  const std::string ncast_record =
      "main.ncastPattern.func1(0x0)\n"
      "\t/work/main/examples/leakyservice/ncast.go:17 +0x25\n"
      "created by main.ncastPattern in goroutine 10\n"
      "\t/work/main/examples/leakyservice/ncast.go:16 +0x49\n\n";
  // Both as the fixture has them: the test builds from real text only.
  const std::string fixture = test::read_file(test::fixture("go1.26-leakyservice.debug2.txt"));
  EXPECT_THAT(fixture, HasSubstr(async_record));
  EXPECT_THAT(fixture, HasSubstr(ncast_record));
  std::string dump = fixture.substr(0, fixture.find("\n\n") + 2);  // the goroutine writing the dump
  for (std::uint64_t id = 100; dump.size() < kRuntimeDumpCap; id += 2) {
    dump += fmt::format("goroutine {} [chan send, 1265 minutes]:\n", id) + async_record;
    dump += fmt::format("goroutine {} [chan send, 1265 minutes]:\n", id + 1) + ncast_record;
  }
  dump.resize(kRuntimeDumpCap);
  return dump;
}

TEST(CliAnalyze, NamesSeed000sTwoSitesFirstInADumpCutAtTheCap) {
  const TempFile file("seed-000");
  std::ofstream(file.path(), std::ios::binary) << seed_000_dump();
  const test::CliResult r = test::run_cli({"analyze", file.string()});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("the dump was cut off after 67108864 bytes (the runtime's 64 MiB cap): counts are "
                               "lower bounds"));
  EXPECT_THAT(r.out, HasSubstr("FLAGGED: 2 sites with at least 10000 goroutines or blocked 10 minutes or more"));
  // The top of the listing: the two sites, flagged, before anything else.
  const std::string listing = r.out.substr(r.out.find("STATE / BLOCKING SITE\n") + 22);
  const std::string first = listing.substr(0, listing.find('\n'));
  const std::string second = listing.substr(first.size() + 1, listing.find('\n', first.size() + 1) - first.size() - 1);
  EXPECT_THAT(first + second, HasSubstr("async.go:23"));
  EXPECT_THAT(first + second, HasSubstr("ncast.go:17"));
  EXPECT_THAT(first, StartsWith("!"));
  EXPECT_THAT(second, StartsWith("!"));
  EXPECT_THAT(r.out, HasSubstr(">=1265"));

  const test::CliResult json = test::run_cli({"analyze", file.string(), "--format", "json"});
  ASSERT_EQ(json.exit_code, 1) << json.err;
  const auto report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["truncated"], true);
  EXPECT_EQ(report["flagged"], 2);
  EXPECT_EQ(report["groups"][0]["hint"]["pattern"], "orphaned_sender");
  // Every record is read: all but the dump's writer and the last one, cut
  // in two, are blocked at the two sites.
  EXPECT_EQ(report["sites"], 2);
  const auto blocked = report["blocked"].get<std::size_t>();
  EXPECT_EQ(blocked + 2, report["goroutines"].get<std::size_t>());
  const auto at_sites = report["groups"][0]["count"].get<std::size_t>() + report["groups"][1]["count"].get<std::size_t>();
  EXPECT_EQ(at_sites, blocked);
  EXPECT_GT(blocked, 250000u);
  EXPECT_THAT(r.out, HasSubstr("... (130501 more)"));
}

TEST(CliAnalyze, NothingFlaggedInACutDumpIsNoCleanVerdict) {
  const TempFile file("seed-000-unflagged");
  std::ofstream(file.path(), std::ios::binary) << seed_000_dump();
  const test::CliResult r =
      test::run_cli({"analyze", file.string(), "--min-count", "100000000", "--min-minutes", "0"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("no site was flagged, but the dump was cut off"));
}

TEST(CliAnalyze, AWholeDumpWithNothingFlaggedIsClean) {
  const test::CliResult r = test::run_cli({"analyze", test::fixture("go1.26-leakyservice.debug2.txt").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("no site with at least 10000 goroutines"));
}

}  // namespace
}  // namespace goleakcheck
