#include <algorithm>
#include <map>
#include <tuple>

#include "goleakcheck/report.hpp"

namespace goleakcheck {

namespace {

using FrameKey = std::tuple<std::string_view, std::string_view, int>;

FrameKey key_of(const Frame& frame) { return {frame.function, frame.file, frame.line}; }

}  // namespace

std::vector<LeakGroup> group_leaks(std::span<const Goroutine* const> leaks) {
  using GroupKey = std::tuple<std::string_view, FrameKey, FrameKey>;
  struct Building {
    LeakGroup group;
    const Goroutine* example = nullptr;  // copied once, at the end
  };
  std::map<GroupKey, Building> by_key;
  for (const Goroutine* g : leaks) {
    const Frame* site = g->blocking_site();
    const Frame blocking_site = site != nullptr ? *site : Frame{};
    const GroupKey key{g->state, key_of(blocking_site), g->created_by ? key_of(*g->created_by) : FrameKey{}};
    auto [it, inserted] = by_key.try_emplace(key);
    Building& building = it->second;
    LeakGroup& group = building.group;
    if (inserted || g->id < building.example->id) building.example = g;
    if (inserted) {
      group.state = g->state;
      group.blocking_site = blocking_site;
      group.created_by = g->created_by;
    }
    group.ids.push_back(g->id);
    if (g->wait_minutes && (!group.max_wait_minutes || *g->wait_minutes > *group.max_wait_minutes)) {
      group.max_wait_minutes = g->wait_minutes;
    }
  }
  std::vector<LeakGroup> groups;
  groups.reserve(by_key.size());
  for (auto& [key, building] : by_key) {
    std::sort(building.group.ids.begin(), building.group.ids.end());
    building.group.example = *building.example;
    groups.push_back(std::move(building.group));
  }
  // Largest first; the map's key order breaks ties, so the order is stable.
  std::stable_sort(groups.begin(), groups.end(),
                   [](const LeakGroup& a, const LeakGroup& b) { return a.count() > b.count(); });
  return groups;
}

std::vector<LeakGroup> group_leaks(const std::vector<Goroutine>& leaks) {
  std::vector<const Goroutine*> pointers;
  pointers.reserve(leaks.size());
  for (const Goroutine& g : leaks) pointers.push_back(&g);
  return group_leaks(pointers);
}

}  // namespace goleakcheck
