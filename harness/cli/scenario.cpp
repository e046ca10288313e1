#include "scenario.hpp"

#include <thread>

#include <fmt/format.h>

#include "child_process.hpp"
#include "goleakcheck/duration.hpp"
#include "goleakcheck/error.hpp"

namespace goleakcheck::cli {

void run_scenario(const Scenario& scenario) {
  using Clock = std::chrono::steady_clock;
  detail::SpawnSpec spec;
  spec.argv = {"/bin/sh", "-c", scenario.command};
  spec.extra_env = scenario.env;
  // No output paths: both go to our stderr, so a scenario that prints
  // cannot corrupt a JSON report on stdout.
  detail::ChildProcess child = detail::ChildProcess::spawn(spec);

  const auto give_up = Clock::now() + scenario.timeout;
  auto pause = std::chrono::milliseconds(1);
  std::optional<ExitStatus> status;
  while (!(status = child.poll()) && Clock::now() < give_up) {
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
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

}  // namespace goleakcheck::cli
