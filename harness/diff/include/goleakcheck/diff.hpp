// Diff and triage: which goroutines are new since the baseline, and what
// each new one is (our own footprint, an idle connection, ignored by a
// rule, or reported). Pure functions of the records: no I/O and no clock,
// so every verdict rule can be tested on captured dumps without a program.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "goleakcheck/endpoint.hpp"
#include "goleakcheck/goroutine.hpp"
#include "goleakcheck/ignore.hpp"
#include "goleakcheck/profile.hpp"

namespace goleakcheck {

// The goroutines that existed before the scenario: their ids, and their
// counts per stack for when a dump is cut off. Immutable once made; safe to
// share between threads.
class Baseline {
 public:
  explicit Baseline(Snapshot snapshot, Profile counts = {});

  // Who served it, when this machine can tell (a program on its loopback,
  // visible in /proc), so that a check notices a restart; else nullopt.
  std::optional<ServerIdentity> server;
  // How it was taken (Checker::baseline): how long it waited for the
  // program to go quiet, and why it took it anyway when it did not (the
  // program kept starting or ending goroutines); empty when it was quiet.
  std::chrono::nanoseconds quiet_wait{};
  std::string not_quiet;
  // Set when no debug=2 dump was taken at all, since the counts showed it
  // would pass the runtime's 64 MiB cap: why. The snapshot is then empty
  // and marked truncated, and checks compare counts per stack.
  std::string dump_skipped;
  // O(log n).
  bool contains(std::uint64_t id) const;
  // The baseline's goroutine with this id, or nullptr. O(log n).
  const Goroutine* find(std::uint64_t id) const;
  const Snapshot& snapshot() const { return snapshot_; }
  const Profile& counts() const { return counts_; }

 private:
  Snapshot snapshot_;
  Profile counts_;
  std::vector<std::uint64_t> sorted_ids_;
  std::vector<std::size_t> by_id_;  // indices into snapshot_.goroutines, in sorted_ids_' order
};

// Why `dump` is not a goroutine dump at all, or empty when it is: a dump
// holds records, wherever they stand among other text (a crash inside a
// log, before, after or between its lines), and is not mostly lines of
// control bytes (random bytes, a binary file). Reads only the counts, so it
// works on a streamed read too.
std::string why_not_a_dump(const Snapshot& dump);

// why_not_a_dump, and more, for what pprof served: it is mostly records
// (an answer is the dump alone, no log around it), and holds the goroutine
// writing it (runtime/pprof.writeGoroutineStacks), which the runtime prints
// first. An HTML page, an empty or random body, or a dump that turned to
// garbage all fail this: never a "clean" made of nothing.
std::string why_not_a_live_dump(const Snapshot& dump);
// The same for a dump read as a stream (records handed over, not kept):
// `writer_seen` says whether a record was the dump's writer.
std::string why_not_a_live_dump(const Snapshot& counts, bool writer_seen);
// Whether `g` is the goroutine writing the dump it stands in. O(frames).
bool writes_the_dump(const Goroutine& g);

// Why `after` cannot come from the runtime that served `baseline`, or empty
// when nothing says so: goroutine 1 (main.main, which lives as long as the
// program) is gone from a whole dump, or a goroutine kept its id but not
// its creator, which no goroutine ever changes. A fresh runtime behind the
// same pid (an exec) numbers goroutines anew, and comparing its ids with
// the old ones' would find leaks that are not and miss those that are.
// O(n log b).
std::string why_runtime_changed(const Snapshot& after, const Baseline& baseline);

// Where a debug=2 dump and a debug=1 profile taken right after it disagree:
// the same program, a moment apart, counts the same goroutines at the same
// stacks, unless one of the answers lost records (a proxy, a cut, a broken
// server). Stacks are compared by their innermost frames outside the
// runtime (at most kCompareFrames; the two forms hide the runtime's and
// cut deep stacks differently); the dump requests' own goroutines are left
// out on both sides.
struct CountDisagreement {
  static constexpr std::size_t kCompareFrames = 8;
  struct Stack {
    std::string where;  // its innermost frame outside the runtime: "main.f file.go:12"
    std::uint64_t in_dump = 0;
    std::uint64_t in_profile = 0;
  };
  std::uint64_t dump_total = 0;     // records in the dump, less its own
  std::uint64_t profile_total = 0;  // the profile's total, less its own
  // Goroutines whose stack one side cannot show: a dump's "stack
  // unavailable" (running on another thread), a profile's goroutine not
  // started yet (no frame). They may stand for any stack on the other side.
  std::uint64_t dump_unknown = 0;
  std::uint64_t profile_unknown = 0;
  bool profile_cut = false;         // the profile itself ends inside a record, or falls short of its total
  std::vector<Stack> stacks;        // where the counts differ, the largest difference first

  // Whether the differences are all explained by goroutines of unknown
  // stack, and the totals too.
  bool agree() const;
  // "the dump lists 5 goroutines but the profile counts 8 (main.f file.go:12: 0 in the dump, 3 in the profile)".
  std::string describe() const;
};

// O((n + s) log s) for n records and s stacks.
CountDisagreement compare_dump_with_profile(const Snapshot& dump, const Profile& profile);

// Why one of the user's `rules` (defaults left out) is refused, or empty:
// it matches every goroutine of `dump` but the dump request's own, where
// those stand at two innermost functions or more. A rule that ignores a
// whole program ("any: regex:", "blocked-at-least: 0") would ignore any
// leak too, and turn it into a quiet "clean". `override` names the option
// that keeps it ("--allow-ignore-all"). O(rules x n).
std::string why_a_rule_ignores_everything(std::span<const Ignore> rules, const Snapshot& dump,
                                          std::string_view override);

// How new goroutines are told apart: the rules in force (rules_in_force),
// tried in order, and whether idle connections count as leaks.
struct TriageRules {
  std::vector<Ignore> ignores;
  bool idle_connections_are_leaks = false;
};

// What becomes of one new goroutine (or, counting, one grown stack).
struct Triage {
  enum Kind { footprint, idle_connection, ignored, reported } kind = reported;
  std::size_t rule = 0;  // for `ignored`: the index of the first rule that matched
};

// O(rules) predicate calls.
Triage triage(const Goroutine& g, const TriageRules& rules);

// The goroutines of an after-snapshot that the baseline does not hold,
// sorted into what a verdict needs. The pointers point into `after`.
struct NewGoroutines {
  std::vector<const Goroutine*> blocked;           // reported and parked: leaks if they stay
  std::vector<const Goroutine*> active;            // reported and running, runnable or in a syscall
  std::vector<const Goroutine*> idle_connections;  // not failed, not waited for
  std::size_t ignored = 0;
  std::vector<std::size_t> hits;  // per rule of TriageRules::ignores

  // Nothing left to wait for: no new goroutine is blocked or still running.
  bool settled() const { return blocked.empty() && active.empty(); }
};

// O(n log b) for n goroutines after and b in the baseline, plus triage.
NewGoroutines new_goroutines(const Snapshot& after, const Baseline& baseline, const TriageRules& rules);

// How many goroutines one dump holds that the other does not, either way,
// leaving out the dump requests' own (is_snapshot_footprint): 0 when the
// program ran the same goroutines at both moments. O(n log n).
std::size_t goroutines_changed(const Snapshot& a, const Snapshot& b);

// The same for counts per stack: how many goroutines more or fewer, summed
// over stacks. O(s log s) for s stacks.
std::size_t goroutines_changed(const Profile& a, const Profile& b);

// A lower bound on the size of the debug=2 dump of the goroutines `counts`
// shows: each one's header, and a function and file line per frame, with
// none of the arguments and offsets the dump adds. When the profile was cut
// off, scaled up to its total, as if the goroutines it did not list were
// like those it did. O(stacks x frames).
std::size_t least_dump_bytes(const Profile& counts);

// The stacks of `after` whose count grew since `before`, the largest growth
// first. Stacks are the same when their frames are (function, file and
// line); label sets of one stack are added up. A stack with no frame to show
// (goroutines not started yet) is never reported. Views point into `after`.
std::vector<StackGrowth> grown_stacks(const Profile& before, const Profile& after);

// grown_stacks, less those that triage() does not report.
std::vector<StackGrowth> reported_growth(const Profile& before, const Profile& after, const TriageRules& rules);

// Gives leaks whose headers printed no labels (every Go before 1.27, and a
// module that declares an older go line) the labels debug=1 prints for
// their stack: only when every stack like theirs carries the same labels,
// else which goroutine has which cannot be told. Stacks are compared by
// their frames outside the runtime, which the two forms hide differently.
// Returns how many leaks got labels; they point into `profile`'s names.
std::size_t attach_profile_labels(std::vector<Goroutine>& leaks, const Profile& profile);

}  // namespace goleakcheck
