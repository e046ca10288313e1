// Where dumps come from: a saved file, standard input ("-") or a running
// program's pprof address (http://host:port), handed over in chunks so that
// a dump of any size is never held whole; and a large saved file read with
// every core, cut at record starts into one piece per core, each piece read
// by its own DumpReader at the same time (a 64 MiB dump in well under half
// the time of one pass; tests/bench/run).
//
// Every function is safe to call from several threads at once on different
// sources; none keeps state between calls. Errors are Error(ErrorKind::io)
// naming the source, or a fetch's Error (http_client.hpp) for a URL.
#pragma once

#include <cstdint>
#include <fstream>
#include <functional>
#include <istream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/http_client.hpp"

namespace goleakcheck {

// How a source is named in messages: "standard input" for "-", else itself.
std::string source_name(const std::string& source);

// Whether `start` (a source's first bytes) begins a debug=1 profile
// ("goroutine profile: total N") rather than a debug=2 dump. O(first line).
bool looks_like_profile(std::string_view start);

// The first line of `path`, or what there is of it in its first 4 KiB;
// empty when the file cannot be read.
std::string read_start(const std::string& path);

// Hands a dump from a URL (its /debug/pprof/goroutine?debug=2), a file or
// stdin ("-") to `receive` in chunks of at most 1 MiB, on the calling
// thread. Reads at most `limits.max_bytes` (a pipe or /dev/zero may never
// end); for a URL, within `limits.deadline`. Returns true when it was cut
// at that cap with more to come.
bool read_source(const std::string& source, const FetchLimits& limits, const BodyReceiver& receive);

// The size of `source` when it is a regular file of `least` bytes or more,
// worth reading in pieces with every core; else 0 (stdin, a URL, a pipe, a
// small file). One stat(2).
std::uint64_t size_worth_reading_in_pieces(const std::string& source,
                                           std::uint64_t least = std::uint64_t{8} << 20);

// Where to cut `path` (of `size` bytes) into at most `parts` pieces: the
// offset of each piece's first byte, the first one 0. Each later piece
// starts at a line "goroutine " that follows a blank line, so that every
// piece before it ends with a whole record. Fewer pieces where no such
// line is found within 256 KiB of a cut (a CRLF dump, a small file). The
// first piece gets `first_weight` times the bytes of each other one, for
// work that costs less per byte in the first piece. Reads 256 KiB per cut.
std::vector<std::uint64_t> record_aligned_cuts(const std::string& path, std::uint64_t size, unsigned parts,
                                               double first_weight = 1.0);

// How many pieces to cut a file into: one per core, at most 4 (more buys
// nothing at the speed of the page cache).
unsigned pieces_for_this_machine();

// Opens a saved dump for reading.
std::ifstream open_dump(const std::string& path);

// Hands up to `limit` bytes of `in` to `receive` in 1 MiB chunks; returns
// how many. `name` names the stream in the error when reading fails.
std::uint64_t read_chunks(std::istream& in, std::uint64_t limit, const std::function<void(std::string_view)>& receive,
                          const std::string& name);

// The error (ErrorKind::io) for a saved dump that got shorter, or could
// not be read in part, while it was read.
Error dump_changed_while_read(const std::string& path);

// Feeds bytes [begin, end) of `path` to `reader` (read_chunks).
// dump_changed_while_read when the file ends before `end`.
void feed_file_range(const std::string& path, std::uint64_t begin, std::uint64_t end, DumpReader& reader);

// What the pieces of one dump, each read by its own DumpReader, say
// together, as one reader of the whole would: bytes, records, stray and
// unreadable lines summed, the first unreadable line kept, and truncated
// as the last piece is. Their records are not merged (they went to each
// reader's handler). O(pieces).
Snapshot combine_pieces(std::span<const Snapshot> ends);

// Runs read_piece(i) for each piece, piece 0 on the calling thread and
// each other on a thread of its own, and waits for all; then rethrows the
// first piece's error, if any. read_piece must be safe to run for
// different pieces at once.
void for_each_piece_at_once(std::size_t pieces, const std::function<void(std::size_t)>& read_piece);

}  // namespace goleakcheck
