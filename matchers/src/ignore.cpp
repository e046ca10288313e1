#include "goleakcheck/ignore.hpp"

namespace goleakcheck {

Ignore ignore_top_function(std::string function) {
  std::string name = "top: " + function;
  return Ignore{std::move(name), [function = std::move(function)](const Goroutine& g) {
                  return !g.frames.empty() && g.frames.front().function == function;
                }};
}

std::vector<Ignore> default_ignores() {
  return {
      ignore_top_function("os/signal.signal_recv"),
      ignore_top_function("runtime.ReadTrace"),
  };
}

}  // namespace goleakcheck
