// The goleakcheck command as CI runs it: exit statuses, reports, errors.
#include <algorithm>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/process.hpp>
#include <nlohmann/json.hpp>

#include "goleakcheck/ignore.hpp"
#include "goleakcheck/program.hpp"
#include "leakyservice.hpp"
#include "record_starts.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string hit(std::string_view path) {
  return std::string(GOLEAKCHECK_HIT_BIN) + " \"$GOLEAKCHECK_URL" + std::string(path) + "\"";
}

std::vector<std::string> run_args(std::vector<std::string> options, std::vector<std::string> program_flags = {}) {
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), options.begin(), options.end());
  args.insert(args.end(), {"--", GOLEAKCHECK_LEAKYSERVICE_BIN, "-addr", "{addr}"});
  args.insert(args.end(), program_flags.begin(), program_flags.end());
  return args;
}

TEST(Cli, LeakExitsOneWithAJsonReport) {
  const test::CliResult r = test::run_cli(run_args({"--scenario", hit("/ncast"), "--format", "json"}));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["verdict"], "leak");
  // On defaults, a first run that leaves leaks the runtime did not prove
  // (Go 1.26 without the experiment) is a warm-up, and 3 more are judged.
  EXPECT_EQ(json["automatic_runs"], true);
  EXPECT_EQ(json["runs"], 3);
  EXPECT_EQ(json["warmup_runs"], 1);
  EXPECT_THAT(json["verdict_basis"].get<std::string>(), StartsWith("4 runs of the scenario: the first left new"));
  EXPECT_EQ(json["leaks"].size(), 6u);
  ASSERT_EQ(json["groups"].size(), 1u);
  EXPECT_EQ(json["groups"][0]["count"], 6);
  EXPECT_EQ(json["groups"][0]["state"], "chan send");
  EXPECT_EQ(json["groups"][0]["blocking_site"]["function"], "main.ncastPattern.func1");
  EXPECT_EQ(json["groups"][0]["blocking_site"]["line"],
            test::marker_line(test::leakyservice_source("ncast.go"), "ncast"));
  EXPECT_EQ(json["groups"][0]["created_by"]["function"], "main.ncastPattern");
  EXPECT_THAT(r.err, HasSubstr("hit: GET")) << "the scenario's output goes to stderr";
}

// The leak that grows with every run is called once its oldest goroutine
// has stayed blocked for --growth-stay, as the report says; by default, 400ms.
TEST(Cli, GrowthStayIsAnOverride) {
  const test::CliResult help = test::run_cli({"run", "--help"});
  EXPECT_THAT(help.out, HasSubstr("--growth-stay"));
  EXPECT_THAT(help.out, HasSubstr("=400ms")) << help.out;
  const test::CliResult r =
      test::run_cli(run_args({"--scenario", hit("/ncast"), "--growth-stay", "700ms", "--format", "json"}));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["decided_by_growth"], true) << r.out;
  EXPECT_THAT(json["verdict_basis"].get<std::string>(), HasSubstr("its oldest goroutine stayed blocked for 700ms"));
  EXPECT_EQ(json["leaks"].size(), 6u);
}

TEST(Cli, CleanScenarioExitsZeroWithATextReport) {
  const test::CliResult r = test::run_cli(run_args({"--scenario", hit("/ncast?fixed=1"), "--settle", "500ms"}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("goleakcheck: clean"));
}

TEST(Cli, TextReportWrittenToAFile) {
  const auto path = std::filesystem::temp_directory_path() / ("goleakcheck-report." + std::to_string(::getpid()));
  const test::CliResult r = test::run_cli(run_args({"--scenario", hit("/lock"), "-o", path.string()}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "");
  const std::string report = test::read_file(path);
  std::filesystem::remove(path);
  EXPECT_THAT(report, HasSubstr("blocked at  main.(*cache).refresh"));
  EXPECT_THAT(report, HasSubstr("created by  main.lockPattern"));
}

TEST(Cli, AttachChecksARunningProgram) {
  Program program = Program::launch(test::leakyservice());
  const test::CliResult r = test::run_cli({"run", "--attach", program.url(), "--scenario", hit("/range")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("3 goroutines [chan receive]")) << "one per run, three runs after the first";
  EXPECT_EQ(test::get(program, "/healthz"), "ok\n") << "attach mode must leave the program running";
}

// Every way the check cannot be made exits 2 with one line that starts
// "goleakcheck: error:".
void expect_error(const test::CliResult& r, std::string_view reason) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, StartsWith("goleakcheck: error: "));
  const std::string first_line = r.err.substr(0, r.err.find('\n'));
  EXPECT_THAT(first_line, HasSubstr(std::string(reason)));
  EXPECT_EQ(r.out, "");
}

TEST(Cli, CrashAtStartExitsTwoWithStatusAndStderrTail) {
  const test::CliResult r = test::run_cli(run_args({}, {"-crash-at-start"}));
  expect_error(r, "leakyservice exited with status 3 before its pprof endpoint answered");
  EXPECT_THAT(r.err, HasSubstr("\n  | leakyservice: config error"));
}

TEST(Cli, MissingPprofExitsTwoAndSaysHowToEnableIt) {
  expect_error(test::run_cli(run_args({}, {"-no-pprof"})), "serves HTTP but not pprof");
}

TEST(Cli, NothingListeningAtTheAttachUrlExitsTwo) {
  const std::string url = "http://127.0.0.1:" + std::to_string(pick_free_port());
  expect_error(test::run_cli({"run", "--attach", url, "--ready-timeout", "300ms"}), "nothing answered at " + url);
}

TEST(Cli, SlowPprofEndpointExitsTwoAtTheSnapshotTimeout) {
  // The readiness probe waits for the first (slow) answer; the baseline's
  // dump is held to the snapshot timeout.
  expect_error(test::run_cli(run_args({"--snapshot-timeout", "200ms"}, {"-goroutine-dump-delay", "1s"})),
               "/debug/pprof/goroutine?debug=2 did not finish within 200 ms");
}

TEST(Cli, FailingScenarioExitsTwo) {
  expect_error(test::run_cli(run_args({"--scenario", "exit 7"})), "the scenario exited with status 7");
}

TEST(Cli, ScenarioPastItsTimeoutExitsTwo) {
  expect_error(test::run_cli(run_args({"--scenario", "sleep 30", "--scenario-timeout", "200ms"})),
               "the scenario did not finish within 200ms");
}

TEST(Cli, UsageErrorsExitTwo) {
  expect_error(test::run_cli({"run"}), "give PROGRAM after -- or --attach URL");
  expect_error(test::run_cli(run_args({"--settle", "soon"})), "invalid duration 'soon'");
  expect_error(test::run_cli(run_args({"--format", "xml"})), "xml");
  expect_error(test::run_cli({"run", "--attach", "https://127.0.0.1:1"}), "https is not supported");
}

// Only the command named is built (start-up); the others must still be
// there for the top-level help, and each must still build on its own.
TEST(Cli, EachCommandBuildsAloneAndTheHelpListsThemAll) {
  const test::CliResult help = test::run_cli({"--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  for (const char* command : {"run", "parse", "snapshot", "diff", "analyze", "watch"}) {
    EXPECT_THAT(help.out, HasSubstr(std::string("\n  ") + command + " ")) << command;
    const test::CliResult own = test::run_cli({command, "--help"});
    EXPECT_EQ(own.exit_code, 0) << command << ": " << own.err;
    EXPECT_THAT(own.out, HasSubstr(std::string(command) + " [OPTIONS]")) << command;
  }
  const test::CliResult version = test::run_cli({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_THAT(version.out, StartsWith("goleakcheck "));
  expect_error(test::run_cli({"prase", "dump.txt"}), "A subcommand is required");
  expect_error(test::run_cli({}), "A subcommand is required");
}

}  // namespace
}  // namespace goleakcheck

namespace goleakcheck {
namespace {

std::filesystem::path write_rules(std::string_view text) {
  const auto path =
      std::filesystem::temp_directory_path() / ("goleakcheck-rules." + std::to_string(::getpid()) + ".txt");
  std::ofstream(path) << text;
  return path;
}

TEST(CliIgnores, RuleFileAndRepeatableRulesSilenceMatchingLeaks) {
  const auto rules = write_rules("# known, tracked in JIRA-123\ntop: main.ncastPattern.func1 [chan send]\n");
  const test::CliResult r = test::run_cli(run_args({"--scenario", hit("/ncast") + " && " + hit("/async"),
                                                    "--ignore-file", rules.string(), "--ignore",
                                                    "created-by: main.speechRecognizer...", "--format", "json"}));
  std::filesystem::remove(rules);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["ignored"], 3);
  EXPECT_EQ(json["ignore_rules"][0]["hits"], 2);
  EXPECT_EQ(json["ignore_rules"][1]["hits"], 1);
  EXPECT_EQ(json["ignore_rules"][1]["origin"], "--ignore");
}

TEST(CliIgnores, MalformedRuleFileExitsTwoNamingFileAndLine) {
  const auto rules = write_rules("top: main.a\ntop main.b\n");
  const test::CliResult r = test::run_cli(run_args({"--ignore-file", rules.string()}));
  std::filesystem::remove(rules);
  expect_error(r, rules.string() + ":2: bad ignore rule 'top main.b': 'top main.b' has no 'key:'");
}

TEST(CliIgnores, UnusedRulesAreWarnedAbout) {
  const test::CliResult r = test::run_cli(
      run_args({"--ignore", "top: main.gone", "--warn-unused-ignores", "--scenario", hit("/healthz")}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: --ignore: ignore rule 'top: main.gone' matched no goroutine"));
}

TEST(CliIgnores, DefaultRulesAreListedAndCanBeTurnedOff) {
  const test::CliResult with = test::run_cli(run_args({"--format", "json"}));
  ASSERT_EQ(with.exit_code, 0) << with.err;
  const auto rules = nlohmann::json::parse(with.out)["ignore_rules"];
  ASSERT_EQ(rules.size(), default_ignores().size());
  for (const auto& rule : rules) EXPECT_EQ(rule["origin"], "default");

  const test::CliResult without =
      test::run_cli(run_args({"--no-default-ignores", "--ignore", "top: main.x", "--format", "json"}));
  ASSERT_EQ(without.exit_code, 0) << without.err;
  const auto only_mine = nlohmann::json::parse(without.out)["ignore_rules"];
  ASSERT_EQ(only_mine.size(), 1u);
  EXPECT_EQ(only_mine[0]["rule"], "top: main.x");
}

TEST(CliIgnores, IdleConnectionsAreANoteNotAFailure) {
  // Once: on defaults the pool made by the first run is in the baseline
  // of the runs after it, and no idle connection is new.
  const test::CliResult r = test::run_cli(run_args({"--scenario-once", "--scenario", hit("/outbound")}));
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_THAT(r.out, HasSubstr("note: 3 new goroutines of idle kept-alive HTTP connections"));
}

}  // namespace
}  // namespace goleakcheck

namespace goleakcheck {
namespace {

TEST(CliOffline, ParsePrintsEveryGoroutineAsJson) {
  const test::CliResult r =
      test::run_cli({"parse", test::fixture("go1.26-leakyservice.debug2.txt").string(), "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json.size(), 13u);
  const auto& lock = json[12];
  EXPECT_EQ(lock["id"], 35);
  EXPECT_EQ(lock["state"], "sync.Mutex.Lock");
  EXPECT_EQ(lock["locked_to_thread"], false);
  EXPECT_EQ(lock["frames_elided"], false);
  EXPECT_EQ(lock["frames"].size(), 5u);
  EXPECT_EQ(lock["created_by"]["goroutine"], 16);
  EXPECT_TRUE(json[1]["created_by"].is_null());  // goroutine 1
}

TEST(CliOffline, ParseSummarisesByStateAndBlockingSite) {
  const test::CliResult r = test::run_cli({"parse", test::fixture("go1.19-leakyservice.debug2.txt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("10 goroutines\n"));
  EXPECT_THAT(r.out, HasSubstr("         2  semacquire\n"));
  EXPECT_THAT(r.out, HasSubstr("blocked at  main.(*cache).refresh /work/main/examples/leakyservice/lock.go:12"));
}

TEST(CliOffline, SnapshotSavesTheDumpAsServed) {
  Program program = Program::launch(test::leakyservice());
  test::get(program, "/ncast");
  const auto path = std::filesystem::temp_directory_path() / ("goleakcheck-dump." + std::to_string(::getpid()));
  const test::CliResult r = test::run_cli({"snapshot", program.url(), "-o", path.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string dump = test::read_file(path);
  std::filesystem::remove(path);
  EXPECT_THAT(dump, StartsWith("goroutine "));
  EXPECT_THAT(dump, HasSubstr("main.ncastPattern.func1("));
  EXPECT_THAT(r.err, HasSubstr("saved " + std::to_string(dump.size()) + " bytes"));
}

TEST(CliOffline, ParseJsonCarriesEveryHeaderFormAndAncestors) {
  const test::CliResult r =
      test::run_cli({"parse", test::fixture("go1.26-tracebackancestors.stack.txt").string(), "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  const auto& child = json[1];
  EXPECT_EQ(child["id"], 8);
  EXPECT_EQ(child["ancestors"].size(), 2u);
  EXPECT_EQ(child["ancestors"][0]["goroutine"], 7);
  EXPECT_EQ(child["ancestors"][0]["frames"][0]["function"], "main.parent");
  EXPECT_EQ(child["partial"], false);

  const test::CliResult bubble =
      test::run_cli({"parse", test::fixture("go1.26-synctest-bubble.stack.txt").string(), "--format", "json"});
  const auto records = nlohmann::json::parse(bubble.out);
  EXPECT_EQ(records[0]["synctest_bubble"], 1);
  EXPECT_TRUE(records[1]["synctest_bubble"].is_null());
}

TEST(CliOffline, ParseReadsADebug1Profile) {
  const std::string path = test::fixture("go1.26-leakyservice.debug1.txt").string();
  const test::CliResult text = test::run_cli({"parse", path});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, StartsWith("goroutine profile: 13 goroutines in 12 stacks\n"));
  EXPECT_THAT(text.out, HasSubstr("         2  main.ncastPattern.func1 /work/main/examples/leakyservice/ncast.go:17\n"));

  const test::CliResult json = test::run_cli({"parse", path, "--format", "json"});
  const auto profile = nlohmann::json::parse(json.out);
  EXPECT_EQ(profile["total"], 13);
  EXPECT_EQ(profile["truncated"], false);
  EXPECT_EQ(profile["stacks"].size(), 12u);
  EXPECT_EQ(profile["stacks"][0]["count"], 2);
}

TEST(CliOffline, ParseWarnsOfACutDumpAndKeepsItsRecords) {
  const std::string full = test::read_file(test::fixture("go1.26-leakyservice.debug2.txt"));
  const auto path = std::filesystem::temp_directory_path() / ("goleakcheck-cut." + std::to_string(::getpid()));
  {
    std::ofstream out(path, std::ios::binary);
    out << full.substr(0, full.size() - 10);
  }
  const test::CliResult r = test::run_cli({"parse", path.string(), "--format", "json"});
  std::filesystem::remove(path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: the dump was cut off after " + std::to_string(full.size() - 10) + " bytes"));
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json.size(), 13u);
  EXPECT_EQ(json[12]["partial"], true);
  EXPECT_EQ(json[11]["partial"], false);
}

// Go 1.27's labelled records were dropped once ("9 goroutines give 8"):
// every record of every release's capture is read, labels included.
TEST(CliOffline, ParseReadsEveryRecordOfGo127WithItsLabels) {
  const std::filesystem::path path = test::fixture("releases/go1.27/goroutine.debug2.txt");
  const test::CliResult r = test::run_cli({"parse", path.string(), "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json.size(), test::count_record_starts(test::read_file(path)));
  const auto labelled = std::find_if(json.begin(), json.end(), [](const auto& g) { return !g["labels"].empty(); });
  ASSERT_NE(labelled, json.end());
  EXPECT_EQ((*labelled)["labels"]["scenario"], "labelled");
  EXPECT_EQ((*labelled)["blocking_site"]["function"], "main.leakLabelled.func1.1");
}

TEST(CliOffline, ParseWarnsOfHeadersItCouldNotReadAndCountsThemBlocked) {
  const auto path = std::filesystem::temp_directory_path() / ("goleakcheck-odd." + std::to_string(::getpid()));
  {
    std::ofstream out(path, std::ios::binary);
    out << "goroutine 1 [running]:\nmain.main()\n\t/a.go:1 +0x1\n\n"
           "goroutine 7 [chan send] <a field from a future Go>:\nmain.f()\n\t/a.go:2 +0x1\n";
  }
  const test::CliResult r = test::run_cli({"parse", path.string()});
  std::filesystem::remove(path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: 1 goroutine record had a header goleakcheck could not read, first "
                               "'goroutine 7 [chan send] <a field from a future Go>:'"));
  EXPECT_THAT(r.out, HasSubstr("2 goroutines\n1 goroutine with a header goleakcheck could not read"));
  EXPECT_THAT(r.out, HasSubstr("#1  1 goroutine [header not read]"));
}

// A large file is read by every core at once, cut at record starts; stdin
// is read in one pass. Both must say the same, to the byte, also when the
// file ends at the runtime's cap in the middle of a record.
TEST(CliOffline, ALargeFileReadInPiecesSummarisesLikeOnePass) {
  const std::string one = test::read_file(test::fixture("releases/go1.27/goroutine.debug2.txt"));
  std::string big;
  while (big.size() < (std::size_t{12} << 20)) big += one + "\n";  // groups grow with each copy
  for (const bool cut : {false, true}) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("goleakcheck-big." + std::to_string(::getpid()) + (cut ? ".cut" : ""));
    {
      std::ofstream out(path, std::ios::binary);
      out << (cut ? big.substr(0, big.size() - 1000) : big);
    }
    const test::CliResult pieces = test::run_cli({"parse", path.string()});
    const test::CliResult one_pass = test::run_cli({"parse", "-"}, path);
    std::filesystem::remove(path);
    ASSERT_EQ(pieces.exit_code, 0) << pieces.err;
    EXPECT_EQ(pieces.out, one_pass.out);
    EXPECT_EQ(pieces.err, one_pass.err);
    EXPECT_THAT(pieces.out, HasSubstr(cut ? "(the dump was cut off" : "goroutines\n"));
    EXPECT_EQ(pieces.err.empty(), !cut);
  }
}

// A program on IPv6 loopback, checked by URL: http://[::1]:PORT.
TEST(Cli, AttachesToAnIpv6LoopbackUrl) {
  namespace bp = boost::process;
  bp::ipstream log;
  bp::child service(bp::exe = GOLEAKCHECK_LEAKYSERVICE_BIN, bp::args = {"-addr", "[::1]:0"}, bp::std_out > bp::null,
                    bp::std_err > log);
  std::string line;
  std::string url;
  while (url.empty() && std::getline(log, line)) {
    if (const std::size_t at = line.find("serving on "); at != std::string::npos) url = line.substr(at + 11);
  }
  ASSERT_THAT(url, StartsWith("http://[::1]:"));
  const test::CliResult r = test::run_cli({"run", "--attach", url, "--scenario", hit("/ncast"), "--format", "json"});
  service.terminate();
  service.wait();
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["groups"][0]["count"], 6);
}

TEST(CliOffline, UnreadableDumpExitsTwo) {
  expect_error(test::run_cli({"parse", "/nonexistent/dump.txt"}), "cannot read the dump /nonexistent/dump.txt");
}

}  // namespace
}  // namespace goleakcheck

namespace goleakcheck {
namespace {

// Real records (Go 1.27's, labels included, and Go 1.26's), repeated with
// fresh ascending ids until the dump has `bytes`: large enough to be read
// in pieces, one per core (8 MiB and more).
std::string large_dump(std::size_t bytes, std::size_t& records) {
  std::vector<std::string> bodies;  // each record after its id
  for (const char* name : {"releases/go1.27/goroutine.debug2.txt", "go1.26-leakyservice.debug2.txt"}) {
    const std::string text = test::read_file(test::fixture(name));
    for (std::size_t at = text.find("goroutine "); at != std::string::npos;) {
      const std::size_t end = text.find("\n\ngoroutine ", at);
      const std::string record = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
      bodies.push_back(record.substr(record.find(' ', std::string_view("goroutine ").size())));
      at = end == std::string::npos ? end : end + 2;
    }
  }
  std::string dump;
  records = 0;
  while (dump.size() < bytes) {
    for (const std::string& body : bodies) {
      dump += "goroutine " + std::to_string(++records) + body;
      while (dump.back() == '\n') dump.pop_back();
      dump += "\n\n";
    }
  }
  return dump;
}

// A saved dump of 8 MiB or more is read with every core and its records
// are joined in order: the JSON must be the one pass's, byte for byte.
TEST(CliOffline, ParseJsonOfALargeDumpIsTheSameReadInPiecesAsInOnePass) {
  std::size_t records = 0;
  const auto path = std::filesystem::temp_directory_path() / ("goleakcheck-large." + std::to_string(::getpid()));
  {
    std::ofstream out(path, std::ios::binary);
    out << large_dump(std::size_t{9} << 20, records);
  }
  const test::CliResult pieces = test::run_cli({"parse", path.string(), "--format", "json"});
  const test::CliResult one_pass = test::run_cli({"parse", "-", "--format", "json"}, path);
  std::filesystem::remove(path);
  ASSERT_EQ(pieces.exit_code, 0) << pieces.err;
  ASSERT_EQ(one_pass.exit_code, 0) << one_pass.err;
  EXPECT_EQ(pieces.out.size(), one_pass.out.size());
  EXPECT_TRUE(pieces.out == one_pass.out) << "the JSON differs from byte "
                                          << std::mismatch(pieces.out.begin(), pieces.out.end(), one_pass.out.begin(),
                                                           one_pass.out.end())
                                                     .first -
                                                 pieces.out.begin();
  // One record per line, in the dump's order.
  EXPECT_EQ(static_cast<std::size_t>(std::count(pieces.out.begin(), pieces.out.end(), '\n')), records + 2);
  const auto json = nlohmann::json::parse(pieces.out);
  ASSERT_EQ(json.size(), records);
  for (std::size_t i = 0; i < records; ++i) ASSERT_EQ(json[i]["id"], i + 1) << "record " << i;
}

TEST(CliOffline, ParseJsonOfALargeDumpNeedsAWritableTmpdirAndSaysSo) {
  std::size_t records = 0;
  const auto path = std::filesystem::temp_directory_path() / ("goleakcheck-large." + std::to_string(::getpid()));
  {
    std::ofstream out(path, std::ios::binary);
    out << large_dump(std::size_t{9} << 20, records);
  }
  const test::CliResult r =
      test::run_cli({"parse", path.string(), "--format", "json"}, {}, {{"TMPDIR", "/nonexistent/goleakcheck"}});
  std::filesystem::remove(path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("cannot make a temporary file for the JSON records in /nonexistent/goleakcheck"));
  EXPECT_THAT(r.err, HasSubstr("set TMPDIR to a writable directory"));
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace goleakcheck
