#include "report_fixture.hpp"

#include "goleakcheck/dump.hpp"
#include "source_marker.hpp"

namespace goleakcheck::test {

LeakReport report_of_fixture() {
  const Snapshot s = parse_dump(read_file(fixture("go1.26-leakyservice.debug2.txt")));
  LeakReport report;
  for (std::uint64_t id : {9, 13, 15, 23, 24, 32, 35, 55}) report.leaks.push_back(*s.find(id));
  report.groups = group_leaks(report.leaks);
  report.baseline_goroutines = 5;
  report.final_goroutines = s.goroutines.size();
  report.snapshots = 13;
  report.elapsed = std::chrono::milliseconds(1503);
  report.settle = std::chrono::milliseconds(1500);
  report.read_sources = false;
  report.names.push_back(s.names);
  return report;
}

}  // namespace goleakcheck::test
