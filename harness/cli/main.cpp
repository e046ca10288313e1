// goleakcheck: catch goroutine leaks in a Go program from the outside.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <array>
#include <iostream>
#include <limits>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "goleakcheck/duration.hpp"
#include "goleakcheck/http_client.hpp"
#include "goleakcheck/interrupt.hpp"
#include "goleakcheck/error.hpp"
#include "compare_commands.hpp"
#include "offline_commands.hpp"
#include "report_output.hpp"
#include "exit_code.hpp"
#include "run_command.hpp"
#include "watch_command.hpp"

namespace {

using goleakcheck::cli::ExitCode;

// A duration option ("500ms", "2s"): its type name is DURATION and its
// default is the field's own value, so help never disagrees with the code.
// 0 is refused unless `zero_means` says what it does ("take it at once").
CLI::Option* add_duration_option(CLI::App* command, const std::string& name, std::chrono::milliseconds& target,
                                 const std::string& description, const std::string& zero_means = {}) {
  return command
      ->add_option_function<std::string>(
          name, [&target](const std::string& text) { target = goleakcheck::parse_duration(text); },
          zero_means.empty() ? description : description + " (0: " + zero_means + ")")
      ->type_name("DURATION")
      ->default_str(goleakcheck::format_duration(target))
      ->check([zero_means](const std::string& text) {
        if (!zero_means.empty() || goleakcheck::parse_duration(text).count() > 0) return std::string();
        return "'" + text + "' is no wait at all: give from 1ms to 24h";
      });
}

// A whole number from `lowest` to the largest a T holds, with an error that
// says that range (CLI11's own names a 300-digit double).
template <class T>
CLI::Validator whole_number_from(T lowest) {
  return CLI::Validator(
      [lowest](const std::string& text) {
        long double value = 0;
        std::size_t used = 0;
        try {
          value = std::stold(text, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        const bool whole = used == text.size() && !text.empty() && value == static_cast<long double>(static_cast<long long>(value));
        if (whole && value >= static_cast<long double>(lowest) &&
            value <= static_cast<long double>(std::numeric_limits<T>::max())) {
          return std::string();
        }
        return fmt::format("'{}' is not a whole number from {} to {}", text, lowest, std::numeric_limits<T>::max());
      },
      fmt::format("{}..{}", lowest, std::numeric_limits<T>::max()));
}

// --ignore, --ignore-file, --no-default-ignores, --allow-ignore-all: the
// same in every command that judges goroutines.
void add_rule_options(CLI::App* command, goleakcheck::cli::RuleFlags& rules, bool with_allow_ignore_all = true) {
  command
      ->add_option("--ignore", rules.rules,
                   "ignore goroutines that RULE matches, e.g. 'top: mypkg.worker [chan receive]' (repeatable; "
                   "README.md, \"Ignore rules\")")
      ->allow_extra_args(false);  // one RULE per --ignore, so "--" still ends the options
  command->add_option("--ignore-file", rules.files, "read ignore rules from FILE, one per line (repeatable)")
      ->allow_extra_args(false);
  command->add_flag("--no-default-ignores", rules.no_default_ignores,
                    "drop the default rules (signal loop, trace reader, testing runner, runtime workers)");
  if (with_allow_ignore_all) {
    command->add_flag("--allow-ignore-all", rules.allow_ignore_all,
                      "accept a rule that matches every goroutine of the baseline (it would ignore any leak)");
  }
}

// --format FORMAT[:FILE] (repeatable) with the formats a command writes.
CLI::Option* add_format_option(CLI::App* command, std::vector<std::string>& formats,
                               std::vector<std::string_view> allowed, const std::string& description) {
  return command->add_option("--format", formats, description)
      ->type_name("FORMAT[:FILE]")
      ->allow_extra_args(false)
      ->check([allowed](const std::string& value) {
        const std::string format = value.substr(0, value.find(':'));
        if (std::find(allowed.begin(), allowed.end(), format) != allowed.end()) return std::string();
        return "'" + value + "' is no format: give " + goleakcheck::cli::name_formats(allowed);
      });
}

// --format, --output, --junit-per-group, --verbose: a check's report.
void add_report_options(CLI::App* command, goleakcheck::cli::ReportFlags& report) {
  add_format_option(command, report.formats, {"text", "json", "junit", "html"},
                    "report format: text, json, junit or html, each to stdout or to FILE with FORMAT:FILE "
                    "(repeatable, e.g. --format text --format junit:leaks.xml --format html:leaks.html)");
  command->add_option("-o,--output", report.output, "write the report given without a FILE to FILE (default stdout)");
  command->add_flag("--junit-per-group", report.junit_per_group, "in JUnit, one testcase per leak group");
  command->add_flag("-v,--verbose", report.verbose,
                    "every frame of every stack in the text report (default: your frames, the rest counted)");
}

// --snapshot-timeout: one fetch of a dump or a profile, in every command.
void add_snapshot_timeout(CLI::App* command, std::chrono::milliseconds& deadline) {
  add_duration_option(command, "--snapshot-timeout", deadline,
                      "how long one goroutine dump or profile may take to arrive, whole (a dump of 100,000s of "
                      "goroutines can take a minute)");
}

// --module: which frames are the user's, in every command that reports.
void add_module_option(CLI::App* command, goleakcheck::UserCode& user) {
  command
      ->add_option("--module", user.modules,
                   "your code's packages (import path prefixes, e.g. example.com/shop, main): reports lead to their "
                   "frames; by default, any frame outside the Go root, the module cache and vendor/ (repeatable)")
      ->allow_extra_args(false);
}

// --min-count: LeakProf's rule, the same in analyze and watch.
void add_min_count_option(CLI::App* command, std::uint64_t& min_count) {
  command->add_option("--min-count", min_count, "flag a site with at least N goroutines, whatever else (0: off)")
      ->check(whole_number_from<std::uint64_t>(0))
      ->capture_default_str();
}

void add_run_command(CLI::App& app, goleakcheck::cli::RunCommand& options) {
  CLI::App* run = app.add_subcommand("run", "launch PROGRAM (or attach to a running one), run a scenario, report "
                                            "new blocked goroutines");
  run->footer(
      "Usage: goleakcheck run [options] -- PROGRAM [ARGS...]\n"
      "       goleakcheck run --attach URL [options]\n"
      "In ARGS, {addr} becomes 127.0.0.1:PORT and {port} becomes PORT, for a free loopback port;\n"
      "PROGRAM also gets GOLEAKCHECK_ADDR. Exit status: 0 no leak, 1 leaks found, 2 the check could not be made.");
  goleakcheck::CheckOptions& check = options.check;
  goleakcheck::LaunchOptions& launch = options.launch;
  run->add_option("--attach", options.attach_url, "check a program already running at URL (http://host:port)");
  run->add_option("--scenario", options.scenario.command,
                  "shell command (sh -c) run between baseline and check; it gets GOLEAKCHECK_ADDR and GOLEAKCHECK_URL");
  add_duration_option(run, "--scenario-timeout", options.scenario.timeout, "how long the scenario may run");
  add_duration_option(run, "--settle", check.settle, "how long new goroutines get to finish, e.g. 500ms, 2s");
  add_duration_option(run, "--growth-stay", check.growth_stay,
                      "with runs judged by growth, how long the oldest goroutine of a group that grew with every "
                      "run must stay blocked to fail before the settle time is out (at most --settle)");
  add_duration_option(run, "--ready-timeout", launch.ready_timeout, "how long the program gets to serve /debug/pprof/");
  run->add_option("--ready-url", launch.ready_url,
                  "also wait until the program's own PATH (e.g. /healthz) answers 2xx before the baseline")
      ->check([](const std::string& path) { return path.starts_with('/') ? std::string() : "PATH must start with /"; });
  add_duration_option(run, "--quiet-timeout", check.quiet_timeout,
                      "how long to wait for the program to stop starting and ending goroutines before the baseline",
                      "take it at once");
  add_duration_option(run, "--quiet-period", check.quiet_period,
                      "two dumps this far apart must show the same goroutines for the program to count as quiet");
  run->add_option("--warmup", check.warmup, "run the scenario N times before the baseline (singletons, pools, "
                                            "lazily created clients)")
      ->check(whole_number_from(0))
      ->capture_default_str();
  CLI::Option* repeat =
      run->add_option("--repeat", check.repeat,
                      "run the scenario N times after the baseline; from 2 on, groups that grow with the runs fail "
                      "and groups that stay flat do not (default: once, and 3 more times after a new baseline "
                      "when the first run leaves goroutines the Go runtime did not prove leaked)")
          ->check(whole_number_from(1));
  run->add_flag("--scenario-once", options.scenario_once,
                "run the scenario once, judged by the settle time alone (for a scenario that cannot run twice; "
                "--repeat 1)")
      ->excludes(repeat);
  add_module_option(run, check.user_code);
  run->add_option("--traceback-ancestors", launch.traceback_ancestors,
                  "GODEBUG=tracebackancestors=N for a launched program, so that reports find the code that "
                  "started a library's goroutines (0: off; a GODEBUG of your own that sets it wins)")
      ->check(whole_number_from(0))
      ->capture_default_str();
  run->add_flag_callback("--no-runtime-proof", [&check] { check.runtime_proof = false; },
                         "do not ask the Go runtime to prove leaks (/debug/pprof/goroutineleak, Go 1.27; 1.26 with "
                         "GOEXPERIMENT=goroutineleakprofile)");
  add_duration_option(run, "--proof-timeout", check.proof_timeout,
                      "how long one request for the runtime's proof may take (it runs a garbage collection) before "
                      "plain dumps are used instead");
  add_snapshot_timeout(run, check.fetch.deadline);
  add_rule_options(run, options.rules);
  run->add_flag("--warn-unused-ignores", options.warn_unused_ignores,
                "warn on stderr about each of your rules that matched no goroutine");
  run->add_flag("--idle-connections-are-leaks", check.idle_connections_are_leaks,
                "count idle kept-alive HTTP connections as leaks instead of apart");
  add_report_options(run, options.report);
  run->add_option("program", launch.argv, "the program and its arguments, after --");
  run->callback([&options] {
    const bool launching = !options.launch.argv.empty();
    if (launching == !options.attach_url.empty()) {
      throw CLI::ValidationError(launching ? "give either PROGRAM after -- or --attach URL, not both"
                                           : "give PROGRAM after -- or --attach URL");
    }
    if (options.scenario.command.empty() &&
        (options.check.warmup > 0 || options.check.repeat.value_or(1) > 1 || options.scenario_once)) {
      throw CLI::ValidationError("--warmup, --repeat and --scenario-once run the --scenario: give one");
    }
  });
}

void add_offline_commands(CLI::App& app, goleakcheck::cli::ParseOptions& parse,
                          goleakcheck::cli::SnapshotOptions& snapshot) {
  CLI::App* parse_command =
      app.add_subcommand("parse", "print the goroutines of a saved or live debug=2 dump, or a debug=1 profile");
  parse_command->add_option("source", parse.source, "a dump file, - for stdin, or http://host:port")->required();
  add_format_option(parse_command, parse.formats, {"text", "json"},
                    "text (a summary by state and blocking site) or json (every record), to stdout or to FILE with "
                    "FORMAT:FILE");
  add_snapshot_timeout(parse_command, parse.fetch.deadline);

  CLI::App* snapshot_command =
      app.add_subcommand("snapshot", "save a program's goroutine dump (debug=2) exactly as served");
  snapshot_command->add_option("url", snapshot.url, "the program's base URL, http://host:port")->required();
  snapshot_command->add_option("-o,--output", snapshot.output, "the file to write")->required();
  add_snapshot_timeout(snapshot_command, snapshot.fetch.deadline);
}

void add_compare_commands(CLI::App& app, goleakcheck::cli::DiffCommand& diff, goleakcheck::cli::AnalyzeCommand& analyze) {
  CLI::App* diff_command = app.add_subcommand(
      "diff", "judge two saved dumps as `run` judges its snapshots: new blocked goroutines in AFTER are leaks");
  diff_command->footer("Exit status: 0 no leak, 1 leaks found, 2 a dump could not be read, is none, or was cut off.");
  diff_command->add_option("before", diff.before, "the dump before: a file, - for stdin, or http://host:port")->required();
  diff_command->add_option("after", diff.after, "the dump after")->required();
  add_rule_options(diff_command, diff.rules);
  diff_command->add_flag("--idle-connections-are-leaks", diff.check.idle_connections_are_leaks,
                         "count idle kept-alive HTTP connections as leaks");
  add_module_option(diff_command, diff.check.user_code);
  add_report_options(diff_command, diff.report);
  add_snapshot_timeout(diff_command, diff.check.fetch.deadline);

  CLI::App* analyze_command = app.add_subcommand(
      "analyze", "find where goroutines pile up in one dump from production (LeakProf style)");
  analyze_command->footer("Exit status: 0 no site flagged, 1 sites flagged, 2 the dump could not be read, is none, "
                          "or was cut off or partly unreadable with no site flagged.");
  analyze_command->add_option("source", analyze.source, "a dump file, - for stdin, or http://host:port")->required();
  goleakcheck::SiteRules& rules = analyze.analysis.rules;
  add_min_count_option(analyze_command, rules.min_count);
  analyze_command->add_option("--min-minutes", rules.min_minutes,
                              "flag a site blocked at least M minutes (the runtime prints minutes from 1 on; 0: off)")
      ->check(whole_number_from(0))
      ->capture_default_str();
  analyze_command->add_option("--top", analyze.top, "how many sites to list")
      ->check(whole_number_from<std::size_t>(1))
      ->capture_default_str();
  add_module_option(analyze_command, rules.user_code);
  add_rule_options(analyze_command, analyze.rules, false);
  add_format_option(analyze_command, analyze.formats, {"text", "json"},
                    "text or json, to stdout or to FILE with FORMAT:FILE (repeatable)");
  add_snapshot_timeout(analyze_command, analyze.analysis.fetch.deadline);
}

void add_watch_command(CLI::App& app, goleakcheck::cli::WatchCommand& command_options) {
  CLI::App* command = app.add_subcommand(
      "watch", "sample running services over time and flag blocking sites where goroutines keep piling up "
               "(LeakProf style); or read a directory of samples saved over time");
  command->footer(
      "Exit status: 0 no site flagged, 1 sites flagged, 2 a sample could not be read and no site was flagged. "
      "Ctrl-C ends the watch with the final report (and any --format html:FILE); a second one ends it at once.");
  goleakcheck::WatchOptions& watch = command_options.watch;
  command->add_option("sources", command_options.sources,
                      "http://host:port of each service, or one directory of saved samples")
      ->required();
  add_duration_option(command, "--interval", watch.interval, "time between samples (each a debug=1 profile)");
  add_duration_option(command, "--duration", watch.duration, "how long to watch", "until interrupted");
  add_duration_option(command, "--proof-interval", watch.proof_interval,
                      "at most this often, ask for the runtime's proof (/debug/pprof/goroutineleak; each costs the "
                      "service a GC cycle)");
  add_snapshot_timeout(command, watch.fetch.deadline);
  // The name it had before --snapshot-timeout was the one name for a fetch.
  add_duration_option(command, "--sample-timeout", watch.fetch.deadline, "the same as --snapshot-timeout")
      ->group("");
  add_min_count_option(command, watch.rules.min_count);
  command->add_option("--min-growth", watch.rules.min_growth, "flag growth only of at least N goroutines")
      ->check(whole_number_from<std::uint64_t>(1))
      ->capture_default_str();
  command->add_option("--window", watch.rules.window, "judge the last N samples")
      ->check(CLI::Range(3, 100000))
      ->capture_default_str();
  add_module_option(command, watch.user_code);
  add_rule_options(command, command_options.rules, false);
  command->add_option("--metrics", command_options.metrics,
                      "serve Prometheus metrics at http://HOST:PORT/metrics (PORT 0: a free one, printed on stderr)");
  add_format_option(command, command_options.formats, {"text", "html"},
                    "the final report: text (always on stdout) and html:FILE, a page of charts, one per site");
  command->add_option_function<std::string>(
      "--html", [&command_options](const std::string& file) { command_options.formats.push_back("html:" + file); },
      "the same as --format html:FILE");
  command->add_flag("--no-table", command_options.no_table, "one line per sample even on a terminal");
}

// Where a usage error's help is: "goleakcheck parse --help", or the
// top-level help when no subcommand was recognised.
std::string help_for(const CLI::App& app) {
  const auto given = app.get_subcommands();
  return given.empty() ? "goleakcheck --help" : "goleakcheck " + given.front()->get_name() + " --help";
}

// "--format=" with nothing after the '=': CLI11 would take the next
// argument as its value ("--format= --settle 1s" formats as "--settle").
void refuse_empty_values(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") return;  // the program's own arguments
    if (arg.starts_with("--") && arg.ends_with('=') && arg.size() > 3) {
      throw CLI::ValidationError(fmt::format("{} has an empty value: give one after the '=', or leave the option out",
                                             arg.substr(0, arg.size() - 1)));
    }
  }
}

struct AllOptions {
  goleakcheck::cli::RunCommand run;
  goleakcheck::cli::ParseOptions parse;
  goleakcheck::cli::SnapshotOptions snapshot;
  goleakcheck::cli::DiffCommand diff;
  goleakcheck::cli::AnalyzeCommand analyze;
  goleakcheck::cli::WatchCommand watch;
};

// Builds the subcommand named first only, when one is: building every
// command's options is a tenth of a millisecond of each start (a sixth of
// `--version`'s), paid by every check. `--version` needs none. Any other
// first argument (--help, a typo) gets them all, for the top-level help
// and for CLI11's errors, which name the commands there are.
void add_commands(CLI::App& app, AllOptions& options, std::string_view first) {
  constexpr std::array<std::string_view, 6> kCommands = {"run", "parse", "snapshot", "diff", "analyze", "watch"};
  const bool all = first != "--version" && std::find(kCommands.begin(), kCommands.end(), first) == kCommands.end();
  const auto wanted = [&](std::string_view name, std::string_view other = {}) {
    return all || first == name || (!other.empty() && first == other);
  };
  if (wanted("run")) add_run_command(app, options.run);
  if (wanted("parse", "snapshot")) add_offline_commands(app, options.parse, options.snapshot);
  if (wanted("diff", "analyze")) add_compare_commands(app, options.diff, options.analyze);
  if (wanted("watch")) add_watch_command(app, options.watch);
}

// The subcommand given: parse() requires one. (CLI11's got_subcommand
// throws for a name add_commands did not build.)
std::string given_command(const CLI::App& app) { return app.get_subcommands().front()->get_name(); }

ExitCode run_command(const std::string& command, const AllOptions& options) {
  if (command == "parse") return goleakcheck::cli::parse(options.parse);
  if (command == "snapshot") return goleakcheck::cli::snapshot(options.snapshot);
  if (command == "diff") return goleakcheck::cli::diff(options.diff);
  if (command == "analyze") return goleakcheck::cli::analyze(options.analyze);
  if (command == "watch") return goleakcheck::cli::watch(options.watch);
  return goleakcheck::cli::run(options.run);
}

}  // namespace

// Every error ends here: one line "goleakcheck: error: ...", its details
// (the program's stderr tail), and exit status 2.
int main(int argc, char** argv) {
  // A reader that went away (`| head`) is an error we report, not a death.
  std::signal(SIGPIPE, SIG_IGN);
  struct StopOrphansAtExit {
    ~StopOrphansAtExit() { goleakcheck::stop_adopted_orphans(); }
  } stop_orphans_at_exit;
  CLI::App app{"goleakcheck: catch goroutine leaks in a Go program from the outside"};
  app.set_version_flag("--version", std::string("goleakcheck ") + GOLEAKCHECK_VERSION);
  app.require_subcommand(1);
  AllOptions options;
  add_commands(app, options, argc > 1 ? std::string_view(argv[1]) : std::string_view());

  const auto fail = [](const std::string& message, const std::string& details = {}) {
    goleakcheck::wait_if_interrupted();  // the clean-up, not this error, ends the process
    std::cerr << "goleakcheck: error: " << message << "\n" << details;
    return static_cast<int>(ExitCode::check_not_made);
  };
  try {
    refuse_empty_values(argc, argv);
    app.parse(argc, argv);
    // Before anything starts: an interrupted goleakcheck leaves no process,
    // scenario, setsid grandchild or temporary file behind. The commands
    // that only read dumps start none, and skip the thread this takes.
    const std::string command = given_command(app);
    if (command != "parse" && command != "diff" && command != "analyze") {
      goleakcheck::clean_up_on_signals([](int signal) {
        std::_Exit(goleakcheck::cli::interrupted_status(signal));
      });
      goleakcheck::adopt_orphans();
    }
    const ExitCode code = run_command(command, options);
    goleakcheck::wait_if_interrupted();
    // A verdict whose report did not reach stdout (a full disk, a closed
    // pipe) is lost: that is no 0 or 1.
    errno = 0;
    std::cout.flush();
    const bool written = static_cast<bool>(std::cout) && std::fflush(stdout) == 0 && std::ferror(stdout) == 0;
    if (!written) {
      // errno is that of the failed write only when it failed just now.
      return fail(fmt::format("cannot write to stdout ({}): the output is lost; give --output FILE or make room",
                              errno != 0 ? std::strerror(errno) : "a write failed: a full disk, or a closed pipe?"));
    }
    return static_cast<int>(code);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return fail(fmt::format("{} (see {})", e.what(), help_for(app)));
  } catch (const goleakcheck::Error& e) {
    return fail(e.what(), e.details());
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
