// The goroutine records read from a Go runtime dump.
//
// Every std::string_view in these records points into the snapshot's
// NamePool, where each distinct function, file, state and label text is
// stored once. The Snapshot (and every LeakReport made from it) keeps the
// pool alive; a Goroutine copied out is valid while one of them lives.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace goleakcheck {

// One call frame: `pkg.(*T).Method` at `/abs/path/file.go:123`.
struct Frame {
  std::string_view function;  // without its argument list
  std::string_view file;      // as printed; may be a Windows path
  int line = 0;
  bool inlined = false;  // printed with "(...)" arguments

  friend bool operator==(const Frame&, const Frame&) = default;
};

// A creator's stack, printed with GODEBUG=tracebackancestors=N after the
// goroutine's own: "[originating from goroutine N]:".
struct Ancestor {
  std::uint64_t id = 0;
  std::vector<Frame> frames;  // innermost first, all printed "(...)"
  std::optional<Frame> created_by;

  friend bool operator==(const Ancestor&, const Ancestor&) = default;
};

struct Goroutine {
  std::uint64_t id = 0;
  // The wait reason or status between the brackets, without the " (scan)"
  // and " (leaked)" markers: "chan send", "sync.Mutex.Lock", "running",
  // "chan receive (durable)" (the runtime's own name inside a synctest
  // bubble).
  std::string_view state;
  std::optional<int> wait_minutes;  // the runtime prints it from 1 minute on
  bool locked_to_thread = false;
  // Go 1.26+ (GOEXPERIMENT=goroutineleakprofile): the GC proved this
  // goroutine blocked on something no running goroutine can reach.
  bool leaked_marker = false;
  // Go 1.24+: "synctest bubble N" (Go 1.24's "synctest group N").
  std::optional<std::uint64_t> synctest_bubble;
  // pprof labels printed in the header ("labels:{...}"), as printed; empty
  // when none.
  std::string_view labels;
  std::vector<Frame> frames;  // innermost first
  // The runtime printed only part of a deep stack. Go 1.21+ says how many
  // frames it left out ("...N frames elided..."); older ones do not (0).
  bool frames_elided = false;
  std::uint64_t elided_frame_count = 0;
  // "goroutine running on other thread; stack unavailable".
  bool stack_unavailable = false;
  std::optional<Frame> created_by;  // absent for goroutine 1 and system ones
  std::optional<std::uint64_t> creator_id;  // Go 1.21+: "in goroutine N"
  std::vector<Ancestor> ancestors;          // nearest creator first
  // The dump was cut off inside this record (always the last one).
  bool partial = false;

  // Parked in a waiting state (channel, select, lock, IO, sleep, ...), as
  // opposed to running, runnable or in a system call.
  bool blocked() const { return is_blocked_state(state); }

  // The user's line that blocks (see goleakcheck::blocking_site).
  const Frame* blocking_site() const;

  static bool is_blocked_state(std::string_view state);

  // Field by field; names compare by their text.
  friend bool operator==(const Goroutine&, const Goroutine&) = default;
};

// True for the runtime's and the standard library's plumbing between a
// blocking call and the code that made it: runtime.*, sync.*, internal/*
// and time.Sleep (implemented in the runtime).
bool is_blocking_plumbing(std::string_view function);

// The user's line in a stack, innermost first: the first frame that is not
// blocking plumbing. Falls back to the innermost frame when every frame is
// plumbing; null for no frames.
const Frame* blocking_site(std::span<const Frame> frames);

// Owns the characters of every name in a snapshot (see the top of this
// file). Opaque: records reach it through their string_views only.
class NamePool;

// All goroutines of one dump.
struct Snapshot {
  std::shared_ptr<const NamePool> names;
  std::vector<Goroutine> goroutines;
  std::size_t bytes = 0;  // the size of the dump as read
  // The dump was cut off: it ends inside a record, or at the runtime's
  // 64 MiB cap, or at the reader's own size cap. Ids missing from a
  // truncated snapshot prove nothing.
  bool truncated = false;

  const Goroutine* find(std::uint64_t id) const;
};

}  // namespace goleakcheck
