// `goleakcheck run`: launch (or attach to) a program, baseline, scenario,
// check, report.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "exit_code.hpp"
#include "goleakcheck/http_client.hpp"

namespace goleakcheck::cli {

struct RunOptions {
  std::vector<std::string> program;  // argv after "--"
  std::string attach_url;            // instead of program
  std::string scenario;
  std::chrono::milliseconds scenario_timeout{std::chrono::minutes(2)};
  std::chrono::milliseconds settle{1500};
  std::chrono::milliseconds ready_timeout{std::chrono::seconds(10)};
  std::string ready_url;  // a path: ready once it answers 2xx
  std::chrono::milliseconds quiet_period{200};
  std::chrono::milliseconds quiet_timeout{std::chrono::seconds(5)};
  bool no_runtime_proof = false;
  std::chrono::milliseconds proof_timeout{std::chrono::seconds(1)};
  std::vector<std::string> modules;  // --module: the user's packages
  int traceback_ancestors = 20;
  int warmup = 0;
  std::optional<int> repeat;  // unset: the check decides (CheckOptions::repeat)
  bool scenario_once = false;  // --scenario-once: repeat 1
  FetchLimits fetch;  // per snapshot: --snapshot-timeout
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
