// `goleakcheck run`: launch (or attach to) a program, baseline, scenario,
// check, report.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "exit_code.hpp"
#include "goleakcheck/checker.hpp"
#include "goleakcheck/http_client.hpp"
#include "goleakcheck/program.hpp"
#include "goleakcheck/scenario.hpp"

namespace goleakcheck::cli {

// Every default is the library's own (CheckOptions, LaunchOptions,
// Scenario), read from there, so that `goleakcheck run` and a C++ check
// with no options agree; --help shows them.
struct RunOptions {
  std::vector<std::string> program;  // argv after "--"
  std::string attach_url;            // instead of program
  std::string scenario;
  std::chrono::milliseconds scenario_timeout = Scenario{}.timeout;
  std::chrono::milliseconds settle = CheckOptions{}.settle;
  std::chrono::milliseconds ready_timeout = LaunchOptions{}.ready_timeout;
  std::string ready_url;  // a path: ready once it answers 2xx
  std::chrono::milliseconds quiet_period = CheckOptions{}.quiet_period;
  std::chrono::milliseconds quiet_timeout = CheckOptions{}.quiet_timeout;
  bool no_runtime_proof = false;
  std::chrono::milliseconds proof_timeout = CheckOptions{}.proof_timeout;
  std::vector<std::string> modules;  // --module: the user's packages
  int traceback_ancestors = LaunchOptions{}.traceback_ancestors;
  int warmup = CheckOptions{}.warmup;
  std::optional<int> repeat;  // unset: the check decides (CheckOptions::repeat)
  bool scenario_once = false;  // --scenario-once: repeat 1
  FetchLimits fetch = CheckOptions{}.fetch;  // per snapshot: --snapshot-timeout
  std::vector<std::string> ignore_rules;  // --ignore, repeatable
  std::vector<std::string> ignore_files;  // --ignore-file, repeatable
  bool no_default_ignores = false;
  bool allow_ignore_all = false;
  bool warn_unused_ignores = false;
  bool idle_connections_are_leaks = false;
  std::vector<std::string> formats;  // --format FORMAT[:FILE], repeatable; none: text
  std::string output;                // --output: the file of the one without a file
  bool junit_per_group = false;
  bool verbose = false;  // every frame of every stack in the text report
};

// clean or leaks. Throws Error when the check could not be made.
ExitCode run(const RunOptions& options);

}  // namespace goleakcheck::cli
