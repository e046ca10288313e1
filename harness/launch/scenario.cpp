#include "goleakcheck/scenario.hpp"

#include <fmt/format.h>

#include "launch/child_process.hpp"
#include "goleakcheck/interrupt.hpp"
#include "goleakcheck/duration.hpp"
#include "goleakcheck/error.hpp"

namespace goleakcheck {

void run_scenario(const Scenario& scenario) {
  detail::SpawnSpec spec;
  spec.argv = {"/bin/sh", "-c", scenario.command};
  spec.extra_env = scenario.env;
  // No output paths: both go to our stderr, so a scenario that prints
  // cannot corrupt a JSON report on stdout.
  detail::ChildProcess child = detail::ChildProcess::spawn(spec);

  const std::optional<ExitStatus> status = child.wait_for(scenario.timeout);
  // A scenario the clean-up on a signal stopped is no failure: the process
  // ends in a moment (see Program::check_alive).
  if (!status || !status->success()) wait_if_interrupted();
  if (!status) {
    child.stop(std::chrono::seconds(1));
    throw Error(ErrorKind::scenario_failed,
                fmt::format("the scenario did not finish within {}: {}; raise --scenario-timeout or fix the scenario",
                            format_duration(scenario.timeout), scenario.command));
  }
  if (!status->success()) {
    throw Error(ErrorKind::scenario_failed,
                fmt::format("the scenario {}: {}; its output is above", status->describe(), scenario.command));
  }
}

}  // namespace goleakcheck
