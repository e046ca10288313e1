// Reading dumps for the offline commands: from a file, stdin or a URL, in
// chunks; and one saved dump file with every core: the file is cut at
// record starts into one piece per core, and each piece is read by its own
// DumpReader at the same time. A 64 MiB dump is read in well under half
// the time of one pass (tests/bench/run).
#pragma once

#include <cstdint>
#include <fstream>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/http_client.hpp"

namespace goleakcheck::cli {

// debug=1 starts "goroutine profile: total N"; debug=2 with a record.
bool looks_like_profile(std::string_view start);

// Hands a dump from a URL (its /debug/pprof/goroutine?debug=2), a file or
// stdin ("-") to `receive` in chunks, so a large one is never held whole.
// Returns true when it was cut at `limits.max_bytes`.
bool read_source(const std::string& source, const FetchLimits& limits, const BodyReceiver& receive);

// Where to cut `path` (of `size` bytes) into at most `parts` pieces: the
// offset of each piece's first byte, the first one 0. Each later piece
// starts at a line "goroutine " that follows a blank line, so that every
// piece before it ends with a whole record. Fewer pieces where no such
// line is found (a CRLF dump, a small file). The first piece gets
// `first_weight` times the bytes of each other one, for work that costs
// less per byte in the first piece.
std::vector<std::uint64_t> record_aligned_cuts(const std::string& path, std::uint64_t size, unsigned parts,
                                               double first_weight = 1.0);

// Opens a saved dump. Throws Error(ErrorKind::io), naming it, when it cannot.
std::ifstream open_dump(const std::string& path);

// Hands up to `limit` bytes of `in` to `receive` in 1 MiB chunks, so that a
// dump is never held whole; returns how many. Throws Error(ErrorKind::io)
// naming `name` when reading fails.
std::uint64_t read_chunks(std::istream& in, std::uint64_t limit, const std::function<void(std::string_view)>& receive,
                          const std::string& name);

// Feeds bytes [begin, end) of `path` to `reader` (read_chunks).
void feed_file_range(const std::string& path, std::uint64_t begin, std::uint64_t end, DumpReader& reader);

// Runs read_piece(i) for each piece on its own thread and waits for all;
// rethrows the first piece's error.
void for_each_piece_at_once(std::size_t pieces, const std::function<void(std::size_t)>& read_piece);

}  // namespace goleakcheck::cli
