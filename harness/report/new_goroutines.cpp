#include "goleakcheck/report.hpp"

namespace goleakcheck {

void record_new_goroutines(const NewGoroutines& sorted, const Snapshot& after, const TriageRules& rules,
                           LeakReport& report) {
  const auto copy_out = [](const std::vector<const Goroutine*>& goroutines) {
    std::vector<Goroutine> copies;
    copies.reserve(goroutines.size());
    for (const Goroutine* g : goroutines) copies.push_back(*g);
    return copies;
  };
  report.leaks = copy_out(sorted.blocked);
  report.still_running = copy_out(sorted.active);
  report.idle_connections = copy_out(sorted.idle_connections);
  report.ignored = sorted.ignored;
  report.ignore_uses.clear();
  for (std::size_t i = 0; i < rules.ignores.size(); ++i) {
    report.ignore_uses.push_back({rules.ignores[i].name, rules.ignores[i].origin, sorted.hits[i]});
  }
  report.final_goroutines = after.goroutines.size();
  report.names.push_back(after.names);
}

}  // namespace goleakcheck
