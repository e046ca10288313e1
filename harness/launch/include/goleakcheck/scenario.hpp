// A scenario given as a shell command (`goleakcheck run --scenario`):
// `sh -c CMD`, run between the baseline and the check.
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace goleakcheck {

struct Scenario {
  std::string command;
  std::map<std::string, std::string> env;  // GOLEAKCHECK_ADDR, GOLEAKCHECK_URL
  std::chrono::milliseconds timeout{std::chrono::minutes(2)};
};

// Runs it to completion, its output passed through to our stderr (stdout
// stays for the report). Throws Error(ErrorKind::scenario_failed) when it
// exits non-zero or passes its timeout (its process group is killed).
void run_scenario(const Scenario& scenario);

}  // namespace goleakcheck
