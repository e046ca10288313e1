#include "run_command.hpp"

#include <optional>

#include "goleakcheck/error.hpp"
#include "goleakcheck/interrupt.hpp"

namespace goleakcheck::cli {

namespace {

ExitCode check_and_report(RunCommand& command, const std::vector<ReportTarget>& targets) {
  CheckOptions& check = command.check;
  check.ignores = command.rules.user_rules();  // before launching: a bad rule launches nothing
  check.default_ignores = !command.rules.no_default_ignores;
  check.allow_ignore_all = command.rules.allow_ignore_all;
  // Without a scenario there is nothing to run again; a scenario that
  // cannot run twice says so.
  if (command.scenario.command.empty() || command.scenario_once) check.repeat = 1;

  // The program, when we launch one, is declared first so that it is
  // stopped last, after everything that talks to it.
  std::optional<Program> program;
  std::optional<Checker> checker;
  if (command.attach_url.empty()) {
    program.emplace(Program::launch(command.launch));
    checker.emplace(program->endpoint(), check, [&] { program->check_alive(); });
    checker->adopt(*program->take_ready_answer());
  } else {
    const Endpoint endpoint = Endpoint::parse(command.attach_url);
    const auto ready_by = std::chrono::steady_clock::now() + command.launch.ready_timeout;
    ReadyAnswer ready = wait_for_pprof(endpoint, command.launch.ready_timeout);
    if (!command.launch.ready_url.empty()) wait_for_ready_url(ready, command.launch.ready_url, ready_by);
    checker.emplace(endpoint, check);
    checker->adopt(std::move(ready));
  }

  const Endpoint& endpoint = checker->endpoint();
  command.scenario.env = {{"GOLEAKCHECK_ADDR", endpoint.address()}, {"GOLEAKCHECK_URL", endpoint.url()}};
  const LeakReport report = checker->check_scenario([&] {
    if (!command.scenario.command.empty()) run_scenario(command.scenario);
  });
  // Stop everything before the report is written: a reader that went away
  // (`| head`) must not cost the stop. The report owns its records.
  checker.reset();
  if (program) program->stop();
  stop_adopted_orphans();  // what a scenario left behind, setsid or not (main does it too, on errors)
  if (command.warn_unused_ignores) warn_unused_ignores(report);
  write_reports(targets, report, command.report);
  return report.clean() ? ExitCode::clean : ExitCode::leaks;
}

}  // namespace

ExitCode run(RunCommand command) {
  const std::vector<ReportTarget> targets = report_targets(command.report.formats, command.report.output);
  try {
    return check_and_report(command, targets);
  } catch (const Error& e) {
    wait_if_interrupted();
    write_error_reports(targets, e.what(), e.details(), command.report);
    throw;
  }
}

}  // namespace goleakcheck::cli
