// `goleakcheck run`: launch (or attach to) a program, baseline, scenario,
// check, report.
#pragma once

#include <string>

#include "exit_code.hpp"
#include "goleakcheck/checker.hpp"
#include "goleakcheck/program.hpp"
#include "goleakcheck/scenario.hpp"
#include "report_output.hpp"

namespace goleakcheck::cli {

// The flags are parsed straight into the library's option structs, whose
// defaults are the defaults of `goleakcheck run` (and what --help shows):
// the command and a C++ check with no options cannot drift apart.
struct RunCommand {
  LaunchOptions launch;   // argv after "--", --ready-timeout, --ready-url, ...
  std::string attach_url;  // instead of a program
  Scenario scenario;       // --scenario (its env is set here), --scenario-timeout
  CheckOptions check;      // --settle, --quiet-*, --warmup, --repeat, --module, ...
  bool scenario_once = false;  // --scenario-once: repeat 1
  bool warn_unused_ignores = false;
  RuleFlags rules;
  ReportFlags report;
};

// clean or leaks. Throws Error when the check could not be made.
ExitCode run(RunCommand command);

}  // namespace goleakcheck::cli
