// One vocabulary for the command: the same flag means the same thing, with
// the same default, in every subcommand; --format FORMAT[:FILE] wherever
// there is output; ignore rules wherever goroutines are judged. On a dump
// captured from a real leakyservice run (Go 1.26).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "leakyservice.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kDump = test::fixture("go1.26-leakyservice.debug2.txt").string();

// A scratch directory unique to this test process, removed at the end.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / fmt::format("goleakcheck-{}.{}", name, ::getpid())) {
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The count of the analyze JSON's group blocking in `function`, or 0.
int count_at(const nlohmann::json& analysis, const std::string& function) {
  for (const auto& group : analysis["groups"]) {
    if (group["blocking_site"]["function"] == function) return group["count"].get<int>();
  }
  return 0;
}

TEST(CliVocabulary, AnalyzeTakesIgnoreRulesAsRunAndDiffDo) {
  const test::CliResult all = test::run_cli({"analyze", kDump, "--min-count", "2", "--format", "json"});
  ASSERT_EQ(all.exit_code, 1) << all.err;
  const auto before = nlohmann::json::parse(all.out);
  EXPECT_EQ(count_at(before, "main.ncastPattern.func1"), 2);

  const test::CliResult ignoring = test::run_cli(
      {"analyze", kDump, "--min-count", "2", "--format", "json", "--ignore", "top: main.ncastPattern.func1"});
  const auto after = nlohmann::json::parse(ignoring.out);
  EXPECT_EQ(count_at(after, "main.ncastPattern.func1"), 0) << ignoring.out;
  EXPECT_EQ(after["ignored"].get<int>(), before["ignored"].get<int>() + 2);
  const test::CliResult text = test::run_cli({"analyze", kDump, "--ignore", "top: main.ncastPattern.func1"});
  EXPECT_THAT(text.out, HasSubstr("ignored by rules"));

  const test::CliResult bad = test::run_cli({"analyze", kDump, "--ignore", "nonsense: x"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--ignore"));
}

TEST(CliVocabulary, FormatFileWorksForParseAndAnalyze) {
  const ScratchDir dir("vocabulary-format");
  const test::CliResult parse = test::run_cli({"parse", kDump, "--format", "json:" + dir.file("records.json")});
  ASSERT_EQ(parse.exit_code, 0) << parse.err;
  EXPECT_EQ(parse.out, "") << "the records went to stdout as well as to the file";
  const auto records = nlohmann::json::parse(test::read_file(dir.file("records.json")));
  EXPECT_EQ(records.size(), 13u);  // the fixture's records (grep -c "^goroutine ")

  const test::CliResult analyze = test::run_cli({"analyze", kDump, "--format", "text", "--format",
                                                 "json:" + dir.file("sites.json")});
  EXPECT_EQ(analyze.exit_code, 0) << analyze.err;
  EXPECT_THAT(analyze.out, HasSubstr("goleakcheck analyze:"));
  EXPECT_EQ(nlohmann::json::parse(test::read_file(dir.file("sites.json")))["goroutines"], 13);

  const test::CliResult twice = test::run_cli({"parse", kDump, "--format", "json", "--format", "text:" + dir.file("x")});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_THAT(twice.err, HasSubstr("parse writes one format"));
  const test::CliResult junit = test::run_cli({"analyze", kDump, "--format", "junit"});
  EXPECT_EQ(junit.exit_code, 2);
  EXPECT_THAT(junit.err, HasSubstr("'junit' is no format: give text or json"));
}

TEST(CliVocabulary, MinCountIsOneRuleWithOneDefaultInAnalyzeAndWatch) {
  for (const char* command : {"analyze", "watch"}) {
    const test::CliResult help = test::run_cli({command, "--help"});
    EXPECT_THAT(help.out, HasSubstr("--min-count")) << command;
    EXPECT_THAT(help.out, HasSubstr("=10000")) << command << "\n" << help.out;
    EXPECT_THAT(help.out, HasSubstr("(0: off)")) << command;
  }
  // 0 turns the count rule off in analyze too: nothing here has waited.
  const test::CliResult off = test::run_cli({"analyze", kDump, "--min-count", "0"});
  EXPECT_EQ(off.exit_code, 0) << off.err;
  EXPECT_THAT(off.out, HasSubstr("no site with"));
}

TEST(CliVocabulary, SnapshotTimeoutAndIgnoreRulesAreTheSameWhereverTheyApply) {
  for (const char* command : {"run", "parse", "snapshot", "diff", "analyze", "watch"}) {
    EXPECT_THAT(test::run_cli({command, "--help"}).out, HasSubstr("--snapshot-timeout")) << command;
  }
  for (const char* command : {"run", "diff", "analyze", "watch"}) {
    const std::string help = test::run_cli({command, "--help"}).out;
    EXPECT_THAT(help, HasSubstr("--ignore ")) << command;
    EXPECT_THAT(help, HasSubstr("--ignore-file")) << command;
    EXPECT_THAT(help, HasSubstr("--no-default-ignores")) << command;
  }
  // watch's old name for it still works, hidden from help.
  EXPECT_THAT(test::run_cli({"watch", "--help"}).out, Not(HasSubstr("--sample-timeout")));
}

TEST(CliVocabulary, WatchWritesItsPageWithFormatHtmlFile) {
  const ScratchDir samples("vocabulary-samples");
  std::filesystem::copy_file(kDump, samples.file("sample-1.txt"));
  const ScratchDir out("vocabulary-page");
  const test::CliResult r =
      test::run_cli({"watch", samples.file(""), "--format", "html:" + out.file("watch.html"), "--sample-timeout", "5s"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("1 sample")) << "the text report still goes to stdout";
  EXPECT_THAT(test::read_file(out.file("watch.html")), HasSubstr("<html"));
}

}  // namespace
}  // namespace goleakcheck
