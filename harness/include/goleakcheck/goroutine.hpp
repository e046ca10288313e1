// The goroutine records read from a Go runtime dump.
//
// Records are views into the dump text they were parsed from: every
// std::string_view below points into Snapshot::text, which the Snapshot (and
// every LeakReport made from it) keeps alive. Copy a Goroutine out only while
// its Snapshot lives.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
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

struct Goroutine {
  std::uint64_t id = 0;
  // The wait reason or status between the brackets, without the " (scan)"
  // and " (leaked)" markers: "chan send", "sync.Mutex.Lock", "running".
  std::string_view state;
  std::optional<int> wait_minutes;  // the runtime prints it from 1 minute on
  bool locked_to_thread = false;
  // Go 1.26+ (GOEXPERIMENT=goroutineleakprofile): the GC proved this
  // goroutine blocked on something no running goroutine can reach.
  bool leaked_marker = false;
  std::vector<Frame> frames;  // innermost first
  bool frames_elided = false;
  std::optional<Frame> created_by;  // absent for goroutine 1 and system ones
  std::optional<std::uint64_t> creator_id;  // Go 1.21+: "in goroutine N"
  // The dump was cut off inside this record (always the last one).
  bool partial = false;

  // Parked in a waiting state (channel, select, lock, IO, sleep, ...), as
  // opposed to running, runnable or in a system call.
  bool blocked() const { return is_blocked_state(state); }

  // The user's line that blocks: the innermost frame outside the runtime and
  // the standard library's sync and internal packages. Falls back to the
  // innermost frame when every frame is such infrastructure; null when the
  // record has no frame at all.
  const Frame* blocking_site() const;

  static bool is_blocked_state(std::string_view state);
};

// True for the runtime's and the standard library's plumbing between a
// blocking call and the code that made it: runtime.*, sync.*, internal/*
// and time.Sleep (implemented in the runtime).
bool is_blocking_plumbing(std::string_view function);

// All goroutines of one dump, with the text they point into.
struct Snapshot {
  std::shared_ptr<const std::string> text;
  std::vector<Goroutine> goroutines;
  // The text ends inside a record: the runtime's 64 MiB cap, or a cut
  // connection. Ids missing from a truncated snapshot prove nothing.
  bool truncated = false;

  const Goroutine* find(std::uint64_t id) const;
};

}  // namespace goleakcheck
