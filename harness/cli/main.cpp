// goleakcheck: catch goroutine leaks in a Go program from the outside.
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "goleakcheck/duration.hpp"
#include "goleakcheck/error.hpp"
#include "offline_commands.hpp"
#include "run_command.hpp"

namespace {

constexpr int kCheckNotMade = 2;

// A CLI11 option value that is a duration ("500ms", "2s").
std::function<void(const std::string&)> duration_into(std::chrono::milliseconds& target) {
  return [&target](const std::string& text) { target = goleakcheck::parse_duration(text); };
}

void add_run_command(CLI::App& app, goleakcheck::cli::RunOptions& options) {
  CLI::App* run = app.add_subcommand("run", "launch PROGRAM (or attach to a running one), run a scenario, report "
                                            "new blocked goroutines");
  run->footer(
      "Usage: goleakcheck run [options] -- PROGRAM [ARGS...]\n"
      "       goleakcheck run --attach URL [options]\n"
      "In ARGS, {addr} becomes 127.0.0.1:PORT and {port} becomes PORT, for a free loopback port;\n"
      "PROGRAM also gets GOLEAKCHECK_ADDR. Exit status: 0 no leak, 1 leaks found, 2 the check could not be made.");
  run->add_option("--attach", options.attach_url, "check a program already running at URL (http://host:port)");
  run->add_option("--scenario", options.scenario,
                  "shell command (sh -c) run between baseline and check; it gets GOLEAKCHECK_ADDR and GOLEAKCHECK_URL");
  run->add_option_function<std::string>("--scenario-timeout", duration_into(options.scenario_timeout),
                                        "how long the scenario may run (default 2m)");
  run->add_option_function<std::string>("--settle", duration_into(options.settle),
                                        "how long new goroutines get to finish, e.g. 500ms, 2s (default 1.5s)");
  run->add_option_function<std::string>("--ready-timeout", duration_into(options.ready_timeout),
                                        "how long the program gets to serve /debug/pprof/ (default 10s)");
  run->add_option_function<std::string>("--snapshot-timeout", duration_into(options.snapshot_timeout),
                                        "how long one goroutine dump may take to arrive (default 30s)");
  run->add_option("--ignore", options.ignore_rules,
                  "ignore new goroutines that RULE matches, e.g. 'top: mypkg.worker [chan receive]' (repeatable; "
                  "README.md, \"Ignore rules\")")
      ->allow_extra_args(false);  // one RULE per --ignore, so "--" still ends the options
  run->add_option("--ignore-file", options.ignore_files, "read ignore rules from FILE, one per line (repeatable)")
      ->allow_extra_args(false);
  run->add_flag("--no-default-ignores", options.no_default_ignores,
                "drop the default rules (signal loop, trace reader, testing runner, runtime workers)");
  run->add_flag("--warn-unused-ignores", options.warn_unused_ignores,
                "warn on stderr about each of your rules that matched no goroutine");
  run->add_flag("--idle-connections-are-leaks", options.idle_connections_are_leaks,
                "count idle kept-alive HTTP connections as leaks instead of apart");
  run->add_option("--format", options.format, "report format: text or json")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, goleakcheck::cli::Format>{{"text", goleakcheck::cli::Format::text},
                                                          {"json", goleakcheck::cli::Format::json}}));
  run->add_option("-o,--output", options.output, "write the report to FILE (default stdout)");
  run->add_option("program", options.program, "the program and its arguments, after --");
  run->callback([&options] {
    const bool launching = !options.program.empty();
    if (launching == !options.attach_url.empty()) {
      throw CLI::ValidationError(launching ? "give either PROGRAM after -- or --attach URL, not both"
                                           : "give PROGRAM after -- or --attach URL");
    }
  });
}

void add_offline_commands(CLI::App& app, goleakcheck::cli::ParseOptions& parse,
                          goleakcheck::cli::SnapshotOptions& snapshot) {
  CLI::App* parse_command =
      app.add_subcommand("parse", "print the goroutines of a saved or live debug=2 dump, or a debug=1 profile");
  parse_command->add_option("source", parse.source, "a dump file, - for stdin, or http://host:port")->required();
  parse_command->add_option("--format", parse.format, "text (a summary by state and blocking site) or json")
      ->check(CLI::IsMember({"text", "json"}));
  parse_command->add_option_function<std::string>("--timeout", duration_into(parse.fetch.deadline),
                                                  "for a URL: the whole fetch (default 30s)");

  CLI::App* snapshot_command =
      app.add_subcommand("snapshot", "save a program's goroutine dump (debug=2) exactly as served");
  snapshot_command->add_option("url", snapshot.url, "the program's base URL, http://host:port")->required();
  snapshot_command->add_option("-o,--output", snapshot.output, "the file to write")->required();
  snapshot_command->add_option_function<std::string>(
      "--timeout", duration_into(snapshot.fetch.deadline),
      "the whole fetch (default 30s); a dump of 100,000s of goroutines can take a minute");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"goleakcheck: catch goroutine leaks in a Go program from the outside"};
  app.require_subcommand(1);
  goleakcheck::cli::RunOptions run_options;
  goleakcheck::cli::ParseOptions parse_options;
  goleakcheck::cli::SnapshotOptions snapshot_options;
  add_run_command(app, run_options);
  add_offline_commands(app, parse_options, snapshot_options);

  try {
    app.parse(argc, argv);
    if (app.got_subcommand("parse")) return goleakcheck::cli::parse(parse_options);
    if (app.got_subcommand("snapshot")) return goleakcheck::cli::snapshot(snapshot_options);
    return goleakcheck::cli::run(run_options);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::cerr << "goleakcheck: error: " << e.what() << " (see goleakcheck run --help)\n";
    return kCheckNotMade;
  } catch (const goleakcheck::Error& e) {
    std::cerr << "goleakcheck: error: " << e.what() << "\n" << e.details();
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "goleakcheck: error: " << e.what() << "\n";
    return kCheckNotMade;
  }
}
