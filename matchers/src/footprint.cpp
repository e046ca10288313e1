#include "goleakcheck/footprint.hpp"

#include <algorithm>

namespace goleakcheck {

bool is_snapshot_footprint(const Goroutine& g) {
  if (g.created_by && g.created_by->function == "net/http.(*connReader).startBackgroundRead") return true;
  return std::any_of(g.frames.begin(), g.frames.end(), [](const Frame& f) {
    return f.function == "runtime/pprof.writeGoroutineStacks" || f.function.starts_with("net/http/pprof.") ||
           f.function == "net/http.(*connReader).backgroundRead";  // as debug=1 shows it: no creator there
  });
}

}  // namespace goleakcheck
