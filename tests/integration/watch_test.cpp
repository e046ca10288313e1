// goleakcheck watch on a live service under steady load
// (examples/steadyservice): the leaking handler's site is flagged within a
// few samples, the bounded pool never is; the runtime's proof flags at
// once; an interrupt ends the watch with its report and page; what could
// not be read is exit 2; and saved samples are read offline.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/process.hpp>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "browser.hpp"
#include "eventually.hpp"
#include "goleakcheck/program.hpp"
#include "leakyservice.hpp"
#include "processes.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

namespace bp = boost::process;
using ::testing::HasSubstr;
using ::testing::Not;

LaunchOptions steadyservice(std::vector<std::string> flags = {}) {
  LaunchOptions options;
  options.argv = {GOLEAKCHECK_STEADYSERVICE_BIN, "-addr", "{addr}", "-pool", "200", "-load", "40"};
  options.argv.insert(options.argv.end(), flags.begin(), flags.end());
  return options;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The sample lines, up to the final report.
std::vector<std::string> sample_lines(const std::string& out) {
  std::vector<std::string> samples;
  for (const std::string& line : lines_of(out)) {
    if (line.starts_with("goleakcheck watch:")) break;
    samples.push_back(line);
  }
  return samples;
}

TEST(Watch, FlagsTheLeakingHandlerWithinAFewSamplesAndNeverThePool) {
  Program service = Program::launch(steadyservice());
  const test::CliResult r =
      test::run_cli({"watch", service.url(), "--interval", "200ms", "--duration", "4s", "--module", "main"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::vector<std::string> samples = sample_lines(r.out);
  ASSERT_GE(samples.size(), 12u) << r.out;
  std::size_t first_flag = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    EXPECT_THAT(samples[i], Not(HasSubstr("main.(*pool).work"))) << "the pool was flagged at sample " << i + 1;
    if (first_flag == 0 && samples[i].find("GROWING main.report.func1") != std::string::npos) first_flag = i + 1;
  }
  EXPECT_GT(first_flag, 0u) << r.out;
  EXPECT_LE(first_flag, 10u) << "flagged only at sample " << first_flag << "\n" << r.out;
  // The final report: the one flagged site, its rate, its line, the hint.
  EXPECT_THAT(r.out, HasSubstr("goleakcheck watch: LEAK: 1 site flagged"));
  EXPECT_THAT(r.out, testing::ContainsRegex(R"(#1 GROWING \+[0-9]+ goroutines/hour over [0-9]+ samples)"));
  EXPECT_THAT(r.out, HasSubstr("state       chan send"));
  EXPECT_THAT(r.out, testing::ContainsRegex(R"(blocked at  main\.report\.func1 .*/steadyservice/main\.go:[0-9]+)"));
  EXPECT_THAT(r.out, HasSubstr("hint        orphaned_sender"));
  EXPECT_THAT(r.out, Not(HasSubstr("#2 ")));
}

TEST(Watch, TheFixedHandlerUnderTheSameLoadIsClean) {
  Program service = Program::launch(steadyservice({"-fixed"}));
  const test::CliResult r = test::run_cli({"watch", service.url(), "--interval", "200ms", "--duration", "3s"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("goleakcheck watch: clean: no site keeps growing"));
}

// Go 1.27 proves some leaks itself: such a site is flagged at the first
// sample, without waiting for a trend.
TEST(Watch, ALeakTheRuntimeProvesIsFlaggedAtOnce) {
  if (std::string(GOLEAKCHECK_REALSERVICE_GO127_BIN).empty()) GTEST_SKIP() << "no Go 1.27 build (scripts/ fetches it)";
  LaunchOptions launch;
  launch.argv = {GOLEAKCHECK_REALSERVICE_GO127_BIN, "-addr", "{addr}"};
  Program service = Program::launch(launch);
  test::get(service, "/proven-leak");
  const test::CliResult r = test::run_cli({"watch", service.url(), "--interval", "200ms", "--duration", "100ms"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("(1 sample)"));
  EXPECT_THAT(r.out, testing::ContainsRegex(R"(#1 PROVEN [0-9]+ goroutines? proven leaked by the Go runtime)"));
}

TEST(Watch, ATargetThatCannotBeReadIsExitTwoNeverClean) {
  // A port nothing listens on: a service that is down.
  Program service = Program::launch(steadyservice({"-fixed"}));
  const std::string url = service.url();
  service.stop();
  const test::CliResult r = test::run_cli({"watch", url, "--interval", "100ms", "--duration", "300ms"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("unreadable"));
  EXPECT_THAT(r.err, HasSubstr("samples could not be read"));
  EXPECT_THAT(r.err, HasSubstr("what was not read proves nothing"));
}

// Interrupted, watch writes its final report and its page and exits with
// the verdict, leaving nothing behind; no --duration was given.
TEST(Watch, AnInterruptWritesTheFinalReportAndThePage) {
  Program service = Program::launch(steadyservice());
  test::Scratch scratch;
  const auto out = scratch / "out.txt";
  const auto page = scratch / "watch.html";
  const std::string token = test::unique_token();
  bp::environment env = boost::this_process::environment();
  env["GOLEAKCHECK_TEST_TOKEN"] = token;
  bp::child cli(bp::exe = GOLEAKCHECK_CLI_BIN,
                bp::args = std::vector<std::string>{"watch", service.url(), "--interval", "200ms", "--html",
                                                    page.string()},
                env, bp::std_out > out.string(), bp::std_err > bp::null);
  // Enough samples for a verdict, then Ctrl-C.
  test::eventually([&] { return lines_of(test::read_file(out)).size() >= 12; }, std::chrono::seconds(20));
  ::kill(cli.id(), SIGINT);
  int status = 0;
  while (::waitpid(cli.id(), &status, 0) < 0 && errno == EINTR) {
  }
  cli.detach();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 1);
  const std::string text = test::read_file(out);
  EXPECT_THAT(text, HasSubstr("goleakcheck watch: LEAK: 1 site flagged"));
  EXPECT_THAT(test::read_file(page), HasSubstr("main.report.func1"));
  EXPECT_TRUE(test::processes_with(token).empty()) << test::describe_processes(test::processes_with(token));
}

// The page in a real browser: the flagged site comes first, with its chart
// and its stack; the pool is there, not flagged, with a chart of its own.
TEST(Watch, ThePageShowsTheFlaggedSitesChartAndStackInAHeadlessBrowser) {
  Program service = Program::launch(steadyservice());
  test::Scratch scratch;
  const auto page = scratch / "watch.html";
  const test::CliResult r = test::run_cli(
      {"watch", service.url(), "--interval", "200ms", "--duration", "3s", "--html", page.string()});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string dom = test::chromium(scratch, page, "--dump-dom");
  EXPECT_THAT(dom, HasSubstr("1 site flagged"));
  const std::size_t first = dom.find("<section");
  ASSERT_NE(first, std::string::npos) << dom;
  const std::string flagged = dom.substr(first, dom.find("</section>", first) - first);
  EXPECT_THAT(flagged, HasSubstr("data-flag=\"growing\""));
  EXPECT_THAT(flagged, testing::ContainsRegex(R"(<svg class="chart"[^>]*data-points="1[0-9]")"));
  EXPECT_THAT(flagged, testing::ContainsRegex(R"(<polyline points="([0-9.]+,[0-9.]+ ){10,}")"));
  EXPECT_THAT(flagged, HasSubstr("<details open=\"\"><summary>stack"));
  EXPECT_THAT(flagged, HasSubstr("main.report.func1"));
  EXPECT_THAT(flagged, HasSubstr("orphaned_sender"));
  EXPECT_THAT(dom, testing::ContainsRegex(R"(data-flag="none"[^>]*>\s*<h2>[0-9]+ goroutines at main\.\(\*pool\)\.work)"));
  const auto png = scratch / "watch.png";
  test::chromium(scratch, page, fmt::format("--window-size=1100,1400 --screenshot='{}'", png.string()));
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 10000u);  // a page, not a blank
}

// On a terminal (a real pseudo-terminal, from script(1)) the table is
// redrawn in place at each sample, the flagged site in red; the final
// report follows it.
TEST(Watch, RedrawsALiveTableOnATerminal) {
  Program service = Program::launch(steadyservice());
  test::Scratch scratch;
  const auto out = scratch / "tty.out";
  const std::string command =
      fmt::format("script -qec \"{} watch {} --interval 200ms --duration 2500ms\" /dev/null > '{}' 2>&1",
                  GOLEAKCHECK_CLI_BIN, service.url(), out.string());
  EXPECT_EQ(std::system(command.c_str()), 256);  // exit status 1: flagged
  const std::string screen = test::read_file(out);
  std::size_t redraws = 0;
  for (std::size_t at = screen.find("\x1b[H\x1b[2J"); at != std::string::npos; at = screen.find("\x1b[H\x1b[2J", at + 1)) {
    ++redraws;
  }
  EXPECT_GE(redraws, 10u);
  EXPECT_THAT(screen, testing::ContainsRegex("FLAG +NOW +TREND/h +LAST 12 +STATE +BLOCKED AT"));
  EXPECT_THAT(screen, HasSubstr("\x1b[1;31mGROWING\x1b[0m"));
  EXPECT_THAT(screen, HasSubstr("main.(*pool).work main.go:"));
  EXPECT_THAT(screen, HasSubstr("goleakcheck watch: \x1b[1;31mLEAK\x1b[0m: 1 site flagged"));
}

// A customer's periodic snapshots, read offline: debug=1 profiles saved a
// moment apart, and a debug=2 dump among them.
TEST(Watch, ReadsADirectoryOfSavedSamples) {
  Program service = Program::launch(steadyservice());
  test::Scratch scratch;
  const auto dir = scratch / "samples";
  std::filesystem::create_directory(dir);
  httplib::Client client(service.endpoint().host, service.endpoint().port);
  const auto total = [&] {
    auto profile = client.Get("/debug/pprof/goroutine?debug=1");
    return profile && profile->status == 200 ? std::stoul(profile->body.substr(profile->body.find("total ") + 6)) : 0;
  };
  for (int i = 0; i < 10; ++i) {
    const bool dump = i == 5;
    const std::size_t before = total();
    auto answer = client.Get(dump ? "/debug/pprof/goroutine?debug=2" : "/debug/pprof/goroutine?debug=1");
    ASSERT_TRUE(answer && answer->status == 200);
    std::ofstream(dir / fmt::format("sample-{:02}.txt", i)) << answer->body;
    // The next sample once the leak has grown: its count, not a sleep.
    test::eventually([&] { return total() >= before + 10; });
  }
  const test::CliResult r = test::run_cli({"watch", dir.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("goleakcheck watch: LEAK: 1 site flagged"));
  EXPECT_THAT(r.out, HasSubstr("(10 samples)"));
  EXPECT_THAT(r.out, HasSubstr("blocked at  main.report.func1"));

  // A sample that is no dump: reported, and no clean verdict from the rest.
  for (int i = 0; i < 10; ++i) std::filesystem::remove(dir / fmt::format("sample-{:02}.txt", i));
  std::ofstream(dir / "a.txt") << "goroutine profile: total 1\n1 @ 0x1\n#\t0x1\tmain.idle+0x1\t/app/main.go:3\n\n";
  std::ofstream(dir / "b.txt") << "<html>502 Bad Gateway</html>\n";
  const test::CliResult bad = test::run_cli({"watch", dir.string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_THAT(bad.err, HasSubstr("b.txt"));
}

}  // namespace
}  // namespace goleakcheck
