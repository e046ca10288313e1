#include "run_command.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include "goleakcheck/checker.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/ignore.hpp"
#include "goleakcheck/interrupt.hpp"
#include "goleakcheck/program.hpp"
#include "goleakcheck/scenario.hpp"
#include "report_output.hpp"

namespace goleakcheck::cli {


namespace {

ExitCode check_and_report(const RunOptions& options, const std::vector<ReportTarget>& targets,
                          const JunitOptions& junit) {
  CheckOptions check_options;
  check_options.settle = options.settle;
  check_options.fetch = options.fetch;
  check_options.ignores = user_rules(options.ignore_files, options.ignore_rules);  // before launching: a bad rule launches nothing
  check_options.default_ignores = !options.no_default_ignores;
  check_options.allow_ignore_all = options.allow_ignore_all;
  check_options.idle_connections_are_leaks = options.idle_connections_are_leaks;
  check_options.quiet_period = options.quiet_period;
  check_options.quiet_timeout = options.quiet_timeout;
  check_options.runtime_proof = !options.no_runtime_proof;
  check_options.proof_timeout = options.proof_timeout;
  check_options.user_code.modules = options.modules;
  check_options.warmup = options.warmup;
  check_options.repeat = options.repeat;
  // Without a scenario there is nothing to run again; a scenario that
  // cannot run twice says so.
  if (options.scenario.empty() || options.scenario_once) check_options.repeat = 1;

  // The program, when we launch one, is declared first so that it is
  // stopped last, after everything that talks to it.
  std::optional<Program> program;
  std::optional<Checker> checker;
  if (options.attach_url.empty()) {
    LaunchOptions launch;
    launch.argv = options.program;
    launch.ready_timeout = options.ready_timeout;
    launch.ready_url = options.ready_url;
    launch.traceback_ancestors = options.traceback_ancestors;
    program.emplace(Program::launch(std::move(launch)));
    checker.emplace(program->endpoint(), check_options, [&] { program->check_alive(); });
  } else {
    const Endpoint endpoint = Endpoint::parse(options.attach_url);
    const auto ready_by = std::chrono::steady_clock::now() + options.ready_timeout;
    wait_for_pprof(endpoint, options.ready_timeout);
    if (!options.ready_url.empty()) wait_for_ready_url(endpoint, options.ready_url, ready_by);
    checker.emplace(endpoint, check_options);
  }

  const Endpoint& endpoint = checker->endpoint();
  const LeakReport report = checker->check_scenario([&] {
    if (options.scenario.empty()) return;
    run_scenario(Scenario{options.scenario,
                          {{"GOLEAKCHECK_ADDR", endpoint.address()}, {"GOLEAKCHECK_URL", endpoint.url()}},
                          options.scenario_timeout});
  });
  // Stop everything before the report is written: a reader that went away
  // (`| head`) must not cost the stop. The report owns its records.
  checker.reset();
  if (program) program->stop();
  stop_adopted_orphans();  // what a scenario left behind, setsid or not (main does it too, on errors)
  if (options.warn_unused_ignores) warn_unused_ignores(report);
  write_reports(targets, report, junit, options.verbose);
  return report.clean() ? ExitCode::clean : ExitCode::leaks;
}

}  // namespace

ExitCode run(const RunOptions& options) {
  const std::vector<ReportTarget> targets = report_targets(options.formats, options.output);
  JunitOptions junit;
  junit.per_group = options.junit_per_group;
  try {
    return check_and_report(options, targets, junit);
  } catch (const Error& e) {
    wait_if_interrupted();
    write_error_reports(targets, e.what(), e.details(), junit);
    throw;
  }
}

}  // namespace goleakcheck::cli
