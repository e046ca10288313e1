// Rules that say which new goroutines are not leaks.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "goleakcheck/goroutine.hpp"

namespace goleakcheck {

// A named predicate over a goroutine record. The name is what reports and
// --warn-unused-ignores show.
struct Ignore {
  std::string name;
  std::function<bool(const Goroutine&)> matches;
};

// The goroutine's innermost frame is `function` exactly (goleak's
// IgnoreTopFunction).
Ignore ignore_top_function(std::string function);

// The runtime's and the standard library's background goroutines that start
// lazily, so a scenario can be the first to start them:
//   - os/signal's loop, started by the first signal.Notify;
//   - runtime.ReadTrace's reader, while an execution trace runs.
std::vector<Ignore> default_ignores();

}  // namespace goleakcheck
