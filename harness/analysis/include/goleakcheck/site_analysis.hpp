// One dump from production read LeakProf-style (goleakcheck analyze):
// blocked goroutines grouped by blocking site, flagged where they pile up
// or have waited long, and counted by the user's frame that leads there.
// Built record by record (DumpReader's streaming form), so a dump of any
// size is never held whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "goleakcheck/diff.hpp"
#include "goleakcheck/dump.hpp"
#include "goleakcheck/goroutine.hpp"
#include "goleakcheck/grouping.hpp"
#include "goleakcheck/ignore.hpp"
#include "goleakcheck/user_code.hpp"

namespace goleakcheck {

// LeakProf's rule, shared by analyze and watch: a site with this many
// goroutines is flagged whatever else is known of it.
inline constexpr std::uint64_t kSiteMinCount = 10000;

// When a site of one dump is flagged, and which goroutines count. A plain
// value.
struct SiteRules {
  // A site with at least this many blocked goroutines (0: not by count).
  std::uint64_t min_count = kSiteMinCount;
  // Or one blocked at least this many minutes (0: not by time). The
  // runtime prints minutes from 1 on.
  int min_minutes = 10;
  // Goroutines these rules match are not counted at any site (tried in
  // order, as rules_in_force gives them: the user's, then the defaults).
  std::vector<Ignore> ignores;
  UserCode user_code;
};

struct SiteAnalysis {
  std::shared_ptr<const NamePool> names;  // what every view points into
  std::vector<LeakGroup> groups;          // blocked, not idle connections; largest first
  std::vector<bool> flagged;              // per group
  std::vector<std::pair<Frame, std::size_t>> by_user_frame;  // largest first
  std::size_t goroutines = 0, blocked = 0, idle_connections = 0, unreadable = 0, ignored = 0;
  bool truncated = false;
  std::size_t bytes = 0;
  std::uint64_t min_count = 0;
  int min_minutes = 0;
  UserCode user_code;

  std::size_t flagged_count() const;
  // Why no verdict can be made, or empty: no site was flagged, but the dump
  // was cut off or partly unreadable, and what was not read proves nothing.
  std::string why_unproven() const;
};

// Records in, a SiteAnalysis out. Not thread-safe; O(log sites) per record.
class SiteAnalyzer {
 public:
  explicit SiteAnalyzer(SiteRules rules = {});

  // One record. Its views must stay valid until finish() (a DumpReader's
  // do: they live in its NamePool, which finish()'s Snapshot hands over).
  void add(const Goroutine& g);
  // The analysis, given what DumpReader::finish returned (names, cut).
  SiteAnalysis finish(const Snapshot& end);

 private:
  SiteRules rules_;  // its ignores moved into triage_rules_
  TriageRules triage_rules_;  // as a check triages: footprint, idle connections, rules
  SiteAnalysis analysis_;
  LeakGrouper grouper_;
  using FrameKey = std::tuple<std::string_view, std::string_view, int>;
  std::map<FrameKey, std::pair<Frame, std::size_t>> by_user_;
};

}  // namespace goleakcheck
