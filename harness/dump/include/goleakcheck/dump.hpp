// Reading the text the Go runtime writes for all goroutines: the body of
// /debug/pprof/goroutine?debug=2, a SIGQUIT or panic dump with
// GOTRACEBACK=all, or runtime.Stack(buf, true).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

#include "goleakcheck/goroutine.hpp"

namespace goleakcheck {

// runtime/pprof gives up growing its buffer here and writes what fits, with
// no marker: a dump of exactly this size was cut off.
inline constexpr std::size_t kRuntimeDumpCap = std::size_t{64} << 20;

// Reads a debug=2 dump as it arrives, in chunks split anywhere, in one pass.
// Names are interned as they are read, so no chunk is kept once fed.
//
// Forgiving: text before the first record (a panic message, log lines), junk
// between records and lines it does not know are skipped without losing the
// records around them. Never throws on malformed text.
//
// Never drops a goroutine: every line that starts with "goroutine " and a
// digit starts a record, so a snapshot has exactly as many records as the
// text has such lines. A header it cannot read past the id is kept as
// Goroutine::unreadable_header, and that record counts as blocked.
//
// Worst case linear in the text. Not thread-safe; one reader per dump.
// Receives each record of a streaming DumpReader (see there).
using RecordHandler = std::function<void(const Goroutine&)>;

class DumpReader {
 public:
  // Collects every record into the snapshot that finish() returns.
  DumpReader();
  // Hands each record to `on_record` as soon as it is complete, in dump
  // order, and keeps none: memory stays flat in the number of goroutines.
  // The record passed is valid only during the call; its string_views stay
  // valid as long as the reader, then as Snapshot::names after finish(). A dump cut
  // off inside a record hands that record over, partial, from finish().
  // finish() then returns a snapshot with no goroutines.
  explicit DumpReader(RecordHandler on_record);
  DumpReader(DumpReader&&) noexcept;
  DumpReader& operator=(DumpReader&&) noexcept;
  ~DumpReader();

  void feed(std::string_view chunk);

  // The snapshot of everything fed. A dump that ends inside a record keeps
  // that record, marked partial, and is marked truncated; so is one of
  // exactly kRuntimeDumpCap bytes, and one the caller stopped reading early
  // (`cut_off`, e.g. at its own size cap). The reader is spent afterwards.
  Snapshot finish(bool cut_off = false);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Reads a whole debug=2 dump held in memory (a DumpReader fed once).
Snapshot parse_dump(std::string_view text);

}  // namespace goleakcheck
