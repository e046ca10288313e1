// The JUnit report, as CI reads it: validated with xmllint against
// tests/junit/junit.xsd (the contract Jenkins' JUnit plugin and GitLab's
// parser need) for a leak, a clean run, one testcase per group, and a check
// that could not be made; and the schema itself rejects what those readers
// would, so that passing it means something.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "leakyservice.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::HasSubstr;

const std::string kSchema = std::string(GOLEAKCHECK_TESTS_DIR) + "/junit/junit.xsd";

std::filesystem::path temp(const std::string& name) {
  return std::filesystem::temp_directory_path() / fmt::format("goleakcheck-{}.{}.xml", name, ::getpid());
}

// xmllint's verdict on `file`: its exit status and what it said.
std::pair<int, std::string> validate(const std::filesystem::path& file) {
  const std::filesystem::path said = file.string() + ".xmllint";
  const std::string command = fmt::format("xmllint --noout --schema '{}' '{}' > '{}' 2>&1", kSchema, file.string(),
                                          said.string());
  const int status = std::system(command.c_str());
  std::string text = test::read_file(said);
  std::filesystem::remove(said);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

std::string hit(std::string_view path) {
  return std::string(GOLEAKCHECK_HIT_BIN) + " \"$GOLEAKCHECK_URL" + std::string(path) + "\"";
}

// Runs goleakcheck with the text report on stdout and JUnit to a file;
// returns the JUnit, after checking it against the schema.
std::string run_with_junit(const std::string& name, std::vector<std::string> options, int expected_exit,
                           std::vector<std::string> program = {GOLEAKCHECK_LEAKYSERVICE_BIN, "-addr", "{addr}"}) {
  const auto file = temp(name);
  std::vector<std::string> args = {"run", "--settle", "300ms", "--format", "text", "--format", "junit:" + file.string()};
  args.insert(args.end(), options.begin(), options.end());
  args.push_back("--");
  args.insert(args.end(), program.begin(), program.end());
  const test::CliResult r = test::run_cli(args);
  EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
  const std::string xml = test::read_file(file);
  const auto [status, said] = validate(file);
  EXPECT_EQ(status, 0) << said << xml;
  std::filesystem::remove(file);
  return xml;
}

TEST(Junit, ALeakIsOneFailedTestcaseWithTheReport) {
  const std::string xml = run_with_junit("leak", {"--scenario", hit("/ncast")}, 1);
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"goleakcheck\" tests=\"1\" failures=\"1\" errors=\"0\""));
  EXPECT_THAT(xml, HasSubstr("<testcase classname=\"goleakcheck\" name=\"no goroutine leaks\""));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"goleakcheck: LEAK: 6 goroutines blocked at 1 place"));
  EXPECT_THAT(xml, HasSubstr("main.ncastPattern.func1"));
}

TEST(Junit, ACleanRunIsOnePassingTestcase) {
  const std::string xml = run_with_junit("clean", {"--scenario", hit("/ncast?fixed=1")}, 0);
  EXPECT_THAT(xml, HasSubstr("tests=\"1\" failures=\"0\" errors=\"0\""));
  EXPECT_THAT(xml, HasSubstr("name=\"no goroutine leaks\" time="));
  EXPECT_THAT(xml, ::testing::Not(HasSubstr("<failure")));
}

TEST(Junit, PerGroupGivesEachGroupATestcaseWithAUniqueName) {
  const std::string xml =
      run_with_junit("per-group", {"--junit-per-group", "--scenario", hit("/ncast") + " " + "\"$GOLEAKCHECK_URL/lock\""}, 1);
  EXPECT_THAT(xml, HasSubstr("tests=\"2\" failures=\"2\""));
  EXPECT_THAT(xml, HasSubstr("name=\"leak #1: 6 goroutines [chan send] at main.ncastPattern.func1"));
  EXPECT_THAT(xml, HasSubstr("name=\"leak #2: 3 goroutines [sync.Mutex.Lock] at main.(*cache).refresh"));
}

TEST(Junit, ACheckThatCouldNotBeMadeIsAnError) {
  const std::string xml = run_with_junit("error", {}, 2,
                                         {GOLEAKCHECK_LEAKYSERVICE_BIN, "-addr", "{addr}", "-crash-at-start"});
  EXPECT_THAT(xml, HasSubstr("tests=\"1\" failures=\"0\" errors=\"1\""));
  EXPECT_THAT(xml, HasSubstr("<error message=\"leakyservice exited with status 3 before its pprof endpoint answered"));
  EXPECT_THAT(xml, HasSubstr("crash requested by -crash-at-start"));
}

TEST(Junit, TheSchemaRejectsWhatCiReadersWould) {
  const auto file = temp("bad");
  const auto check = [&](const std::string& xml) {
    std::ofstream(file) << xml;
    return validate(file).first;
  };
  const std::string good =
      "<testsuites tests=\"1\" failures=\"0\" errors=\"0\"><testsuite name=\"s\" tests=\"1\" failures=\"0\" "
      "errors=\"0\" time=\"0.1\"><testcase classname=\"c\" name=\"a\" time=\"0.1\"/></testsuite></testsuites>";
  EXPECT_EQ(check(good), 0);
  std::string no_tests = good;
  const std::string counted = "<testsuite name=\"s\" tests=\"1\"";
  no_tests.replace(no_tests.find(counted), counted.size(), "<testsuite name=\"s\"");
  EXPECT_NE(check(no_tests), 0) << "a testsuite without its counts";
  std::string twice = good;
  twice.insert(twice.find("</testsuite>"), "<testcase classname=\"c\" name=\"a\" time=\"0\"/>");
  EXPECT_NE(check(twice), 0) << "two testcases with one name";
  EXPECT_NE(check("<testsuites tests=\"0\" failures=\"0\" errors=\"0\"><testsuite name=\"s\" tests=\"0\" failures=\"0\" "
                  "errors=\"0\" time=\"0\"/></testsuites>"),
            0)
      << "a testsuite without a testcase";
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace goleakcheck
