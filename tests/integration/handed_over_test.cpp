// `goleakcheck parse` on dumps as users hand them over, through the real
// CLI: a crash inside a log is read with a note, and on every error path
// `--format json` leaves nothing or valid JSON on stdout.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <unistd.h>

#include <boost/process.hpp>
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

// A large dump is read through mappings of the file, by every core. Cut
// short while it is read (an editor saving over it, a log rotated), the
// pages gone would kill the process with SIGBUS, and a read(2) would just
// stop early with fewer records: either way the summary was of a dump that
// no longer exists. It is an error, exit 2, saying the file changed.
TEST(HandedOver, ADumpCutShortWhileItIsReadIsAnError) {
  namespace bp = boost::process;
  std::string block;
  for (int i = 0; block.size() < (std::size_t{1} << 20); ++i) {
    block += "goroutine " + std::to_string(i + 1) + " [chan receive]:\nmain.f()\n\t/x/m.go:3 +0x1\n\n";
  }
  const auto path = test::write_temp("goleakcheck-shrinks", "");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 192; ++i) out << block;  // 192 MiB: many windows per core
  }
  const auto err = test::write_temp("goleakcheck-shrinks.err", "");
  bp::child cli(bp::exe = GOLEAKCHECK_CLI_BIN, bp::args = {"parse", path.string()}, bp::std_out > bp::null,
                bp::std_err > err.string());
  // As soon as the file is mapped (/proc/PID/maps names it), it is cut.
  const std::string maps = "/proc/" + std::to_string(cli.id()) + "/maps";
  bool mapped = false;
  for (const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
       !mapped && cli.running() && std::chrono::steady_clock::now() < deadline;) {
    std::ifstream in(maps);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    mapped = text.find(path.filename().string()) != std::string::npos;
    if (!mapped) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  std::filesystem::resize_file(path, std::uintmax_t{1} << 20);
  cli.wait();
  const std::string stderr_text = test::read_file(err);
  std::filesystem::remove(path);
  std::filesystem::remove(err);
  ASSERT_TRUE(mapped) << "the CLI never mapped the file: " << stderr_text;
  EXPECT_EQ(cli.native_exit_code() & 0x7f, 0) << "killed by signal " << (cli.native_exit_code() & 0x7f);
  EXPECT_EQ(cli.exit_code(), 2) << stderr_text;
  EXPECT_THAT(stderr_text, HasSubstr("changed while it was read")) << stderr_text;
}

}  // namespace
}  // namespace goleakcheck
