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

namespace goleakcheck::cli {

namespace {

void write_report(const RunOptions& options, const LeakReport& report) {
  const auto write = [&](std::ostream& out) {
    if (options.format == "json") {
      write_json(out, report);
    } else {
      write_text(out, report);
    }
  };
  if (options.output.empty() || options.output == "-") {
    write(std::cout);
    std::cout << std::flush;
    return;
  }
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  write(out);
  out.close();
  if (!out) throw Error(ErrorKind::io, fmt::format("cannot write the report to {}", options.output));
}

// The user's rules from files and --ignore; the defaults are added by the
// check itself (rules_in_force), in the same order as from C++.
std::vector<Ignore> user_rules(const RunOptions& options) {
  std::vector<Ignore> rules;
  for (const std::string& file : options.ignore_files) {
    std::vector<Ignore> from_file = load_ignore_file(file);
    std::move(from_file.begin(), from_file.end(), std::back_inserter(rules));
  }
  for (const std::string& rule : options.ignore_rules) rules.push_back(parse_ignore_rule(rule));
  return rules;
}

void warn_unused_ignores(const LeakReport& report) {
  for (const auto& use : report.ignore_uses) {
    if (use.hits == 0 && use.origin != "default") {
      std::cerr << fmt::format("goleakcheck: warning: {}: ignore rule '{}' matched no goroutine; remove it if it is stale\n",
                               use.origin, use.rule);
    }
  }
}

}  // namespace

ExitCode run(const RunOptions& options) {
  CheckOptions check_options;
  check_options.settle = options.settle;
  check_options.fetch = options.fetch;
  check_options.ignores = user_rules(options);  // before launching: a bad rule launches nothing
  check_options.default_ignores = !options.no_default_ignores;
  check_options.idle_connections_are_leaks = options.idle_connections_are_leaks;

  // The program, when we launch one, is declared first so that it is
  // stopped last, after everything that talks to it.
  std::optional<Program> program;
  std::optional<Checker> checker;
  if (options.attach_url.empty()) {
    LaunchOptions launch;
    launch.argv = options.program;
    launch.ready_timeout = options.ready_timeout;
    program.emplace(Program::launch(std::move(launch)));
    checker.emplace(program->endpoint(), check_options, [&] { program->check_alive(); });
  } else {
    const Endpoint endpoint = Endpoint::parse(options.attach_url);
    wait_for_pprof(endpoint, options.ready_timeout);
    checker.emplace(endpoint, check_options);
  }

  const Baseline baseline = checker->baseline();
  if (!options.scenario.empty()) {
    const Endpoint& endpoint = checker->endpoint();
    run_scenario(Scenario{options.scenario,
                          {{"GOLEAKCHECK_ADDR", endpoint.address()}, {"GOLEAKCHECK_URL", endpoint.url()}},
                          options.scenario_timeout});
  }
  const LeakReport report = checker->check(baseline);
  // Stop everything before the report is written: a reader that went away
  // (`| head`) must not cost the stop. The report owns its records.
  checker.reset();
  if (program) program->stop();
  stop_adopted_orphans();  // what a scenario left behind, setsid or not (main does it too, on errors)
  if (options.warn_unused_ignores) warn_unused_ignores(report);
  write_report(options, report);
  return report.clean() ? ExitCode::clean : ExitCode::leaks;
}

}  // namespace goleakcheck::cli
