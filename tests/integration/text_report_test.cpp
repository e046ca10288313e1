// The text report as the CLI writes it: stacks folded to the user's
// frames unless --verbose, and colours only on a terminal without
// NO_COLOR (the terminal is a real pseudo-terminal, from script(1)).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "leakyservice.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> lock_run(std::vector<std::string> options) {
  std::vector<std::string> args = {"run", "--settle", "300ms", "--scenario",
                                   std::string(GOLEAKCHECK_HIT_BIN) + " \"$GOLEAKCHECK_URL/lock\""};
  args.insert(args.end(), options.begin(), options.end());
  args.insert(args.end(), {"--", GOLEAKCHECK_LEAKYSERVICE_BIN, "-addr", "{addr}"});
  return args;
}

TEST(TextReport, StacksAreFoldedToYourFramesUnlessVerbose) {
  const test::CliResult short_report = test::run_cli(lock_run({}));
  ASSERT_EQ(short_report.exit_code, 1) << short_report.err;
  EXPECT_THAT(short_report.out, HasSubstr("        main.(*cache).refresh()\n"));
  EXPECT_THAT(short_report.out, HasSubstr("more frames; --verbose shows them)"));
  EXPECT_THAT(short_report.out, Not(HasSubstr("sync.(*Mutex).Lock")));

  const test::CliResult verbose = test::run_cli(lock_run({"--verbose"}));
  ASSERT_EQ(verbose.exit_code, 1) << verbose.err;
  EXPECT_THAT(verbose.out, HasSubstr("sync.(*Mutex).Lock"));
  EXPECT_THAT(verbose.out, Not(HasSubstr("--verbose shows them")));
}

// The command line of `args`, quoted for sh.
std::string shell_words(const std::vector<std::string>& args) {
  std::string line = fmt::format("'{}'", GOLEAKCHECK_CLI_BIN);
  for (const std::string& a : args) {
    std::string quoted;
    for (const char c : a) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += fmt::format(" '{}'", quoted);
  }
  return line;
}

TEST(TextReport, ColoursATerminalUnlessNoColorIsSet) {
  // Inside script's double-quoted -c: $ and " are the inner shell's.
  std::string command;
  for (const char c : shell_words(lock_run({}))) {
    if (c == '$' || c == '"' || c == '\\') command += '\\';
    command += c;
  }
  // script(1) runs the command on a pseudo-terminal; its output is in a file.
  const auto on_terminal = [&](const std::string& env) {
    const std::string out = fmt::format("/tmp/goleakcheck-tty.{}.out", ::getpid());
    const std::string line = fmt::format("{} script -qec \"{}\" /dev/null > {} 2>&1", env, command, out);
    std::system(line.c_str());
    std::string text = test::read_file(out);
    std::remove(out.c_str());
    return text;
  };
  const std::string coloured = on_terminal("");
  EXPECT_THAT(coloured, HasSubstr("\x1b[1;31mLEAK\x1b[0m"));
  EXPECT_THAT(coloured, HasSubstr("\x1b[33mlock_never_released\x1b[0m"));
  EXPECT_THAT(on_terminal("NO_COLOR=1"), Not(HasSubstr("\x1b[")));
  // Not a terminal: plain.
  EXPECT_THAT(test::run_cli(lock_run({})).out, Not(HasSubstr("\x1b[")));
}

}  // namespace
}  // namespace goleakcheck
