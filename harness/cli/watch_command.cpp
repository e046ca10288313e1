#include "watch_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <stop_token>

#include <fmt/format.h>

#include "goleakcheck/duration.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/interrupt.hpp"
#include "goleakcheck/metrics_server.hpp"

namespace goleakcheck::cli {

namespace {

std::string now_text() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M:%S", &local);
  return text;
}

// The final report and the page, each where --format said.
ExitCode finish(const std::vector<ReportTarget>& targets, WatchView view, bool colour) {
  for (const ReportTarget& target : targets) {
    view.colour = colour && target.file.empty();
    write_to(target, [&](std::ostream& out) {
      if (target.format == "html") {
        write_watch_html(out, view);
      } else {
        write_watch_report(out, view);
      }
    });
  }
  if (view.flagged() > 0) return ExitCode::leaks;
  if (const std::string why = why_watch_unproven(view); !why.empty()) throw Error(ErrorKind::snapshot_failed, why);
  return ExitCode::clean;
}

}  // namespace

ExitCode watch(WatchCommand command) {
  // The text report always goes to stdout, after the table or the lines.
  if (std::none_of(command.formats.begin(), command.formats.end(), [](const std::string& f) { return f == "text"; })) {
    command.formats.insert(command.formats.begin(), "text");
  }
  const std::vector<ReportTarget> targets = output_targets(command.formats, {"text", "html"});
  command.watch.ignores = command.rules.user_rules();
  command.watch.default_ignores = !command.rules.no_default_ignores;
  if (command.sources.size() == 1 && std::filesystem::is_directory(command.sources.front())) {
    const WatchView view = watch_directory(
        command.sources.front(), command.watch,
        [](const std::string& note) { std::cerr << "goleakcheck: note: " << note << "\n"; },
        [](const std::string& warning) { std::cerr << "goleakcheck: warning: " << warning << "\n"; });
    return finish(targets, view, false);
  }
  for (const std::string& source : command.sources) {
    if (std::filesystem::is_directory(source)) {
      throw Error(ErrorKind::usage, fmt::format("{} is a directory: watch reads one directory of samples, or URLs", source));
    }
  }
  Watcher watcher(command.sources, command.watch);
  std::optional<MetricsServer> metrics;
  if (!command.metrics.empty()) {
    metrics.emplace(command.metrics);
    std::cerr << fmt::format("goleakcheck: serving metrics at {}\n", metrics->url());
  }
  std::stop_source stop;
  on_first_interrupt([&stop] { stop.request_stop(); });
  // However this function ends, the handler goes with `stop`: from then
  // on an interrupt ends the process.
  struct ForgetHandler {
    ~ForgetHandler() { on_first_interrupt(nullptr); }
  } forget_handler;
  const bool terminal = ::isatty(STDOUT_FILENO) == 1 && !command.no_table;
  const bool colour = terminal && colour_for_stdout();
  watcher.run(stop.get_token(), [&](WatchView view) {
    view.colour = colour;
    if (metrics) metrics->publish(render_watch_metrics(view));
    if (terminal) {
      std::ostringstream screen;
      screen << "\x1b[H\x1b[2J" << fmt::format("goleakcheck watch  {}  every {}  (Ctrl-C for the report)\n\n",
                                               now_text(), format_duration(command.watch.interval));
      write_watch_table(screen, view);
      std::cout << screen.str() << std::flush;
    } else {
      write_watch_line(std::cout, view, now_text());
      std::cout.flush();
    }
  });
  on_first_interrupt(nullptr);  // the report is being written: an interrupt now ends the process
  if (terminal) std::cout << '\n';
  return finish(targets, watcher.view(), colour);
}

}  // namespace goleakcheck::cli
