#include "goleakcheck/summary.hpp"

namespace goleakcheck {

void DumpSummary::add(const Goroutine& g) {
  ++goroutines;
  if (!g.unreadable_header.empty()) ++unreadable;
  ++states[g.state];
  if (g.blocked()) blocked.add(g);
}

void DumpSummary::merge(DumpSummary&& other) {
  goroutines += other.goroutines;
  unreadable += other.unreadable;
  for (const auto& [state, count] : other.states) states[state] += count;
  blocked.merge(std::move(other.blocked));
  other = DumpSummary{};
}

}  // namespace goleakcheck
