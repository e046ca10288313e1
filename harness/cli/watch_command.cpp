#include "watch_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "dump_parts.hpp"
#include "goleakcheck/diff.hpp"
#include "goleakcheck/dump.hpp"
#include "goleakcheck/duration.hpp"
#include "goleakcheck/endpoint.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/http_client.hpp"
#include "goleakcheck/interrupt.hpp"
#include "goleakcheck/metrics_server.hpp"
#include "goleakcheck/profile.hpp"
#include "goleakcheck/watch_report.hpp"

namespace goleakcheck::cli {

namespace {

constexpr std::string_view kLeakProfilePath = "/debug/pprof/goroutineleak?debug=1";

// One service being watched.
struct Target {
  HttpClient client;
  TargetStatus status;
  std::optional<bool> serves_proof;  // unknown until asked
  std::chrono::steady_clock::time_point next_proof{};
};

// Ends the wait between samples early on an interrupt.
class StopSignal {
 public:
  void stop() {
    {
      const std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    changed_.notify_all();
  }
  // Waits until `until`; true when stopped.
  bool wait_until(std::chrono::steady_clock::time_point until) {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, until, [this] { return stopped_; });
  }
  bool stopped() {
    const std::lock_guard lock(mutex_);
    return stopped_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopped_ = false;
};

std::string now_text() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M:%S", &local);
  return text;
}

// A profile read whole, or an Error saying what came back instead.
Profile fetch_profile(HttpClient& client, std::string_view path, const FetchLimits& limits) {
  std::string body;
  const HttpResponse response = fetch_pprof(client, path, limits, [&](std::string_view chunk) { body.append(chunk); });
  Profile profile = parse_profile(body);
  if (!profile.total) {
    throw Error(ErrorKind::not_a_dump,
                fmt::format("{} is not a goroutine profile: {}", client.endpoint().url() + std::string(path), describe_answer(response)));
  }
  if (profile.truncated || response.cut) {
    throw Error(ErrorKind::snapshot_failed,
                fmt::format("{} was cut off: its counts fall short of its total of {}", client.endpoint().url() + std::string(path),
                            *profile.total));
  }
  return profile;
}

void sample(Target& target, SiteWatch& watch, const WatchOptions& options) {
  FetchLimits limits;
  limits.deadline = options.sample_timeout;
  try {
    const Profile profile = fetch_profile(target.client, kGoroutineProfilePath, limits);
    watch.add(target.status.target, SiteWatch::Clock::now(), profile);
    ++target.status.samples;
    target.status.last_error.clear();
  } catch (const Error& e) {
    ++target.status.errors;
    target.status.last_error = e.what();
    return;
  }
  // The runtime's proof costs the target a GC cycle: at most once per
  // --proof-interval, and never again where it is not served.
  const auto now = std::chrono::steady_clock::now();
  if (target.serves_proof == false || now < target.next_proof) return;
  target.next_proof = now + options.proof_interval;
  try {
    std::string body;
    const HttpResponse response =
        target.client.get(kLeakProfilePath, limits, [&](std::string_view chunk) { body.append(chunk); });
    if (response.status == 404) {
      target.serves_proof = false;
      return;
    }
    const Profile leaked = parse_profile(body);
    if (response.status != 200 || !leaked.total || leaked.truncated) return;  // no proof this time; the counts stand
    target.serves_proof = true;
    target.status.proof_served = true;
    watch.add_proof(target.status.target, leaked);
  } catch (const Error&) {
    // The profile was read; a proof that failed proves nothing either way.
  }
}

WatchView view_of(const SiteWatch& watch, const std::vector<TargetStatus>& targets, bool colour) {
  WatchView view;
  view.sites = watch.sites();
  view.targets = targets;
  view.span_seconds = watch.span_seconds();
  view.colour = colour;
  return view;
}

void write_html(const std::string& path, const WatchView& view) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  write_watch_html(out, view);
  out.close();
  if (!out) throw Error(ErrorKind::io, fmt::format("cannot write the HTML page to {}", path));
}

ExitCode verdict(const WatchView& view) {
  if (view.flagged() > 0) {
    return ExitCode::leaks;
  }
  for (const TargetStatus& t : view.targets) {
    if (t.errors > 0 || t.samples == 0) {
      throw Error(ErrorKind::snapshot_failed,
                  fmt::format("{}: {} of {} samples could not be read (last: {}); no site was flagged, but what was "
                              "not read proves nothing",
                              t.target, t.errors, t.samples + t.errors, t.last_error.empty() ? "-" : t.last_error));
    }
  }
  return ExitCode::clean;
}

// Samples saved over time: every file of `dir`, in name order, each a
// debug=1 profile or a debug=2 dump, taken at its modification time (or
// --interval apart when those do not rise with the names).
ExitCode watch_directory(const std::string& dir, const WatchOptions& options, SiteWatch& watch) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && !entry.path().filename().string().starts_with('.')) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw Error(ErrorKind::io, fmt::format("{} holds no samples: give a directory of saved dumps or profiles", dir));
  std::vector<SiteWatch::Clock::time_point> times;
  for (const auto& file : files) {
    const auto written = std::filesystem::last_write_time(file);
    times.push_back(std::chrono::time_point_cast<SiteWatch::Clock::duration>(std::chrono::file_clock::to_sys(written)));
  }
  const bool rising = std::adjacent_find(times.begin(), times.end(), std::greater_equal<>()) == times.end();
  if (!rising) {
    std::cerr << fmt::format(
        "goleakcheck: note: the files' modification times do not rise with their names; taking them {} apart\n",
        format_duration(options.interval));
    for (std::size_t i = 0; i < times.size(); ++i) times[i] = times[0] + options.interval * static_cast<int>(i);
  }
  TargetStatus status{dir, 0, 0, {}, false};
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string path = files[i].string();
    std::string text;
    const bool cut = read_source(path, FetchLimits{}, [&](std::string_view chunk) { text.append(chunk); });
    std::string problem;
    if (looks_like_profile(text)) {
      const Profile profile = parse_profile(text);
      if (profile.truncated || cut) problem = "the profile was cut off";
      if (profile.name == "goroutineleak") {
        watch.add_proof(dir, profile);
        continue;
      }
      if (problem.empty()) watch.add(dir, times[i], profile);
    } else {
      const Snapshot dump = parse_dump(text);
      problem = why_not_a_dump(dump);
      if (problem.empty() && (dump.truncated || cut)) problem = "the dump was cut off";
      if (problem.empty()) watch.add(dir, times[i], dump);
    }
    if (problem.empty()) {
      ++status.samples;
    } else {
      ++status.errors;
      status.last_error = fmt::format("{}: {}", path, problem);
      std::cerr << fmt::format("goleakcheck: warning: {}\n", status.last_error);
    }
  }
  const WatchView view = view_of(watch, {status}, false);
  write_watch_report(std::cout, view);
  if (!options.html.empty()) write_html(options.html, view);
  return verdict(view);
}

}  // namespace

ExitCode watch(const WatchOptions& options) {
  UserCode user{options.modules};
  SiteWatch watch(options.rules, user);
  if (options.sources.size() == 1 && std::filesystem::is_directory(options.sources.front())) {
    return watch_directory(options.sources.front(), options, watch);
  }
  std::vector<Target> targets;
  for (const std::string& source : options.sources) {
    if (std::filesystem::is_directory(source)) {
      throw Error(ErrorKind::usage, fmt::format("{} is a directory: watch reads one directory of samples, or URLs", source));
    }
    targets.push_back(Target{HttpClient(Endpoint::parse(source)), TargetStatus{source, 0, 0, {}, false}, {}, {}});
  }
  std::optional<MetricsServer> metrics;
  if (!options.metrics.empty()) {
    metrics.emplace(options.metrics);
    std::cerr << fmt::format("goleakcheck: serving metrics at {}\n", metrics->url());
  }
  StopSignal stop;
  on_first_interrupt([&stop] { stop.stop(); });
  // However this function ends, the handler goes with `stop`: from then
  // on an interrupt ends the process.
  struct ForgetHandler {
    ~ForgetHandler() { on_first_interrupt(nullptr); }
  } forget_handler;
  const bool terminal = ::isatty(STDOUT_FILENO) == 1 && !options.no_table;
  const bool colour = terminal && std::getenv("NO_COLOR") == nullptr;
  const auto start = std::chrono::steady_clock::now();
  // Without --duration, until interrupted.
  const auto end = options.duration.count() > 0 ? start + options.duration : std::chrono::steady_clock::time_point::max();
  std::vector<TargetStatus> statuses;
  for (auto next = start;;) {
    for (Target& target : targets) sample(target, watch, options);
    statuses.clear();
    for (const Target& target : targets) statuses.push_back(target.status);
    const WatchView view = view_of(watch, statuses, colour);
    if (metrics) metrics->publish(render_watch_metrics(view));
    if (terminal) {
      std::ostringstream screen;
      screen << "\x1b[H\x1b[2J" << fmt::format("goleakcheck watch  {}  every {}  (Ctrl-C for the report)\n\n",
                                               now_text(), format_duration(options.interval));
      write_watch_table(screen, view);
      std::cout << screen.str() << std::flush;
    } else {
      write_watch_line(std::cout, view, now_text());
      std::cout.flush();
    }
    // A sample slower than the interval (a huge service) delays the next
    // one rather than queueing them up.
    next = std::max(next + options.interval, std::chrono::steady_clock::now());
    if (next > end) break;
    if (stop.wait_until(next)) break;
  }
  on_first_interrupt(nullptr);  // the report is being written: an interrupt now ends the process
  const WatchView view = view_of(watch, statuses, colour);
  if (terminal) std::cout << '\n';
  write_watch_report(std::cout, view);
  std::cout.flush();
  if (!options.html.empty()) write_html(options.html, view);
  return verdict(view);
}

}  // namespace goleakcheck::cli
