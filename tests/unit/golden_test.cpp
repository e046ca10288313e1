// Golden output: the leak report of a captured dump (Go 1.26's
// leakyservice, its eight leaks) in every format, compared byte for byte
// with tests/fixtures/golden/. A change of format shows up here as a diff
// to review; GOLEAKCHECK_UPDATE_GOLDEN=1 rewrites the files.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/report.hpp"
#include "report_fixture.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using test::report_of_fixture;

struct Golden {
  const char* file;
  std::function<std::string(const LeakReport&)> render;
};

class GoldenTest : public ::testing::TestWithParam<Golden> {};

TEST_P(GoldenTest, MatchesTheFileByteForByte) {
  const std::string rendered = GetParam().render(report_of_fixture());
  const std::filesystem::path golden = test::fixture(std::string("golden/") + GetParam().file);
  if (const char* update = std::getenv("GOLEAKCHECK_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
    std::ofstream(golden, std::ios::binary) << rendered;
    GTEST_SKIP() << "rewrote " << golden;
  }
  EXPECT_EQ(rendered, test::read_file(golden)) << "the report changed; review it, then run with "
                                                  "GOLEAKCHECK_UPDATE_GOLDEN=1 to rewrite " << golden;
}

INSTANTIATE_TEST_SUITE_P(
    Formats, GoldenTest,
    ::testing::Values(Golden{"report.txt", [](const LeakReport& r) { return render_text(r); }},
                      Golden{"report.json", [](const LeakReport& r) { return render_json(r); }},
                      Golden{"report.junit.xml", [](const LeakReport& r) { return render_junit(r); }},
                      Golden{"report.per-group.junit.xml",
                             [](const LeakReport& r) { return render_junit(r, JunitOptions{.per_group = true}); }},
                      Golden{"report.html", [](const LeakReport& r) { return render_html(r); }}),
    [](const auto& info) {
      std::string name = info.param.file;
      std::erase_if(name, [](char c) { return c == '.' || c == '-'; });
      return name;
    });

}  // namespace
}  // namespace goleakcheck
