// Watching running services (goleakcheck watch), or reading samples saved
// over time: the sampling loop around SiteWatch. A Watcher fetches one
// debug=1 profile per target per interval, and now and then the runtime's
// proof; what it saw is a WatchView (watch_report.hpp) for the writers.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "goleakcheck/http_client.hpp"
#include "goleakcheck/ignore.hpp"
#include "goleakcheck/user_code.hpp"
#include "goleakcheck/watch.hpp"
#include "goleakcheck/watch_report.hpp"

namespace goleakcheck {

// How a watch samples and judges. A plain value; every default here is the
// command's.
struct WatchOptions {
  std::chrono::milliseconds interval{std::chrono::seconds(30)};  // between samples
  std::chrono::milliseconds duration{0};                         // 0: until stopped
  // The runtime's proof (/debug/pprof/goroutineleak) costs the target a GC
  // cycle: asked at most this often, and never again where it is not served.
  std::chrono::milliseconds proof_interval{std::chrono::minutes(5)};
  // One sample's request, connect to last byte: a debug=1 profile of
  // 200,000 goroutines takes over a second to write.
  FetchLimits fetch;
  WatchRules rules;
  UserCode user_code;
  // Your rules for goroutines to count at no site, tried first; then the
  // defaults unless `default_ignores` is false.
  std::vector<Ignore> ignores;
  bool default_ignores = true;
};

// Samples in, sites judged. Not thread-safe: one thread drives it (run()
// may be stopped from any thread through its stop_token).
class Watcher {
 public:
  // `targets`: http://host:port of each service. Throws Error(ErrorKind::usage)
  // for one that is no such URL. Connects to nothing yet.
  explicit Watcher(const std::vector<std::string>& targets, WatchOptions options = {});
  Watcher(Watcher&&) noexcept;
  Watcher& operator=(Watcher&&) noexcept;
  ~Watcher();

  // One sample of every target, in order. A sample that cannot be read
  // (no answer, not a profile, cut off) counts as an error in the target's
  // status, never as a sample; nothing is thrown. Takes at most one fetch
  // deadline per target, two when the proof is asked for.
  void sample();

  // Samples at once and then every `interval` until `duration` has passed
  // or `stop` is requested, calling `after_sample` (on this thread) after
  // each round. A round slower than the interval delays the next rather
  // than queueing them up. A stop request ends the wait between rounds at
  // once; a round under way is finished first.
  void run(std::stop_token stop, const std::function<void(const WatchView&)>& after_sample = {});

  // What was seen so far.
  WatchView view() const;
  const WatchOptions& options() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Samples saved over time: every file of `dir` (not dot files), in name
// order, each a debug=1 profile, a goroutineleak profile (the proof) or a
// debug=2 dump, taken at its modification time, or `options.interval`
// apart when those do not rise with the names (`note` is told so). A file
// that is no whole sample is an error of the one target, named `dir`, and
// told to `warn`. Throws Error(ErrorKind::io) when `dir` holds no file.
WatchView watch_directory(const std::string& dir, const WatchOptions& options,
                          const std::function<void(const std::string&)>& note = {},
                          const std::function<void(const std::string&)>& warn = {});

// Why a watch with no flagged site proves nothing, or empty: a target gave
// no sample, or some could not be read. Flagged sites are a verdict anyway.
std::string why_watch_unproven(const WatchView& view);

}  // namespace goleakcheck
