#include "goleakcheck/diff.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <string>

#include <fmt/format.h>

#include "goleakcheck/footprint.hpp"
#include "goleakcheck/idle_connection.hpp"

namespace goleakcheck {

namespace {

std::string stack_key(const StackCount& stack) {
  std::string key;
  for (const Frame& f : stack.frames) {
    key.append(f.function).append(1, '\0').append(f.file).append(1, ':').append(std::to_string(f.line)).append(1, '\n');
  }
  return key;
}

// A debug=1 stack seen as a goroutine, for the rules that need only frames
// and labels: the footprint, idle connections and ignore rules. It has no
// id or creator, and its state is not known.
Goroutine as_goroutine(const StackCount& stack) {
  Goroutine g;
  g.state = "unknown";
  g.frames = stack.frames;
  g.labels = stack.labels;
  return g;
}

// Whether two stacks show the same frames outside the runtime.
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

}  // namespace

Baseline::Baseline(Snapshot snapshot, Profile counts) : snapshot_(std::move(snapshot)), counts_(std::move(counts)) {
  const auto& goroutines = snapshot_.goroutines;
  by_id_.resize(goroutines.size());
  for (std::size_t i = 0; i < by_id_.size(); ++i) by_id_[i] = i;
  std::sort(by_id_.begin(), by_id_.end(), [&](std::size_t a, std::size_t b) { return goroutines[a].id < goroutines[b].id; });
  sorted_ids_.reserve(goroutines.size());
  for (const std::size_t i : by_id_) sorted_ids_.push_back(goroutines[i].id);
}

bool Baseline::contains(std::uint64_t id) const { return std::binary_search(sorted_ids_.begin(), sorted_ids_.end(), id); }

const Goroutine* Baseline::find(std::uint64_t id) const {
  const auto at = std::lower_bound(sorted_ids_.begin(), sorted_ids_.end(), id);
  if (at == sorted_ids_.end() || *at != id) return nullptr;
  return &snapshot_.goroutines[by_id_[static_cast<std::size_t>(at - sorted_ids_.begin())]];
}

std::string why_runtime_changed(const Snapshot& after, const Baseline& baseline) {
  const Goroutine* main_before = baseline.find(1);
  bool main_after = false;
  for (const Goroutine& g : after.goroutines) {
    main_after = main_after || g.id == 1;
    const Goroutine* before = baseline.find(g.id);
    if (before == nullptr || before->partial || g.partial || !before->created_by || !g.created_by) continue;
    if (before->created_by->function != g.created_by->function || before->creator_id != g.creator_id) {
      const auto creator = [](const Goroutine& c) {
        return c.creator_id ? fmt::format("{} in goroutine {}", c.created_by->function, *c.creator_id)
                            : std::string(c.created_by->function);
      };
      return fmt::format("goroutine {} was started by {} in the baseline but by {} now, and no goroutine changes its "
                         "creator: a fresh Go runtime answered (the program executed itself anew, or something "
                         "renumbers its dumps)",
                         g.id, creator(*before), creator(g));
    }
  }
  if (main_before != nullptr && !main_after && !after.truncated && !baseline.snapshot().truncated) {
    return "goroutine 1 (the program's main goroutine, which lives as long as it does) is gone from the dump: a fresh "
           "Go runtime answered (the program executed itself anew, or something renumbers its dumps)";
  }
  return {};
}

namespace {

// The innermost frames outside the runtime, as compare_dump_with_profile
// compares them; empty for a stack with none (a goroutine not started yet,
// as debug=1 shows it). `innermost` is set to the first of them.
std::string compared_frames(std::span<const Frame> frames, const Frame*& innermost) {
  std::string key;
  std::size_t taken = 0;
  innermost = nullptr;
  for (const Frame& f : frames) {
    if (f.function.starts_with("runtime.")) continue;
    if (taken == 0) innermost = &f;
    key.append(f.function).append(1, '\0').append(f.file).append(1, ':').append(std::to_string(f.line)).append(1, '\n');
    if (++taken == CountDisagreement::kCompareFrames) break;
  }
  return key;
}

}  // namespace

CountDisagreement compare_dump_with_profile(const Snapshot& dump, const Profile& profile) {
  struct Counts {
    std::uint64_t in_dump = 0;
    std::uint64_t in_profile = 0;
    const Frame* innermost = nullptr;  // described only where the counts differ
  };
  CountDisagreement result;
  result.profile_cut = profile.truncated;
  std::map<std::string, Counts> by_stack;
  const auto count = [&](std::span<const Frame> frames, std::uint64_t n, bool in_dump, std::uint64_t& unknown) {
    const Frame* innermost = nullptr;
    std::string key = compared_frames(frames, innermost);
    if (key.empty()) {
      unknown += n;
      return;
    }
    Counts& counts = by_stack[std::move(key)];
    if (counts.innermost == nullptr) counts.innermost = innermost;
    (in_dump ? counts.in_dump : counts.in_profile) += n;
  };
  for (const Goroutine& g : dump.goroutines) {
    if (is_snapshot_footprint(g)) continue;
    ++result.dump_total;
    count(g.frames, 1, true, result.dump_unknown);
  }
  std::uint64_t own = 0;
  for (const StackCount& s : profile.stacks) {
    if (is_snapshot_footprint(as_goroutine(s))) {
      own += s.count;
      continue;
    }
    count(s.frames, s.count, false, result.profile_unknown);
  }
  const std::uint64_t total = profile.total.value_or(profile.counted());
  result.profile_total = total > own ? total - own : 0;
  for (const auto& [key, counts] : by_stack) {
    if (counts.in_dump == counts.in_profile) continue;
    const Frame& f = *counts.innermost;
    result.stacks.push_back({fmt::format("{} {}:{}", f.function, f.file, f.line), counts.in_dump, counts.in_profile});
  }
  const auto difference = [](const CountDisagreement::Stack& s) {
    return s.in_dump > s.in_profile ? s.in_dump - s.in_profile : s.in_profile - s.in_dump;
  };
  std::stable_sort(result.stacks.begin(), result.stacks.end(),
                   [&](const auto& a, const auto& b) { return difference(a) > difference(b); });
  return result;
}

// The totals need no check of their own: a whole profile's total is the sum
// of its stacks, so it is within the unknowns of the dump's whenever every
// stack is.
bool CountDisagreement::agree() const {
  if (profile_cut) return false;
  std::uint64_t more_in_profile = 0;
  std::uint64_t more_in_dump = 0;
  for (const Stack& s : stacks) {
    if (s.in_profile > s.in_dump) more_in_profile += s.in_profile - s.in_dump;
    if (s.in_dump > s.in_profile) more_in_dump += s.in_dump - s.in_profile;
  }
  return more_in_profile <= dump_unknown && more_in_dump <= profile_unknown;
}

std::string CountDisagreement::describe() const {
  std::string text = fmt::format("the dump lists {} goroutine{} but the debug=1 profile taken right after it counts {}{}",
                                 dump_total, dump_total == 1 ? "" : "s", profile_total,
                                 profile_cut ? " and was cut off" : "");
  if (!stacks.empty()) {
    const Stack& s = stacks.front();
    text += fmt::format(" ({}: {} in the dump, {} in the profile{})", s.where, s.in_dump, s.in_profile,
                        stacks.size() > 1 ? fmt::format("; {} more stacks differ", stacks.size() - 1) : "");
  }
  return text;
}

std::string why_not_a_dump(const Snapshot& dump) {
  if (dump.records_read == 0) return dump.bytes == 0 ? "it is empty" : "it holds no goroutine record";
  if (dump.binary_stray_bytes * 2 > dump.bytes) {
    return fmt::format("most of it is not text ({} of {} bytes are in lines of control bytes)",
                       dump.binary_stray_bytes, dump.bytes);
  }
  return {};
}

bool writes_the_dump(const Goroutine& g) {
  return std::any_of(g.frames.begin(), g.frames.end(),
                     [](const Frame& f) { return f.function == "runtime/pprof.writeGoroutineStacks"; });
}

std::string why_not_a_live_dump(const Snapshot& counts, bool writer_seen) {
  if (std::string why = why_not_a_dump(counts); !why.empty()) return why;
  // pprof answers with the dump alone: text around it is a proxy or a
  // server that went wrong (a log around a crash is a file's, not an answer's).
  if (counts.stray_bytes * 2 > counts.bytes) {
    return fmt::format("most of it is not goroutine records ({} of {} bytes are not)", counts.stray_bytes,
                       counts.bytes);
  }
  if (!writer_seen) return "it lacks the goroutine that writes a dump (runtime/pprof.writeGoroutineStacks)";
  return {};
}

std::string why_not_a_live_dump(const Snapshot& dump) {
  return why_not_a_live_dump(dump, std::any_of(dump.goroutines.begin(), dump.goroutines.end(), writes_the_dump));
}

std::string why_a_rule_ignores_everything(std::span<const Ignore> rules, const Snapshot& dump,
                                          std::string_view override) {
  std::vector<const Goroutine*> program;
  std::set<std::string_view> innermost;
  for (const Goroutine& g : dump.goroutines) {
    if (is_snapshot_footprint(g)) continue;
    program.push_back(&g);
    if (!g.frames.empty()) innermost.insert(g.frames.front().function);
  }
  if (innermost.size() < 2) return {};  // a program this small proves no rule too wide
  for (const Ignore& rule : rules) {
    if (rule.is_default()) continue;
    if (!std::all_of(program.begin(), program.end(), [&](const Goroutine* g) { return rule.matches(*g); })) continue;
    return fmt::format("ignore rule '{}' ({}) matches every goroutine of the baseline ({} of {}), so it would ignore "
                       "any leak too: narrow it, or give {} if that is what you mean",
                       rule.name, rule.origin, program.size(), program.size(), override);
  }
  return {};
}

Triage triage(const Goroutine& g, const TriageRules& rules) {
  if (is_snapshot_footprint(g)) return {Triage::footprint};
  if (!rules.idle_connections_are_leaks && classify_idle_connection(g) != IdleConnection::none) {
    return {Triage::idle_connection};
  }
  if (const std::optional<std::size_t> rule = first_matching_rule(rules.ignores, g)) return {Triage::ignored, *rule};
  return {Triage::reported};
}

NewGoroutines new_goroutines(const Snapshot& after, const Baseline& baseline, const TriageRules& rules) {
  NewGoroutines sorted;
  sorted.hits.assign(rules.ignores.size(), 0);
  for (const Goroutine& g : after.goroutines) {
    if (baseline.contains(g.id)) continue;
    const Triage t = triage(g, rules);
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

std::size_t goroutines_changed(const Snapshot& a, const Snapshot& b) {
  const auto ids = [](const Snapshot& s) {
    std::vector<std::uint64_t> ids;
    for (const Goroutine& g : s.goroutines) {
      if (!is_snapshot_footprint(g)) ids.push_back(g.id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  const std::vector<std::uint64_t> in_a = ids(a);
  const std::vector<std::uint64_t> in_b = ids(b);
  std::vector<std::uint64_t> changed;
  std::set_symmetric_difference(in_a.begin(), in_a.end(), in_b.begin(), in_b.end(), std::back_inserter(changed));
  return changed.size();
}

std::size_t goroutines_changed(const Profile& a, const Profile& b) {
  std::map<std::string, std::int64_t> difference;
  for (const StackCount& s : a.stacks) {
    if (!is_snapshot_footprint(as_goroutine(s))) difference[stack_key(s)] += static_cast<std::int64_t>(s.count);
  }
  for (const StackCount& s : b.stacks) {
    if (!is_snapshot_footprint(as_goroutine(s))) difference[stack_key(s)] -= static_cast<std::int64_t>(s.count);
  }
  std::size_t changed = 0;
  for (const auto& [stack, d] : difference) changed += static_cast<std::size_t>(d < 0 ? -d : d);
  return changed;
}

std::size_t least_dump_bytes(const Profile& counts) {
  // "goroutine N [S]:\n" is at least 16 bytes; a frame at least
  // "F()\n\tFILE:L\n".
  constexpr std::size_t kHeader = 16;
  constexpr std::size_t kFrameExtra = 7;
  std::size_t bytes = 0;
  for (const StackCount& s : counts.stacks) {
    std::size_t record = kHeader;
    for (const Frame& f : s.frames) record += f.function.size() + f.file.size() + kFrameExtra;
    bytes += record * s.count;
  }
  // A profile cut off counts only some goroutines: the rest are taken to
  // be like them.
  const std::uint64_t counted = counts.counted();
  if (counts.total && counted > 0 && *counts.total > counted) {
    bytes = static_cast<std::size_t>(static_cast<double>(bytes) * static_cast<double>(*counts.total) /
                                     static_cast<double>(counted));
  }
  return bytes;
}

std::vector<StackGrowth> grown_stacks(const Profile& before, const Profile& after) {
  std::map<std::string, std::uint64_t> counts_before;
  for (const StackCount& s : before.stacks) counts_before[stack_key(s)] += s.count;
  std::map<std::string, StackGrowth> by_stack;
  for (const StackCount& s : after.stacks) {
    // Only a goroutine created but not started yet shows no frame (its stack
    // is runtime.goexit alone). Seen here: net/http's background reader for
    // the very request fetching the profile. Nothing to compare.
    if (s.frames.empty()) continue;
    StackGrowth& growth = by_stack[stack_key(s)];
    if (growth.after == 0 || s.count > growth.stack.count) growth.stack = s;
    growth.after += s.count;
  }
  std::vector<StackGrowth> grown;
  for (auto& [key, growth] : by_stack) {
    const auto found = counts_before.find(key);
    growth.before = found == counts_before.end() ? 0 : found->second;
    if (growth.after > growth.before) grown.push_back(growth);
  }
  std::stable_sort(grown.begin(), grown.end(),
                   [](const StackGrowth& a, const StackGrowth& b) { return a.growth() > b.growth(); });
  return grown;
}

std::vector<StackGrowth> reported_growth(const Profile& before, const Profile& after, const TriageRules& rules) {
  std::vector<StackGrowth> reported;
  for (StackGrowth& growth : grown_stacks(before, after)) {
    if (triage(as_goroutine(growth.stack), rules).kind == Triage::reported) reported.push_back(std::move(growth));
  }
  return reported;
}

std::size_t attach_profile_labels(std::vector<Goroutine>& leaks, const Profile& profile) {
  std::size_t labelled = 0;
  for (Goroutine& g : leaks) {
    if (!g.labels.empty() || g.frames.empty()) continue;
    const std::vector<Label>* found = nullptr;
    bool ambiguous = false;
    for (const StackCount& stack : profile.stacks) {
      if (!same_user_frames(g.frames, stack.frames)) continue;
      if (found != nullptr && *found != stack.labels) ambiguous = true;
      found = &stack.labels;
    }
    if (found != nullptr && !found->empty() && !ambiguous) {
      g.labels = *found;
      ++labelled;
    }
  }
  return labelled;
}

}  // namespace goleakcheck
