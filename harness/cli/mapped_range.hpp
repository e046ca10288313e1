// The command's read of a large saved dump: the file mapped, a window at a
// time, instead of copied into a buffer by read(2). For `parse` of a 64 MiB
// dump this takes the kernel's copy (most of `cat`'s cost) out of the
// process's CPU time (tests/bench/run).
#pragma once

#include <cstdint>
#include <string>

#include "goleakcheck/dump.hpp"

namespace goleakcheck::cli {

// Feeds bytes [begin, end) of the regular file `path` to `reader`, as
// feed_file_range does, through read-only mappings of at most 16 MiB,
// each populated when made and unmapped once fed, so that the process
// maps one window per reading thread at a time. Where the file cannot be
// mapped it is read with feed_file_range.
//
// A file that shrinks while it is read would fault (SIGBUS) on the pages
// gone. The first call installs a process-wide SIGBUS handler that, for an
// address inside a window, puts a page of zeros in its place and marks the
// window; the read then ends in Error(ErrorKind::io) saying the file
// changed. A fault anywhere else is left to the handling there was before.
// That handler is why this lives in the command and not in the library:
// a library has no business owning a signal in its users' processes.
//
// Thread-safe: the pieces of one file are read at once, each by its own
// thread, with up to 64 windows mapped at a time.
void feed_mapped_range(const std::string& path, std::uint64_t begin, std::uint64_t end, DumpReader& reader);

}  // namespace goleakcheck::cli
