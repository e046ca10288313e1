#include <algorithm>
#include <tuple>

#include "goleakcheck/grouping.hpp"

namespace goleakcheck {

namespace {

LeakGrouper::FrameKey key_of(const Frame& frame) { return {frame.function, frame.file, frame.line}; }

bool same_address(std::string_view a, std::string_view b) { return a.data() == b.data() && a.size() == b.size(); }

bool same_addresses(const LeakGrouper::FrameKey& a, const LeakGrouper::FrameKey& b) {
  return same_address(std::get<0>(a), std::get<0>(b)) && same_address(std::get<1>(a), std::get<1>(b)) &&
         std::get<2>(a) == std::get<2>(b);
}

std::size_t address_hash(const LeakGrouper::FrameKey& k) {
  return reinterpret_cast<std::uintptr_t>(std::get<0>(k).data()) * 31 +
         reinterpret_cast<std::uintptr_t>(std::get<1>(k).data()) * 17 + static_cast<std::size_t>(std::get<2>(k));
}

}  // namespace

LeakGroup& LeakGrouper::group_of(const GroupKey& key, bool& inserted) {
  const auto& [state, site, creator] = key;
  const std::size_t h = (reinterpret_cast<std::uintptr_t>(state.data()) + address_hash(site) * 7 +
                         address_hash(creator) * 13) >> 4;
  Recent& slot = recent_.slots[h % recent_.slots.size()];
  const auto& [slot_state, slot_site, slot_creator] = slot.key;
  if (slot.group != nullptr && same_address(slot_state, state) && same_addresses(slot_site, site) &&
      same_addresses(slot_creator, creator)) {
    inserted = false;
    return *slot.group;
  }
  auto [it, added] = groups_.try_emplace(key);
  inserted = added;
  slot = Recent{key, &it->second};
  return it->second;
}

void LeakGrouper::add(const Goroutine& g) {
  const Frame* site = g.blocking_site();
  const Frame blocking_site = site != nullptr ? *site : Frame{};
  const GroupKey key{g.state, key_of(blocking_site), g.created_by ? key_of(*g.created_by) : FrameKey{}};
  bool inserted = false;
  LeakGroup& group = group_of(key, inserted);
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
  other.recent_ = {};
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
  recent_ = {};
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
