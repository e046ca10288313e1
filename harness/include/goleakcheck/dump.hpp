// Reading the text the Go runtime writes for all goroutines: the body of
// /debug/pprof/goroutine?debug=2, a SIGQUIT or panic dump with
// GOTRACEBACK=all, or runtime.Stack(buf, true).
#pragma once

#include <string>

#include "goleakcheck/goroutine.hpp"

namespace goleakcheck {

// Parses a debug=2 dump. Forgiving: text before the first record (a panic
// message, log lines), junk between records and lines it does not know are
// skipped without losing the records around them. A dump that ends inside a
// record keeps that record, marked partial, and is marked truncated.
// Never throws on malformed text; an empty or record-less text gives an empty
// snapshot.
Snapshot parse_dump(std::string text);

}  // namespace goleakcheck
