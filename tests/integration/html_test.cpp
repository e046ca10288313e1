// The HTML report in a real browser: Debian's chromium, headless, loads
// the file the CLI wrote, runs its script, and the test asserts on the
// rendered DOM; a screenshot shows it renders at all. The page loads
// nothing from outside.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "browser.hpp"
#include "leakyservice.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using test::chromium;
using test::Scratch;

std::string hit(std::string_view paths) {
  return std::string(GOLEAKCHECK_HIT_BIN) + " " + std::string(paths);
}

// goleakcheck run with the text report on stdout and HTML to a file.
std::string run_with_html(const Scratch& scratch, const std::string& scenario, int expected_exit) {
  const auto page = scratch / "report.html";
  const test::CliResult r = test::run_cli({"run", "--settle", "300ms", "--scenario", scenario, "--format", "text",
                                           "--format", "html:" + page.string(), "--", GOLEAKCHECK_LEAKYSERVICE_BIN,
                                           "-addr", "{addr}"});
  EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
  return page.string();
}

TEST(HtmlReport, RendersGroupsHintsAndFoldedStacksInAHeadlessBrowser) {
  const Scratch scratch;
  const std::string page =
      run_with_html(scratch, hit("\"$GOLEAKCHECK_URL/ncast\" \"$GOLEAKCHECK_URL/lock\""), 1);
  const std::string source = test::read_file(page);
  // Self-contained: nothing is loaded from anywhere.
  EXPECT_THAT(source, HasSubstr("Content-Security-Policy\" content=\"default-src 'none'"));
  EXPECT_FALSE(std::regex_search(source, std::regex(R"((src|href)\s*=)"))) << "a page that loads something";

  const std::string dom = chromium(scratch, page, "--dump-dom");
  // The script ran on the rendered page and counted what it shows.
  EXPECT_THAT(dom, HasSubstr("id=\"summary\">9 leaked goroutines in 2 groups</p>"));
  EXPECT_THAT(dom, HasSubstr("class=\"verdict leak\""));
  EXPECT_THAT(dom, HasSubstr("<section class=\"group\" id=\"group-1\" data-count=\"6\" data-state=\"chan send\">"));
  EXPECT_THAT(dom, HasSubstr("data-state=\"sync.Mutex.Lock\""));
  EXPECT_THAT(dom, HasSubstr("data-pattern=\"orphaned_sender\""));
  EXPECT_THAT(dom, HasSubstr("data-pattern=\"lock_never_released\""));
  EXPECT_THAT(dom, HasSubstr(fmt::format("{:>5} |    answers &lt;- replica // leak:ncast",
                                         test::marker_line(test::leakyservice_source("ncast.go"), "ncast"))));
  // Stacks folded to the user's frames, the whole stack a click away.
  EXPECT_THAT(dom, HasSubstr("<details class=\"full-stack\"><summary>full stack of goroutine"));
  EXPECT_THAT(dom, HasSubstr("<div class=\"frame user\">main.(*cache).refresh"));

  const auto png = scratch / "report.png";
  chromium(scratch, page, fmt::format("--window-size=1100,1400 --screenshot='{}'", png.string()));
  const std::string image = test::read_file(png);
  ASSERT_GT(image.size(), 8u);
  EXPECT_EQ(image.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_GT(image.size(), 10000u) << "a blank page compresses to far less";
}

TEST(HtmlReport, ACleanRunSaysSo) {
  const Scratch scratch;
  const std::string page = run_with_html(scratch, hit("\"$GOLEAKCHECK_URL/ncast?fixed=1\""), 0);
  const std::string dom = chromium(scratch, page, "--dump-dom");
  EXPECT_THAT(dom, HasSubstr("class=\"verdict clean\""));
  EXPECT_THAT(dom, HasSubstr("id=\"summary\">no leak groups</p>"));
  EXPECT_THAT(dom, Not(HasSubstr("<section class=\"group\"")));
}

}  // namespace
}  // namespace goleakcheck
