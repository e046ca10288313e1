#include "goleakcheck/checker.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "backoff.hpp"
#include "goleakcheck/dump.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/idle_connection.hpp"

namespace goleakcheck {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kFirstPause = std::chrono::milliseconds(5);
constexpr auto kLongestPause = std::chrono::milliseconds(200);
// How long a failed request waits to learn whether the program died.
constexpr auto kExitWait = std::chrono::milliseconds(200);

// `which` is "baseline" or "after-scenario".
std::string why_ids_not_compared(const Snapshot& cut, std::string_view which) {
  const std::size_t read = cut.goroutines.size();
  return fmt::format("the {} goroutine dump was cut off after {} bytes ({} goroutine{} read){}, so goroutine ids "
                     "cannot be compared; compared debug=1 counts per stack instead",
                     which, cut.bytes, read, read == 1 ? "" : "s",
                     cut.bytes == kRuntimeDumpCap ? ": the runtime's 64 MiB cap" : "");
}

// A debug=1 stack seen as a goroutine, for the rules that need only frames
// and labels: the footprint, idle connections and ignore rules. It has no
// id or creator, and its state is not known: it counts as blocked, since
// what a check reports of it is that it stayed.
Goroutine as_goroutine(const StackCount& stack) {
  Goroutine g;
  g.state = "unknown";
  g.frames = stack.frames;
  g.labels = stack.labels;
  return g;
}

// What becomes of one new goroutine (or, counting, one grown stack).
struct Triage {
  enum Kind { footprint, idle_connection, ignored, reported } kind;
  std::size_t rule = 0;  // for `ignored`: which of CheckOptions::ignores
};

Triage triage(const Goroutine& g, const CheckOptions& options) {
  if (is_snapshot_footprint(g)) return {Triage::footprint};
  if (!options.idle_connections_are_leaks && classify_idle_connection(g) != IdleConnection::none) {
    return {Triage::idle_connection};
  }
  const auto rule =
      std::find_if(options.ignores.begin(), options.ignores.end(), [&](const Ignore& i) { return i.matches(g); });
  if (rule != options.ignores.end()) return {Triage::ignored, static_cast<std::size_t>(rule - options.ignores.begin())};
  return {Triage::reported};
}

// New goroutines of one after-snapshot, sorted into what the verdict needs.
struct Sorted {
  std::vector<const Goroutine*> blocked;
  std::vector<const Goroutine*> active;
  std::vector<const Goroutine*> idle_connections;
  std::size_t ignored = 0;
  std::vector<std::size_t> hits;  // per ignore rule
};

Sorted sort_new_goroutines(const Snapshot& after, const Baseline& baseline, const CheckOptions& options) {
  Sorted sorted;
  sorted.hits.assign(options.ignores.size(), 0);
  for (const Goroutine& g : after.goroutines) {
    if (baseline.contains(g.id)) continue;
    const Triage t = triage(g, options);
    switch (t.kind) {
      case Triage::footprint: break;
      case Triage::idle_connection: sorted.idle_connections.push_back(&g); break;
      case Triage::ignored:
        ++sorted.ignored;
        ++sorted.hits[t.rule];
        break;
      case Triage::reported: (g.blocked() ? sorted.blocked : sorted.active).push_back(&g); break;
    }
  }
  return sorted;
}

// The frames two readers both show for a stack: debug=1 and debug=2 hide
// different runtime frames, so those are left out of the comparison.
bool same_user_frames(std::span<const Frame> a, std::span<const Frame> b) {
  const auto user = [](const Frame& f) { return !f.function.starts_with("runtime."); };
  auto i = a.begin();
  auto j = b.begin();
  while (true) {
    i = std::find_if(i, a.end(), user);
    j = std::find_if(j, b.end(), user);
    if (i == a.end() || j == b.end()) return i == a.end() && j == b.end();
    if (i->function != j->function || i->file != j->file || i->line != j->line) return false;
    ++i;
    ++j;
  }
}

// Labels for leaks whose headers printed none (every Go before 1.27, and a
// module that declares an older go line): debug=1 prints every stack's
// labels. A leak gets them only when every stack like its own carries the
// same labels; otherwise which goroutine has which cannot be told.
void attach_profile_labels(std::vector<Goroutine>& leaks, const Profile& profile) {
  for (Goroutine& g : leaks) {
    if (!g.labels.empty() || g.frames.empty()) continue;
    const std::vector<Label>* found = nullptr;
    bool ambiguous = false;
    for (const StackCount& stack : profile.stacks) {
      if (!same_user_frames(g.frames, stack.frames)) continue;
      if (found != nullptr && *found != stack.labels) ambiguous = true;
      found = &stack.labels;
    }
    if (found != nullptr && !ambiguous) g.labels = *found;
  }
}

std::vector<Goroutine> copy_out(const std::vector<const Goroutine*>& goroutines) {
  std::vector<Goroutine> copies;
  copies.reserve(goroutines.size());
  for (const Goroutine* g : goroutines) copies.push_back(*g);
  return copies;
}

}  // namespace

Baseline::Baseline(Snapshot snapshot, Profile counts)
    : snapshot_(std::move(snapshot)), counts_(std::move(counts)) {
  sorted_ids_.reserve(snapshot_.goroutines.size());
  for (const Goroutine& g : snapshot_.goroutines) sorted_ids_.push_back(g.id);
  std::sort(sorted_ids_.begin(), sorted_ids_.end());
}

bool Baseline::contains(std::uint64_t id) const { return std::binary_search(sorted_ids_.begin(), sorted_ids_.end(), id); }

bool is_snapshot_footprint(const Goroutine& g) {
  if (g.created_by && g.created_by->function == "net/http.(*connReader).startBackgroundRead") return true;
  return std::any_of(g.frames.begin(), g.frames.end(), [](const Frame& f) {
    return f.function == "runtime/pprof.writeGoroutineStacks" || f.function.starts_with("net/http/pprof.") ||
           f.function == "net/http.(*connReader).backgroundRead";  // as debug=1 shows it: no creator there
  });
}

Checker::Checker(Endpoint endpoint, CheckOptions options, std::function<void()> check_alive)
    : options_(std::move(options)),
      check_alive_(std::move(check_alive)),
      client_(std::make_unique<HttpClient>(std::move(endpoint))) {}

Checker::Checker(Checker&&) noexcept = default;
Checker::~Checker() = default;

template <class Fetch>
auto Checker::fetch(Fetch&& fetch) const {
  if (check_alive_) check_alive_();
  try {
    return fetch();
  } catch (const Error&) {
    // A failed request is often the program dying: say that instead. Its
    // sockets close a moment before it can be reaped, so look for a while.
    if (check_alive_) {
      for (detail::Backoff backoff(kExitWait, kFirstPause, kFirstPause); !backoff.expired(); backoff.sleep()) {
        check_alive_();
      }
    }
    throw;
  }
}

Snapshot Checker::snapshot() const {
  return fetch([&] {
    DumpReader reader;
    const bool cut = fetch_pprof(*client_, kGoroutineDumpPath, options_.fetch,
                                 [&](std::string_view chunk) { reader.feed(chunk); });
    return reader.finish(cut);
  });
}

Profile Checker::counts() const {
  return fetch([&] {
    std::string text;
    const bool cut = fetch_pprof(*client_, kGoroutineProfilePath, options_.fetch,
                                 [&](std::string_view chunk) { text.append(chunk); });
    Profile profile = parse_profile(text);
    if (cut) profile.truncated = true;
    return profile;
  });
}

Baseline Checker::baseline() const {
  // The counts cost one more small request; they are what a check falls back
  // to when a dump is cut off, and the after-dump may be cut when this one
  // was not.
  Snapshot snapshot = this->snapshot();
  return Baseline(std::move(snapshot), counts());
}

LeakReport Checker::check(const Baseline& baseline) const {
  const auto start = Clock::now();
  detail::Backoff backoff(options_.settle, kFirstPause, kLongestPause);
  LeakReport report;
  if (baseline.snapshot().truncated) {
    // No after-dump can be compared with a cut baseline: skip fetching one
    // (for a process this large, each takes tens of seconds).
    report.ids_not_compared = why_ids_not_compared(baseline.snapshot(), "baseline");
    compare_counts(baseline, backoff, report);
  } else {
    compare_ids(baseline, backoff, report);
    label_leaks(report);
  }
  report.groups = group_leaks(report.leaks);
  report.baseline_goroutines = baseline.snapshot().goroutines.size();
  // A cut baseline dump read only some; its profile has the true total.
  if (!report.ids_not_compared.empty() && baseline.counts().total) {
    report.baseline_goroutines = *baseline.counts().total;
  }
  report.elapsed = Clock::now() - start;
  return report;
}

// Re-snapshots until no new goroutine remains or the settle time passes. An
// after-dump that comes back cut hands over to compare_counts.
void Checker::compare_ids(const Baseline& baseline, detail::Backoff& backoff, LeakReport& report) const {
  while (true) {
    Snapshot after = snapshot();
    ++report.snapshots;
    if (after.truncated) {
      report.ids_not_compared = why_ids_not_compared(after, "after-scenario");
      compare_counts(baseline, backoff, report);
      return;
    }
    Sorted sorted = sort_new_goroutines(after, baseline, options_);
    // Wait for every new goroutine, running ones too: a goroutine running
    // now may park a moment later. Idle connections stay open for minutes
    // by design, and ignored goroutines do not matter: no waiting for them.
    if ((sorted.blocked.empty() && sorted.active.empty()) || backoff.expired()) {
      report.leaks = copy_out(sorted.blocked);
      report.still_running = copy_out(sorted.active);
      report.idle_connections = copy_out(sorted.idle_connections);
      report.ignored = sorted.ignored;
      for (std::size_t i = 0; i < options_.ignores.size(); ++i) {
        report.ignore_uses.push_back({options_.ignores[i].name, options_.ignores[i].origin, sorted.hits[i]});
      }
      report.final_goroutines = after.goroutines.size();
      report.names.push_back(after.names);
      return;
    }
    backoff.sleep();
  }
}

// Leaks with no labels in their headers get them from the debug=1 profile
// (one small request, only when there are such leaks), and then meet the
// ignore rules again: a `label:` rule must work on every Go release.
void Checker::label_leaks(LeakReport& report) const {
  const bool unlabelled = std::any_of(report.leaks.begin(), report.leaks.end(),
                                      [](const Goroutine& g) { return g.labels.empty(); });
  if (!unlabelled) return;
  const Profile profile = counts();
  if (std::none_of(profile.stacks.begin(), profile.stacks.end(),
                   [](const StackCount& s) { return !s.labels.empty(); })) {
    return;
  }
  attach_profile_labels(report.leaks, profile);
  report.names.push_back(profile.names);
  std::erase_if(report.leaks, [&](const Goroutine& g) {
    const Triage t = triage(g, options_);
    if (t.kind != Triage::ignored) return false;
    ++report.ignored;
    ++report.ignore_uses[t.rule].hits;
    return true;
  });
}

// The fallback when ids cannot be trusted: poll debug=1 counts until no
// stack has more goroutines than before, or the settle time passes.
void Checker::compare_counts(const Baseline& baseline, detail::Backoff& backoff, LeakReport& report) const {
  while (true) {
    Profile after = counts();
    ++report.snapshots;
    std::vector<StackGrowth> grown;
    for (StackGrowth& growth : grown_stacks(baseline.counts(), after)) {
      if (triage(as_goroutine(growth.stack), options_).kind == Triage::reported) grown.push_back(std::move(growth));
    }
    if (grown.empty() || backoff.expired()) {
      report.grown_stacks = std::move(grown);
      report.final_goroutines = after.total.value_or(after.counted());
      report.names.push_back(after.names);
      return;
    }
    backoff.sleep();
  }
}

}  // namespace goleakcheck
