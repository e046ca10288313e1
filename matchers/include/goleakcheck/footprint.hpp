// The goroutines a dump request itself creates in the program.
#pragma once

#include "goleakcheck/goroutine.hpp"

namespace goleakcheck {

// True for goroutines that exist only because a dump is being taken: the
// one serving the pprof request and net/http's background reader of that
// connection. They are never reported, whatever the ignore rules.
bool is_snapshot_footprint(const Goroutine& g);

}  // namespace goleakcheck
