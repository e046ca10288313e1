// Launching and driving examples/leakyservice from tests.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "goleakcheck/program.hpp"

namespace goleakcheck::test {

// leakyservice on {addr}, plus any extra flags.
LaunchOptions leakyservice(std::vector<std::string> extra_flags = {});

// The config of testing::ProgramPerSuite / ProgramPerTest fixtures that
// run a plain leakyservice.
struct LeakyService {
  static LaunchOptions launch_options() { return leakyservice(); }
};

// GET path from the program and expect 200; returns the body.
std::string get(const Program& program, std::string_view path);

// Every request path a program run with -log-requests (realservice) logged
// on its stderr, in order.
std::vector<std::string> requests_logged(const Program& program);

// Whether any process's command line contains `text` (reads /proc).
bool process_running_with(std::string_view text);

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the goleakcheck CLI with `args`, capturing stdout and stderr; its
// standard input is `stdin_file`, or empty. `env` is set in its
// environment over the test's own (TMPDIR included: by default it is a
// directory of the run's own, checked to be empty afterwards). Its stdout
// goes to `stdout_file` instead when one is given (/dev/full, say).
CliResult run_cli(const std::vector<std::string>& args, const std::filesystem::path& stdin_file = {},
                  const std::map<std::string, std::string>& env = {}, const std::filesystem::path& stdout_file = {});

}  // namespace goleakcheck::test
