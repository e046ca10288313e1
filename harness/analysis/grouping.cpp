#include <algorithm>
#include <tuple>

#include "goleakcheck/grouping.hpp"

namespace goleakcheck {

namespace {

LeakGrouper::FrameKey key_of(const Frame& frame) { return {frame.function, frame.file, frame.line}; }

}  // namespace

void LeakGrouper::add(const Goroutine& g) {
  const Frame* site = g.blocking_site();
  const Frame blocking_site = site != nullptr ? *site : Frame{};
  const GroupKey key{g.state, key_of(blocking_site), g.created_by ? key_of(*g.created_by) : FrameKey{}};
  auto [it, inserted] = groups_.try_emplace(key);
  LeakGroup& group = it->second;
  if (inserted) {
    group.state = g.state;
    group.blocking_site = blocking_site;
    group.created_by = g.created_by;
  }
  // The lowest id's stack is the one shown: copied only when it changes.
  if (inserted || g.id < group.example.id) group.example = g;
  group.ids.push_back(g.id);
  group.proven += g.leaked_marker ? 1 : 0;
  if (g.wait_minutes && (!group.max_wait_minutes || *g.wait_minutes > *group.max_wait_minutes)) {
    group.max_wait_minutes = g.wait_minutes;
  }
}

void LeakGrouper::merge(LeakGrouper&& other) {
  for (auto& [key, theirs] : other.groups_) {
    auto [it, inserted] = groups_.try_emplace(key, std::move(theirs));
    if (inserted) continue;
    LeakGroup& ours = it->second;
    ours.ids.insert(ours.ids.end(), theirs.ids.begin(), theirs.ids.end());
    ours.proven += theirs.proven;
    if (theirs.example.id < ours.example.id) ours.example = std::move(theirs.example);
    if (theirs.max_wait_minutes && (!ours.max_wait_minutes || *theirs.max_wait_minutes > *ours.max_wait_minutes)) {
      ours.max_wait_minutes = theirs.max_wait_minutes;
    }
  }
  other.groups_.clear();
}

std::vector<LeakGroup> LeakGrouper::take() {
  std::vector<LeakGroup> groups;
  groups.reserve(groups_.size());
  for (auto& [key, group] : groups_) {
    // Dumps list goroutines by id almost everywhere: usually sorted already.
    if (!std::is_sorted(group.ids.begin(), group.ids.end())) std::sort(group.ids.begin(), group.ids.end());
    groups.push_back(std::move(group));
  }
  groups_.clear();
  // Largest first; the map's key order breaks ties, so the order is stable.
  std::stable_sort(groups.begin(), groups.end(),
                   [](const LeakGroup& a, const LeakGroup& b) { return a.count() > b.count(); });
  return groups;
}

std::vector<LeakGroup> group_leaks(const std::vector<Goroutine>& leaks) {
  LeakGrouper grouper;
  for (const Goroutine& g : leaks) grouper.add(g);
  return grouper.take();
}

}  // namespace goleakcheck
