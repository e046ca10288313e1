// `goleakcheck parse` on dumps as users hand them over, through the real
// CLI: a crash inside a log is read with a note, and on every error path
// `--format json` leaves nothing or valid JSON on stdout.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "leakyservice.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::HasSubstr;

std::string captured() { return test::read_file(test::fixture("releases/go1.26/goroutine.debug2.txt")); }

TEST(HandedOver, ACrashInsideALogIsReadWithANote) {
  std::string log;
  for (int i = 0; i < 3000; ++i) log += "I1201 10:00:00.000000 server.go:42] request " + std::to_string(i) + " done\n";
  const auto path = test::write_temp("goleakcheck-crash-in-log", log + captured() + log);
  const test::CliResult r = test::run_cli({"parse", path.string(), "--format", "json"});
  std::filesystem::remove(path);
  ASSERT_EQ(r.exit_code, 0) << r.err;  // was 2, every goroutine lost
  EXPECT_EQ(nlohmann::json::parse(r.out).size(), nlohmann::json::parse(test::run_cli(
      {"parse", test::fixture("releases/go1.26/goroutine.debug2.txt").string(), "--format", "json"}).out).size());
  EXPECT_THAT(r.err, HasSubstr("goleakcheck: note: 6000 lines"));
}

// Every input that is rejected after records were printed: a dump that
// turns into binary bytes (read in one pass, and a large one read in
// pieces by every core), and a header followed by junk.
TEST(HandedOver, JsonOnStdoutIsValidOnEveryErrorPath) {
  std::mt19937 random(11);
  const auto junk = [&](std::size_t n) {
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(random() % 31 + 1);
    return bytes;
  };
  std::string many;
  for (int i = 0; i < 150000; ++i) many += "goroutine " + std::to_string(i + 1) + " [chan receive]:\nmain.f()\n\t/x/m.go:3 +0x1\n\n";
  const std::vector<std::pair<std::string, std::string>> inputs = {
      {"binary-after", captured() + junk(200000)},
      {"header-then-junk", "goroutine 1 [running]:\n" + junk(100000)},
      {"large-in-pieces", many + junk(many.size() + (1 << 20))},  // past 8 MiB: read by every core
  };
  for (const auto& [name, content] : inputs) {
    const auto path = test::write_temp("goleakcheck-json-error-" + name, content);
    const test::CliResult r = test::run_cli({"parse", path.string(), "--format", "json"});
    std::filesystem::remove(path);
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("is not a goroutine dump")) << name;
    if (r.out.empty()) continue;  // nothing is fine
    EXPECT_TRUE(nlohmann::json::accept(r.out)) << name << ": stdout is not valid JSON, ending '"
                                               << r.out.substr(r.out.size() - std::min<std::size_t>(80, r.out.size()))
                                               << "'";
  }
}

}  // namespace
}  // namespace goleakcheck
