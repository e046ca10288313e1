// Reading one saved dump file with every core: the file is cut at record
// starts into one piece per core, and each piece is read by its own
// DumpReader at the same time. A 64 MiB dump is read in well under half
// the time of one pass (tests/bench/run).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "goleakcheck/dump.hpp"

namespace goleakcheck::cli {

// Where to cut `path` (of `size` bytes) into at most `parts` pieces: the
// offset of each piece's first byte, the first one 0. Each later piece
// starts at a line "goroutine " that follows a blank line, so that every
// piece before it ends with a whole record. Fewer pieces where no such
// line is found (a CRLF dump, a small file).
std::vector<std::uint64_t> record_aligned_cuts(const std::string& path, std::uint64_t size, unsigned parts);

// Feeds bytes [begin, end) of `path` to `reader` in 1 MiB chunks. Throws
// Error(ErrorKind::io) when the file cannot be read.
void feed_file_range(const std::string& path, std::uint64_t begin, std::uint64_t end, DumpReader& reader);

// Runs read_piece(i) for each piece on its own thread and waits for all;
// rethrows the first piece's error.
void for_each_piece_at_once(std::size_t pieces, const std::function<void(std::size_t)>& read_piece);

}  // namespace goleakcheck::cli
