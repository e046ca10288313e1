// Watching running services, LeakProf style (goleakcheck watch): goroutines
// counted per blocking site at each sample, and the sites where they keep
// piling up flagged, with why.
//
// A sample is a debug=1 profile (cheap: the runtime groups goroutines by
// stack without stopping the world for the whole walk) or, read offline, a
// debug=2 dump. A debug=1 profile carries no wait states: a site's state is
// then what its innermost frame says (sync.WaitGroup.Wait, sync.Mutex.Lock,
// sleep, IO wait) or, where the source is on this machine, what its
// blocking line does (`ch <- v` is a chan send, `<-ch` a chan receive, a
// `range` a receive, `select` a select); else empty.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/hints.hpp"
#include "goleakcheck/ignore.hpp"
#include "goleakcheck/profile.hpp"
#include "goleakcheck/site_analysis.hpp"
#include "goleakcheck/user_code.hpp"

namespace goleakcheck {

class SourceLines;

// When a site is flagged. A plain value.
struct WatchRules {
  // Growing: the counts rise steadily enough that chance is ruled out
  // (Mann-Kendall's trend test, one-sided, at this significance: with
  // 0.001, it takes 8 samples with at least 27 of their 28 pairs rising);
  // the latest count is a new high, above every earlier sample's (before
  // the window's latest third) by `min_growth` and by three times the
  // noise (the median distance of the counts from their trend line); and
  // that latest third (at least 3 samples) still rises.
  // A pool that fills up and then stays put is never growing, however
  // large. One whose idle count wanders within its size can look like a
  // leak only while its history is short: over 2,000 simulated pools of
  // 60 samples each, judged at every sample, 3 of 120,000 judgements
  // flagged one, all at 11 or 12 samples (tests/unit/watch_test.cpp).
  double significance = 0.001;
  std::uint64_t min_growth = 3;
  // Only the last `window` samples are judged, so that a leak that starts
  // late is not diluted by a long flat history.
  std::size_t window = 60;
  // LeakProf's rule: a site with this many goroutines is flagged whatever
  // its trend. 0 turns it off. The same default as analyze's (SiteRules).
  std::uint64_t min_count = kSiteMinCount;
};

// A site's count at one sample, `seconds` after the watch's first sample.
struct SitePoint {
  double seconds = 0;
  std::uint64_t count = 0;
};

enum class SiteFlag {
  none,
  growing,     // the trend test
  over_count,  // WatchRules::min_count
  proven,      // the Go runtime proved goroutines here leaked
};

struct SiteTrend {
  SiteFlag flag = SiteFlag::none;
  // Theil-Sen slope (the median of the slopes between every two samples)
  // over the window, or over its latest third when most of the window is
  // flat: goroutines per hour, robust to a few odd samples.
  double per_hour = 0;
  // Kendall's tau in [-1, 1]: 1 when every later sample is higher.
  double tau = 0;
  std::size_t samples = 0;  // judged (the window)
};

// Judges one site's series, oldest first. Pure; O(n^2) in the window.
SiteTrend judge_site(std::span<const SitePoint> points, const WatchRules& rules, bool proven);

// One frame, owning its text (a watch outlives every sample it reads).
struct OwnedFrame {
  std::string function;
  std::string file;
  int line = 0;

  friend bool operator==(const OwnedFrame&, const OwnedFrame&) = default;
};

// "function file:line", as every report prints a frame.
std::string format_frame(const OwnedFrame& frame);

// One blocking site of one target over time.
struct WatchedSite {
  std::string target;
  std::string state;  // empty when the samples do not say (debug=1)
  OwnedFrame site;    // where its goroutines block
  std::optional<OwnedFrame> user_frame;  // the user's frame that leads there
  bool user_started_it = false;          // that frame started the goroutines
  std::vector<OwnedFrame> stack;  // one goroutine's stack, innermost first
  std::vector<std::pair<std::string, std::string>> labels;  // of that stack
  std::optional<LeakHint> hint;
  std::vector<SitePoint> points;  // one per sample of the target, 0 where absent
  std::uint64_t proven = 0;       // goroutines proven leaked at the last proof
  SiteTrend trend;

  std::uint64_t count() const { return points.empty() ? 0 : points.back().count; }
  bool flagged() const { return trend.flag != SiteFlag::none; }
};

// Samples in, judged sites out. Not thread-safe. A sample costs
// O(stacks x frames + sites) time and O(sites) memory.
class SiteWatch {
 public:
  using Clock = std::chrono::system_clock;

  // Goroutines that one of `ignores` matches are counted at no site (tried
  // in order; rules_in_force gives the user's and the defaults).
  explicit SiteWatch(WatchRules rules = {}, UserCode user = {}, std::vector<Ignore> ignores = {});
  SiteWatch(SiteWatch&&) noexcept;
  SiteWatch& operator=(SiteWatch&&) noexcept;
  ~SiteWatch();

  // One sample of `target`. Goroutines that exist only because a sample is
  // being taken (is_snapshot_footprint: the pprof handler, the
  // connection's background reader) are not counted. In a dump only blocked
  // goroutines count; a profile has no states, so every stack counts, and
  // running ones show as noise the trend test rules out.
  void add(std::string_view target, Clock::time_point at, const Profile& profile);
  void add(std::string_view target, Clock::time_point at, const Snapshot& dump);
  // The runtime's proof (the goroutineleak profile): its stacks' sites are
  // flagged at once.
  void add_proof(std::string_view target, const Profile& leaked);

  // Every site, judged: flagged ones first, then by count, largest first.
  std::vector<WatchedSite> sites() const;
  std::size_t samples(std::string_view target) const;
  // Seconds from the first sample of any target to the last.
  double span_seconds() const;

 private:
  struct Sample;
  std::optional<Sample> sample_of(std::string_view target, const Goroutine& g, std::uint64_t count,
                                  std::string_view blocking_line) const;
  void add_sample(std::string_view target, Clock::time_point at, std::vector<Sample>& sample);

  WatchRules rules_;
  UserCode user_;
  std::vector<Ignore> ignores_;
  // Blocking lines, read where the source is on this machine: a profile's
  // channel waits are told apart by them.
  std::unique_ptr<SourceLines> sources_;
  std::optional<Clock::time_point> first_;
  std::optional<Clock::time_point> last_;
  std::vector<WatchedSite> sites_;
  std::unordered_map<std::string, std::size_t> index_;  // site key -> sites_
  std::vector<std::pair<std::string, std::vector<double>>> sample_times_;  // per target, seconds
};

}  // namespace goleakcheck
