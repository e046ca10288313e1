// The verdict of one check, and how it is shown.
#pragma once

#include <chrono>
#include <iosfwd>
#include <map>
#include <tuple>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "goleakcheck/goroutine.hpp"
#include "goleakcheck/profile.hpp"

namespace goleakcheck {

// Leaked goroutines that block at the same line, in the same state, started
// by the same line: one bug, however many goroutines it leaked.
struct LeakGroup {
  std::string_view state;
  Frame blocking_site;
  std::optional<Frame> created_by;
  std::vector<std::uint64_t> ids;  // ascending
  std::optional<int> max_wait_minutes;
  Goroutine example;  // the lowest id: its stack is the one shown

  std::size_t count() const { return ids.size(); }
};

struct LeakReport {
  // New goroutines (absent from the baseline) still blocked when the check
  // ended, and not ignored. Non-empty means the check failed.
  std::vector<Goroutine> leaks;
  // `leaks` grouped, the largest group first.
  std::vector<LeakGroup> groups;
  // New goroutines still running, runnable or in a system call: shown as a
  // warning, never a failure.
  std::vector<Goroutine> still_running;
  // New goroutines that are idle kept-alive HTTP connections: not leaks by
  // themselves (CheckOptions::idle_connections_are_leaks).
  std::vector<Goroutine> idle_connections;
  // New goroutines that an ignore rule matched, and how often each rule in
  // force matched, in the order they were tried (rules_in_force).
  std::size_t ignored = 0;
  struct IgnoreUse {
    std::string rule;
    std::string origin;
    std::size_t hits = 0;
  };
  std::vector<IgnoreUse> ignore_uses;

  std::size_t baseline_goroutines = 0;
  std::size_t final_goroutines = 0;
  std::size_t snapshots = 0;  // after-snapshots taken while settling
  std::chrono::nanoseconds elapsed{};

  // Set when a dump was cut off (the runtime's 64 MiB cap, or the fetch's
  // own size cap), so goroutine ids could not be compared: what was cut.
  // The check then compared debug=1 counts per stack instead, and every
  // stack that still had more goroutines at the end is in `grown_stacks`.
  std::string ids_not_compared;
  std::vector<StackGrowth> grown_stacks;

  // Keep alive what the records above point into.
  std::vector<std::shared_ptr<const NamePool>> names;

  bool clean() const { return leaks.empty() && grown_stacks.empty(); }
  std::size_t leak_count() const { return leaks.size(); }
};

// Groups blocked goroutines by (state, blocking site, creator), one at a
// time, so that a dump read as a stream need not be kept: each goroutine is
// copied only while it is its group's lowest id. The groups' names point
// where the goroutines' did. O(log groups) per add.
class LeakGrouper {
 public:
  void add(const Goroutine& g);
  // Adds every goroutine `other` was given (e.g. another part of the same
  // dump, read at the same time); `other` is empty afterwards.
  void merge(LeakGrouper&& other);
  // Largest group first, then by key for a stable order; the grouper is
  // empty afterwards.
  std::vector<LeakGroup> take();

  using FrameKey = std::tuple<std::string_view, std::string_view, int>;

 private:
  using GroupKey = std::tuple<std::string_view, FrameKey, FrameKey>;
  std::map<GroupKey, LeakGroup> groups_;
};

// LeakGrouper over a whole list.
std::vector<LeakGroup> group_leaks(const std::vector<Goroutine>& leaks);
std::vector<LeakGroup> group_leaks(std::span<const Goroutine* const> leaks);

// A dump at a glance, collected record by record (DumpReader's streaming
// form): goroutines per state and the blocked ones grouped.
struct DumpSummary {
  std::size_t goroutines = 0;
  std::size_t unreadable = 0;  // records with Goroutine::unreadable_header
  std::map<std::string_view, std::size_t> states;
  LeakGrouper blocked;

  void add(const Goroutine& g);
  void merge(DumpSummary&& other);
};

// The report a person reads: one section per group with its state, blocking
// site, creator, ids and one full stack.
std::string render_text(const LeakReport& report);

// The machine-readable report: verdict, leaks, groups, warnings, stats.
std::string render_json(const LeakReport& report);

// A JSON array of goroutine records, each as in the report's "leaks",
// written one record at a time as they are added: a dump of 100,000s
// stays a stream. finish() closes the array; `out` must outlive the stream.
class GoroutineJsonStream {
 public:
  explicit GoroutineJsonStream(std::ostream& out) : out_(out) {}
  void add(const Goroutine& g);
  void finish();

 private:
  std::ostream& out_;
  std::size_t records_ = 0;
};

// A debug=1 profile as JSON: its total and each stack with its count.
std::string render_profile_json(const Profile& profile);

// A debug=1 profile at a glance: the total, then the largest stacks.
std::string render_profile_summary(const Profile& profile, std::size_t max_stacks = 10);

// A dump at a glance: goroutines per state, then the blocked ones grouped
// by (state, blocking site, creator), the largest `max_groups` groups.
// `dump` is what DumpReader::finish returned: whether it was cut off.
std::string render_summary(DumpSummary summary, const Snapshot& dump, std::size_t max_groups = 10);

}  // namespace goleakcheck
