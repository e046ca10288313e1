#include "goleakcheck/watcher.hpp"

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>

#include <fmt/format.h>

#include "goleakcheck/diff.hpp"
#include "goleakcheck/duration.hpp"
#include "goleakcheck/endpoint.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/profile.hpp"
#include "goleakcheck/source.hpp"

namespace goleakcheck {

namespace {

constexpr std::string_view kLeakProfilePath = "/debug/pprof/goroutineleak?debug=1";

// One service being watched.
struct Target {
  HttpClient client;
  TargetStatus status;
  std::optional<bool> serves_proof;  // unknown until asked
  std::chrono::steady_clock::time_point next_proof{};
};

// A profile read whole, or an Error saying what came back instead.
Profile fetch_profile(HttpClient& client, std::string_view path, const FetchLimits& limits) {
  std::string body;
  const HttpResponse response = fetch_pprof(client, path, limits, [&](std::string_view chunk) { body.append(chunk); });
  Profile profile = parse_profile(body);
  if (!profile.total) {
    throw Error(ErrorKind::not_a_dump, fmt::format("{} is not a goroutine profile: {}",
                                                   client.endpoint().url() + std::string(path), describe_answer(response)));
  }
  if (profile.truncated || response.cut) {
    throw Error(ErrorKind::snapshot_failed, fmt::format("{} was cut off: its counts fall short of its total of {}",
                                                        client.endpoint().url() + std::string(path), *profile.total));
  }
  return profile;
}

SiteWatch site_watch_of(const WatchOptions& options) {
  return SiteWatch(options.rules, options.user_code, rules_in_force(options.ignores, options.default_ignores));
}

WatchView view_of(const SiteWatch& watch, std::vector<TargetStatus> targets) {
  WatchView view;
  view.sites = watch.sites();
  view.targets = std::move(targets);
  view.span_seconds = watch.span_seconds();
  return view;
}

}  // namespace

struct Watcher::State {
  WatchOptions options;
  SiteWatch watch;
  std::vector<Target> targets;

  void sample(Target& target);
};

void Watcher::State::sample(Target& target) {
  try {
    const Profile profile = fetch_profile(target.client, kGoroutineProfilePath, options.fetch);
    watch.add(target.status.target, SiteWatch::Clock::now(), profile);
    ++target.status.samples;
    target.status.last_error.clear();
  } catch (const Error& e) {
    ++target.status.errors;
    target.status.last_error = e.what();
    return;
  }
  // The runtime's proof costs the target a GC cycle: at most once per
  // proof_interval, and never again where it is not served.
  const auto now = std::chrono::steady_clock::now();
  if (target.serves_proof == false || now < target.next_proof) return;
  target.next_proof = now + options.proof_interval;
  try {
    std::string body;
    const HttpResponse response =
        target.client.get(kLeakProfilePath, options.fetch, [&](std::string_view chunk) { body.append(chunk); });
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

Watcher::Watcher(const std::vector<std::string>& targets, WatchOptions options)
    : state_(std::make_unique<State>(State{options, site_watch_of(options), {}})) {
  for (const std::string& source : targets) {
    state_->targets.push_back(Target{HttpClient(Endpoint::parse(source)), TargetStatus{source, 0, 0, {}, false}, {}, {}});
  }
}
Watcher::Watcher(Watcher&&) noexcept = default;
Watcher& Watcher::operator=(Watcher&&) noexcept = default;
Watcher::~Watcher() = default;

void Watcher::sample() {
  for (Target& target : state_->targets) state_->sample(target);
}

void Watcher::run(std::stop_token stop, const std::function<void(const WatchView&)>& after_sample) {
  std::mutex mutex;
  std::condition_variable_any stopped;
  const auto start = std::chrono::steady_clock::now();
  const auto& options = state_->options;
  const auto end = options.duration.count() > 0 ? start + options.duration : std::chrono::steady_clock::time_point::max();
  for (auto next = start;;) {
    sample();
    if (after_sample) after_sample(view());
    next = std::max(next + options.interval, std::chrono::steady_clock::now());
    if (next > end) return;
    std::unique_lock lock(mutex);
    stopped.wait_until(lock, stop, next, [] { return false; });  // until `next`, or a stop request
    if (stop.stop_requested()) return;
  }
}

WatchView Watcher::view() const {
  std::vector<TargetStatus> statuses;
  for (const Target& target : state_->targets) statuses.push_back(target.status);
  return view_of(state_->watch, std::move(statuses));
}

const WatchOptions& Watcher::options() const { return state_->options; }

WatchView watch_directory(const std::string& dir, const WatchOptions& options,
                          const std::function<void(const std::string&)>& note,
                          const std::function<void(const std::string&)>& warn) {
  SiteWatch watch = site_watch_of(options);
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
    if (note) {
      note(fmt::format("the files' modification times do not rise with their names; taking them {} apart",
                       format_duration(options.interval)));
    }
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
      if (warn) warn(status.last_error);
    }
  }
  return view_of(watch, {status});
}

std::string why_watch_unproven(const WatchView& view) {
  if (view.flagged() > 0) return {};
  for (const TargetStatus& t : view.targets) {
    if (t.errors > 0 || t.samples == 0) {
      return fmt::format("{}: {} of {} samples could not be read (last: {}); no site was flagged, but what was "
                         "not read proves nothing",
                         t.target, t.errors, t.samples + t.errors, t.last_error.empty() ? "-" : t.last_error);
    }
  }
  return {};
}

}  // namespace goleakcheck
