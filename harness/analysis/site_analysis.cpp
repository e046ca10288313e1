#include "goleakcheck/site_analysis.hpp"

#include <algorithm>

#include <fmt/format.h>


namespace goleakcheck {

std::size_t SiteAnalysis::flagged_count() const {
  return static_cast<std::size_t>(std::count(flagged.begin(), flagged.end(), true));
}

std::string SiteAnalysis::why_unproven() const {
  if (flagged_count() > 0 || (!truncated && unreadable == 0)) return {};
  return fmt::format("no site was flagged, but the dump was {}: what was not read proves nothing; save a whole dump, "
                     "or lower --min-count",
                     truncated ? "cut off" : "partly unreadable");
}

SiteAnalyzer::SiteAnalyzer(SiteRules rules)
    : rules_(std::move(rules)), triage_rules_{std::move(rules_.ignores), false} {
  analysis_.user_code = rules_.user_code;
  analysis_.min_count = rules_.min_count;
  analysis_.min_minutes = rules_.min_minutes;
}

void SiteAnalyzer::add(const Goroutine& g) {
  ++analysis_.goroutines;
  if (!g.unreadable_header.empty()) ++analysis_.unreadable;
  // The last record of a cut dump is cut in two: its frames are not all
  // there, so it would make a site of its own. Counted, not grouped.
  if (g.partial || !g.blocked()) return;
  // What a check makes of it: our footprint, an idle connection, ignored
  // by a rule, or counted at its site.
  switch (triage(g, triage_rules_).kind) {
    case Triage::footprint: return;
    case Triage::idle_connection: ++analysis_.idle_connections; return;
    case Triage::ignored: ++analysis_.ignored; return;
    case Triage::reported: break;
  }
  ++analysis_.blocked;
  grouper_.add(g);
  if (const UserOrigin origin = user_origin(g, analysis_.user_code); origin.frame != nullptr) {
    auto& entry = by_user_[{origin.frame->function, origin.frame->file, origin.frame->line}];
    entry.first = *origin.frame;
    ++entry.second;
  }
}

SiteAnalysis SiteAnalyzer::finish(const Snapshot& end) {
  SiteAnalysis analysis = std::move(analysis_);
  analysis.names = end.names;
  analysis.truncated = end.truncated;
  analysis.bytes = end.bytes;
  analysis.groups = grouper_.take();
  for (const LeakGroup& group : analysis.groups) {
    const bool many = rules_.min_count > 0 && group.count() >= rules_.min_count;
    const bool long_blocked = rules_.min_minutes > 0 && group.max_wait_minutes.value_or(0) >= rules_.min_minutes;
    analysis.flagged.push_back(many || long_blocked);
  }
  for (auto& [key, entry] : by_user_) analysis.by_user_frame.push_back(entry);
  by_user_.clear();
  std::stable_sort(analysis.by_user_frame.begin(), analysis.by_user_frame.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  analysis_ = SiteAnalysis{};
  return analysis;
}

}  // namespace goleakcheck
