#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "goleakcheck/footprint.hpp"
#include "goleakcheck/watch.hpp"
#include "goleakcheck/source_lines.hpp"

namespace goleakcheck {

namespace {

// What a profile's innermost frames say the goroutine waits on. The first
// match wins, so the read lock comes before the write lock.
std::string_view state_from_frames(std::span<const Frame> frames) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kWaits{{
      {"sync.runtime_SemacquireWaitGroup", "sync.WaitGroup.Wait"},
      {"sync.(*WaitGroup).Wait", "sync.WaitGroup.Wait"},
      {"sync.runtime_SemacquireRWMutexR", "sync.RWMutex.RLock"},
      {"sync.(*RWMutex).RLock", "sync.RWMutex.RLock"},
      {"sync.runtime_SemacquireRWMutex", "sync.RWMutex.Lock"},
      {"sync.(*RWMutex).Lock", "sync.RWMutex.Lock"},
      {"sync.runtime_SemacquireMutex", "sync.Mutex.Lock"},
      {"sync.(*Mutex).Lock", "sync.Mutex.Lock"},
      {"internal/sync.runtime_SemacquireMutex", "sync.Mutex.Lock"},  // Go 1.24+
      {"internal/sync.(*Mutex).lockSlow", "sync.Mutex.Lock"},
      {"internal/sync.(*Mutex).Lock", "sync.Mutex.Lock"},
      {"sync.runtime_notifyListWait", "sync.Cond.Wait"},
      {"time.Sleep", "sleep"},
      {"internal/poll.runtime_pollWait", "IO wait"},
  }};
  for (const Frame& frame : frames.first(std::min<std::size_t>(frames.size(), 3))) {
    for (const auto& [function, state] : kWaits) {
      if (frame.function == function) return state;
    }
  }
  return {};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// What a blocking line of Go does, when it plainly does one thing.
std::string_view state_from_line(std::string_view line) {
  line = trim(line);
  if (line.starts_with("select {") || line == "select{}" || line == "select {}") return "select";
  if (line.starts_with("for ") && line.find(" range ") != std::string_view::npos) return "chan receive";
  if (line.starts_with("case ")) return "select";
  const std::size_t arrow = line.find("<-");
  if (arrow == std::string_view::npos) return {};
  const std::string_view before = trim(line.substr(0, arrow));
  // `ch <- v`: an expression before the arrow; `v := <-ch`, `<-ch`,
  // `return <-ch`, `f(<-ch)`: none, or an assignment or call before it.
  if (!before.empty() && before.find_first_of("=(,:") == std::string_view::npos && !before.starts_with("return")) {
    return "chan send";
  }
  return "chan receive";
}

OwnedFrame owned(const Frame& f) { return {std::string(f.function), std::string(f.file), f.line}; }

}  // namespace

std::string format_frame(const OwnedFrame& frame) {
  return frame.function + " " + frame.file + ":" + std::to_string(frame.line);
}

// One site's share of one sample: its key, its count, and its description
// when the watch has not seen the site before.
struct SiteWatch::Sample {
  std::string key;
  std::uint64_t count = 0;
  std::optional<WatchedSite> site;
};

SiteWatch::SiteWatch(WatchRules rules, UserCode user, std::vector<Ignore> ignores)
    : rules_(rules), user_(std::move(user)), ignores_(std::move(ignores)), sources_(std::make_unique<SourceLines>()) {}
SiteWatch::SiteWatch(SiteWatch&&) noexcept = default;
SiteWatch& SiteWatch::operator=(SiteWatch&&) noexcept = default;
SiteWatch::~SiteWatch() = default;

namespace {

// What tells sites apart: the target, the state, where they block, and the
// user's frame that leads there.
std::string site_key(std::string_view target, std::string_view state, const Frame& site, const Frame* user) {
  std::string key;
  for (const std::string_view part : {target, state, site.function, site.file}) {
    key.append(part);
    key += '\0';
  }
  key += std::to_string(site.line);
  if (user != nullptr) {
    for (const std::string_view part : {user->function, user->file}) {
      key += '\0';
      key.append(part);
    }
    key += '\0' + std::to_string(user->line);
  }
  return key;
}

WatchedSite describe(std::string_view target, const Goroutine& g, const Frame& site, const UserOrigin& origin,
                     std::string_view blocking_line) {
  WatchedSite w;
  w.target = std::string(target);
  w.state = std::string(g.state);
  w.site = owned(site);
  if (origin.frame != nullptr) {
    w.user_frame = owned(*origin.frame);
    w.user_started_it = origin.started_it;
  }
  for (const Frame& f : g.frames) w.stack.push_back(owned(f));
  for (const Label& l : g.labels) w.labels.emplace_back(l.key, l.value);
  w.hint = leak_hint(g, origin, blocking_line);
  return w;
}

}  // namespace

// The goroutine's share of the sample: described in full only for a site
// not seen before.
std::optional<SiteWatch::Sample> SiteWatch::sample_of(std::string_view target, const Goroutine& g,
                                                      std::uint64_t count, std::string_view blocking_line) const {
  const Frame* site = g.blocking_site();
  if (site == nullptr) return std::nullopt;
  if (first_matching_rule(ignores_, g)) return std::nullopt;
  const UserOrigin origin = user_origin(g, user_);
  Sample s{site_key(target, g.state, *site, origin.frame), count, std::nullopt};
  if (!index_.contains(s.key)) s.site = describe(target, g, *site, origin, blocking_line);
  return s;
}

void SiteWatch::add(std::string_view target, Clock::time_point at, const Profile& profile) {
  std::vector<Sample> sample;
  for (const StackCount& stack : profile.stacks) {
    Goroutine g;
    g.frames = stack.frames;
    g.labels = stack.labels;
    if (is_snapshot_footprint(g)) continue;
    g.state = state_from_frames(stack.frames);
    std::string_view line;
    if (const Frame* site = stack.blocking_site(); site != nullptr) {
      line = sources_->text(std::string(site->file), site->line);
      if (g.state.empty()) g.state = state_from_line(line);
    }
    if (std::optional<Sample> s = sample_of(target, g, stack.count, line)) sample.push_back(std::move(*s));
  }
  add_sample(target, at, sample);
}

void SiteWatch::add(std::string_view target, Clock::time_point at, const Snapshot& dump) {
  std::vector<Sample> sample;
  for (const Goroutine& g : dump.goroutines) {
    if (!g.blocked() || is_snapshot_footprint(g)) continue;
    std::string_view line;
    if (const Frame* site = g.blocking_site(); site != nullptr) line = sources_->text(std::string(site->file), site->line);
    if (std::optional<Sample> s = sample_of(target, g, 1, line)) sample.push_back(std::move(*s));
  }
  add_sample(target, at, sample);
}

void SiteWatch::add_sample(std::string_view target, Clock::time_point at, std::vector<Sample>& sample) {
  if (!first_) first_ = at;
  last_ = std::max(last_.value_or(at), at);
  const double seconds = std::chrono::duration<double>(at - *first_).count();
  auto times = std::find_if(sample_times_.begin(), sample_times_.end(), [&](const auto& s) { return s.first == target; });
  if (times == sample_times_.end()) times = sample_times_.insert(sample_times_.end(), {std::string(target), {}});
  const std::vector<double> earlier = times->second;
  times->second.push_back(seconds);
  std::vector<bool> seen(sites_.size(), false);
  for (Sample& s : sample) {
    const auto [entry, is_new] = index_.try_emplace(s.key, sites_.size());
    if (is_new) {
      // Described when its key was new; a second stack at the same site in
      // this sample finds it here.
      WatchedSite w = std::move(*s.site);
      // Absent from the target's earlier samples: none there then.
      for (const double t : earlier) w.points.push_back({t, 0});
      sites_.push_back(std::move(w));
      seen.push_back(false);
    }
    const std::size_t index = entry->second;
    if (seen[index]) {
      sites_[index].points.back().count += s.count;  // another stack with the same site
    } else {
      sites_[index].points.push_back({seconds, s.count});
      seen[index] = true;
    }
  }
  for (std::size_t i = 0; i < sites_.size(); ++i) {
    if (!seen[i] && sites_[i].target == target) sites_[i].points.push_back({seconds, 0});
  }
}

void SiteWatch::add_proof(std::string_view target, const Profile& leaked) {
  for (WatchedSite& w : sites_) {
    if (w.target == target) w.proven = 0;
  }
  for (const StackCount& stack : leaked.stacks) {
    const Frame* site = stack.blocking_site();
    if (site == nullptr) continue;
    const OwnedFrame where = owned(*site);
    for (WatchedSite& w : sites_) {
      if (w.target == target && w.site == where) {
        w.proven += stack.count;
        break;  // one site takes the count
      }
    }
  }
}

std::vector<WatchedSite> SiteWatch::sites() const {
  std::vector<WatchedSite> judged = sites_;
  for (WatchedSite& w : judged) w.trend = judge_site(w.points, rules_, w.proven > 0);
  std::stable_sort(judged.begin(), judged.end(), [](const WatchedSite& a, const WatchedSite& b) {
    return std::make_tuple(!a.flagged(), b.count()) < std::make_tuple(!b.flagged(), a.count());
  });
  return judged;
}

std::size_t SiteWatch::samples(std::string_view target) const {
  const auto it = std::find_if(sample_times_.begin(), sample_times_.end(), [&](const auto& s) { return s.first == target; });
  return it == sample_times_.end() ? 0 : it->second.size();
}

double SiteWatch::span_seconds() const {
  return first_ && last_ ? std::chrono::duration<double>(*last_ - *first_).count() : 0;
}

}  // namespace goleakcheck
