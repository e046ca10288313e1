// Grouping goroutines into bugs: those that block at the same line, in the
// same state, started by the same line, are one bug however many there
// are. Reports, summaries, analyze and watch all group this way.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <vector>

#include "goleakcheck/goroutine.hpp"

namespace goleakcheck {

// Leaked goroutines that block at the same line, in the same state, started
// by the same line: one bug, however many goroutines it leaked.
struct LeakGroup {
  std::string_view state;
  Frame blocking_site;
  std::optional<Frame> created_by;
  std::vector<std::uint64_t> ids;  // ascending
  std::optional<int> max_wait_minutes;
  std::size_t proven = 0;  // how many the Go runtime proved leaked (Goroutine::leaked_marker)
  Goroutine example;  // the lowest id: its stack is the one shown

  std::size_t count() const { return ids.size(); }
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
  LeakGroup& group_of(const GroupKey& key, bool& inserted);

  std::map<GroupKey, LeakGroup> groups_;
  // The groups last found, by where their names are: a dump's names are
  // interned, so the same address is the same text (and the groups' views
  // keep those addresses alive), and most goroutines are found here without
  // comparing any text. Direct-mapped; a miss looks in `groups_`. Its
  // slots point into one grouper's map: a copy or a move of the grouper
  // starts them empty, and a move empties the source's too.
  struct Recent {
    GroupKey key;
    LeakGroup* group = nullptr;
  };
  struct RecentGroups {
    std::array<Recent, 64> slots{};
    RecentGroups() = default;
    RecentGroups(const RecentGroups&) {}
    RecentGroups(RecentGroups&& other) noexcept { other.slots = {}; }
    RecentGroups& operator=(const RecentGroups&) {
      slots = {};
      return *this;
    }
    RecentGroups& operator=(RecentGroups&& other) noexcept {
      slots = {};
      other.slots = {};
      return *this;
    }
    ~RecentGroups() = default;
  };
  RecentGroups recent_;
};

// LeakGrouper over a whole list.
std::vector<LeakGroup> group_leaks(const std::vector<Goroutine>& leaks);

}  // namespace goleakcheck
