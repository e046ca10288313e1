// Faults from a hostile or broken environment, each through the real CLI
// against a real server on loopback: never a "clean" verdict made of what
// could not be seen, always exit status 2 with a line that says what came
// back. (README.md, "The fault matrix".)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <random>
#include <thread>

#include <unistd.h>

#include <boost/process.hpp>

#include "goleakcheck/error.hpp"
#include "goleakcheck/program.hpp"
#include "leakyservice.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// `goleakcheck run` against tests/hostile in `mode`, launched on a free port.
test::CliResult run_against(const std::string& mode, const std::vector<std::string>& options = {}) {
  std::vector<std::string> args = {"run", "--settle", "200ms"};
  args.insert(args.end(), options.begin(), options.end());
  args.insert(args.end(), {"--", GOLEAKCHECK_HOSTILE_BIN, "-addr", "{addr}", "-mode", mode});
  return test::run_cli(args);
}

// The first request of a check is for the debug=1 counts, then come the
// debug=2 dumps: whichever meets the answer first says it is neither.
void expect_not_a_dump(const test::CliResult& r, std::string_view what) {
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.out, "") << "no verdict may be printed";
  const std::string first_line = r.err.substr(0, r.err.find('\n'));
  EXPECT_THAT(first_line, AllOf(StartsWith("goleakcheck: error: "), HasSubstr("answered 200 but is not a goroutine"),
                                HasSubstr(std::string(what)), HasSubstr("the program's pprof address?")));
}

TEST(Faults, AnHtmlPageIsNoDump) {
  expect_not_a_dump(run_against("html"), "text/html; charset=utf-8, starting '<!DOCTYPE html>\\n<html>");
}

TEST(Faults, AnEmptyAnswerIsNoDump) { expect_not_a_dump(run_against("empty"), "with an empty body"); }

TEST(Faults, RandomBytesAreNoDump) {
  const test::CliResult r = run_against("random");
  expect_not_a_dump(r, "starting '");
  EXPECT_THAT(r.err, HasSubstr("\\x"));  // shown escaped, never raw
}

// A real pprof endpoint whose after-scenario dump turns to garbage: the
// baseline was fine, the check must still not call it clean.
TEST(Faults, ADumpThatTurnsToGarbageAfterTheBaselineIsNoVerdict) {
  // One baseline dump, not a wait for quiet: the garbage comes after it.
  expect_not_a_dump(run_against("flip", {"--quiet-timeout", "0"}), "most of it is not goroutine records");
}

// A server that never finishes its answer: the deadline covers the whole
// request, headers and chunk sizes included, not only the body. Each run
// must end near its 1 s deadline; 15 s is far past it (before, 150 s was).
void expect_deadline_held(const std::vector<std::string>& options, const std::string& mode, std::string_view what) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), options.begin(), options.end());
  args.insert(args.end(), {"--", GOLEAKCHECK_HOSTILE_BIN, "-addr", "{addr}", "-mode", mode});
  const test::CliResult r = test::run_cli(args);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err.substr(0, r.err.find('\n')), HasSubstr(std::string(what)));
  EXPECT_LT(took, std::chrono::seconds(15)) << mode;
}

TEST(Faults, HeadersTrickledAByteAtATimeMeetTheSnapshotDeadline) {
  expect_deadline_held({"--snapshot-timeout", "1s"}, "trickle", "did not finish within 1000 ms");
}

TEST(Faults, AChunkSizeLineThatNeverEndsMeetsTheSnapshotDeadline) {
  expect_deadline_held({"--snapshot-timeout", "1s"}, "chunks", "did not finish within 1000 ms");
}

TEST(Faults, AReadinessProbeThatTricklesMeetsTheReadyDeadline) {
  expect_deadline_held({"--ready-timeout", "1s"}, "trickle-ready", "nothing answered at");
}

TEST(Faults, ARedirectIsNoDump) {
  const test::CliResult r = run_against("redirect");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err.substr(0, r.err.find('\n')), HasSubstr("/debug/pprof/goroutine?debug=1 answered HTTP 302"));
}

TEST(Faults, AConnectionResetOnEveryRequestExitsTwo) {
  const test::CliResult r = run_against("reset");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err.substr(0, r.err.find('\n')), AllOf(StartsWith("goleakcheck: error: GET "), HasSubstr("failed")));
  EXPECT_EQ(r.out, "");
}

// 2 GiB on every path: the readiness probe reads 1 MiB of it, the dump its
// size cap, and neither is held in memory.
TEST(Faults, AHugeAnswerIsCappedAndIsNoDump) {
  const test::CliResult r = run_against("huge");
  expect_not_a_dump(r, "starting '\\x00\\x00");
}

TEST(Faults, ParseOfAFileThatIsNoDumpExitsTwo) {
  std::string noise(std::size_t{16} << 20, '\0');  // large enough to be read in pieces too
  std::mt19937 random(7);
  for (char& c : noise) c = static_cast<char>(random() % 255 + 1);
  for (const auto& [name, content] : std::vector<std::pair<std::string, std::string>>{
           {"empty", ""}, {"html", "<!DOCTYPE html><html></html>\n"}, {"noise", noise}}) {
    const auto path = test::write_temp("goleakcheck-not-a-dump-" + name, content);
    const test::CliResult r = test::run_cli({"parse", path.string()});
    std::filesystem::remove(path);
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("is not a goroutine dump")) << name;
    EXPECT_EQ(r.out, "") << name;
  }
  // A device that never ends is read up to the size cap, not until memory runs out.
  const test::CliResult zero = test::run_cli({"parse", "/dev/zero"});
  EXPECT_EQ(zero.exit_code, 2) << zero.err;
  EXPECT_THAT(zero.err, HasSubstr("/dev/zero is not a goroutine dump"));
  // A crash log is a dump, its preamble notwithstanding.
  const test::CliResult crash =
      test::run_cli({"parse", test::fixture("go1.26-crash-gotraceback-system.stderr.txt").string()});
  EXPECT_EQ(crash.exit_code, 0) << crash.err;
}

// Names that are not UTF-8 (a program built under such a path): the JSON
// of every record stays valid, with U+FFFD in their place.
TEST(Faults, BytesThatAreNotUtf8KeepTheJsonValid) {
  const auto path = test::write_temp("goleakcheck-not-utf8",
                               "goroutine 1 [chan send]:\nmain.f()\n\t/home/\xff\xfe/main.go:3 +0x1\n");
  const test::CliResult r = test::run_cli({"parse", path.string(), "--format", "json"});
  std::filesystem::remove(path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("/home/\xef\xbf\xbd\xef\xbf\xbd/main.go"));
  EXPECT_THAT(r.out, ::testing::EndsWith("]\n"));
}

// A failed `snapshot -o` leaves an existing file as it was, and no
// temporary file beside it.
TEST(Faults, ASnapshotThatFailsLeavesTheExistingFileAlone) {
  const auto dir = std::filesystem::temp_directory_path() / ("goleakcheck-snapshot." + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "dump.txt";
  std::ofstream(path) << "yesterday's dump\n";
  const test::CliResult r = test::run_cli({"snapshot", "http://127.0.0.1:1", "-o", path.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(test::read_file(path), "yesterday's dump\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);
  std::filesystem::remove_all(dir);
}

// Rules that once matched everything, or nothing and wrote into stdout.
TEST(Faults, RuleNumbersAndRegexesCannotTurnALeakClean) {
  const auto leak = [](const std::string& rule) {
    return test::run_cli({"run", "--format", "json", "--ignore", rule, "--scenario",
                          std::string(GOLEAKCHECK_HIT_BIN) + " \"$GOLEAKCHECK_URL/ncast\"", "--",
                          GOLEAKCHECK_LEAKYSERVICE_BIN, "-addr", "{addr}"});
  };
  // 4294967296 minutes once wrapped to 0 as an int, and matched every goroutine.
  const test::CliResult huge = leak("blocked-at-least: 4294967296");
  EXPECT_EQ(huge.exit_code, 1) << huge.err;
  // A back-reference: RE2 has none, and says so, before anything is launched.
  const test::CliResult backref = leak("any: regex:(main)\\1");
  EXPECT_EQ(backref.exit_code, 2) << backref.err;
  EXPECT_THAT(backref.err, HasSubstr("invalid regex"));
  EXPECT_EQ(backref.out, "");
  // Bytes that are not UTF-8 in a rule: the JSON report stays valid.
  const test::CliResult bytes = leak("top: main.\xff\xfe");
  EXPECT_EQ(bytes.exit_code, 1) << bytes.err;
  EXPECT_THAT(bytes.out, HasSubstr("\"verdict\": \"leak\""));
  EXPECT_THAT(bytes.out, HasSubstr("\xef\xbf\xbd"));  // U+FFFD in place of the bad bytes
}

// Readiness is proven against our own child: here the launched program
// never listens, and another process (not its descendant) takes the port it
// was given. Before, that process's clean dumps gave the verdict.
TEST(Identity, AnotherProcessOnTheChildsPortIsNoVerdict) {
  namespace bp = boost::process;
  const auto told = std::filesystem::temp_directory_path() / ("goleakcheck-told-addr." + std::to_string(::getpid()));
  std::filesystem::remove(told);
  LaunchOptions options;
  options.argv = {"/bin/sh", "-c", "echo \"$GOLEAKCHECK_ADDR\" > " + told.string() + "; exec sleep 30"};
  options.ready_timeout = std::chrono::seconds(20);
  std::future<std::optional<Error>> launched = std::async(std::launch::async, [&]() -> std::optional<Error> {
    try {
      Program::launch(options);
    } catch (const Error& e) {
      return e;
    }
    return std::nullopt;
  });
  std::string address;
  for (const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       address.empty() && std::chrono::steady_clock::now() < deadline;) {
    std::ifstream(told) >> address;
    if (address.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_FALSE(address.empty()) << "the program never wrote its address";
  bp::child other(bp::exe = GOLEAKCHECK_HOSTILE_BIN, bp::args = {"-addr", address, "-mode", "flip"},
                  bp::std_out > bp::null, bp::std_err > bp::null);
  const std::optional<Error> error = launched.get();
  other.terminate();
  other.wait();
  std::filesystem::remove(told);
  ASSERT_TRUE(error) << "launched, and would have checked another process";
  EXPECT_EQ(error->kind(), ErrorKind::not_our_program);
  EXPECT_THAT(error->what(), AllOf(HasSubstr("the listening socket belongs to process"), HasSubstr("hostile")));
}

// Attached to a program that restarts during the scenario: goroutine ids
// start again in the new process, and comparing them with the old one's
// once gave 4, 3 or 0 leaks for 5. Now it is an error.
TEST(Identity, AnAttachedProgramThatRestartsIsNoVerdict) {
  namespace bp = boost::process;
  bp::ipstream log;
  bp::child first(bp::exe = GOLEAKCHECK_LEAKYSERVICE_BIN, bp::args = {"-addr", "127.0.0.1:0"}, bp::std_out > bp::null,
                  bp::std_err > log);
  std::string line, url;
  while (url.empty() && std::getline(log, line)) {
    if (const std::size_t at = line.find("serving on "); at != std::string::npos) url = line.substr(at + 11);
  }
  ASSERT_THAT(url, StartsWith("http://127.0.0.1:"));
  const std::string address = url.substr(std::string("http://").size());
  const std::string hit = GOLEAKCHECK_HIT_BIN;
  // Leak 5, then restart on the same address (setsid: a service manager's
  // restart, outside the scenario's process group, which ends with it) and
  // wait until it answers.
  // Until the old process has let the port go, a new one cannot bind it
  // and exits: start one until one answers.
  const std::string scenario = hit + " " + url + "/ncast " + url + "/ncast " + url + "/lock; kill " +
                               std::to_string(first.id()) + "; for try in $(seq 200); do setsid " +
                               GOLEAKCHECK_LEAKYSERVICE_BIN + " -addr " + address + " >/dev/null 2>&1 & sleep 0.05; " +
                               hit + " " + url + "/healthz 2>/dev/null && break; done";
  const test::CliResult r =
      test::run_cli({"run", "--attach", url, "--scenario", scenario, "--scenario-timeout", "60s"});
  first.wait();
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("changed during the check"));
}

}  // namespace
}  // namespace goleakcheck
