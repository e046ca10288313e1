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

// One pprof label (runtime/pprof.Labels, pprof.Do), decoded: quotes and
// escapes are gone, so a value may hold any text, newlines included.
struct Label {
  std::string_view key;
  std::string_view value;

  friend bool operator==(const Label&, const Label&) = default;
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
  // pprof labels printed in the header, in the runtime's order (by key):
  // Go 1.27 prints them after the brackets (`[chan receive] {k: v}:`) by
  // default; Go 1.26 inside them with GODEBUG=tracebacklabels=1
  // (`[chan receive labels:{"k": "v"}]:`). Empty when none were printed.
  std::vector<Label> labels;
  // The header line as printed, when it could not be read past the goroutine
  // id (a form this reader does not know); empty otherwise. Such a record is
  // kept, with its id and whatever frames follow, and counts as blocked:
  // what could not be read is never taken for harmless.
  std::string_view unreadable_header;
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
  // An unreadable header counts as blocked (see unreadable_header).
  bool blocked() const { return !unreadable_header.empty() || is_blocked_state(state); }

  // The value of label `key`, or null.
  const std::string_view* label(std::string_view key) const;

  // The user's line that blocks (see goleakcheck::blocking_site).
  const Frame* blocking_site() const;

  static bool is_blocked_state(std::string_view state);

  // Field by field; names compare by their text.
  friend bool operator==(const Goroutine&, const Goroutine&) = default;
};

// A function name as its author wrote it. The linker escapes some bytes of
// an import path's last element as %XX ('.', '%', '"', spaces and control
// bytes), and the runtime prints them so: the package nats.go prints as
// "github.com/nats-io/nats%2ego.(*Conn).readLoop". The readers decode every
// name they read, so records hold "nats.go"; ignore rules decode their
// patterns the same way, so both forms match.
std::string unescape_go_symbol(std::string_view name);

// True for the runtime's and the standard library's plumbing between a
// blocking call and the code that made it: runtime.*, sync.*, internal/*,
// time.Sleep (implemented in the runtime), and the I/O layers net.*,
// bufio.*, io.*, os.*, syscall.* and crypto/tls.* (net/http and the like
// are not: they say what is waited for). The innermost frame itself stays
// in Goroutine::frames (and "innermost_frame" in JSON).
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
  // Non-blank lines that are no part of any record (outside them, or inside
  // one but neither header, frame, creator nor marker), and their bytes with
  // newlines: a crash log's preamble, junk, or, when they are most of the
  // text, no dump at all.
  std::size_t stray_lines = 0;
  std::size_t stray_bytes = 0;
  // Of those, the bytes of lines that are not text (control bytes other
  // than tab, carriage return and escape; NUL): random bytes or a binary
  // file, never the log lines a crash is found among.
  std::size_t binary_stray_bytes = 0;
  // Lines of a record that look like a part of it but cannot be read: a
  // location with no line number, a number past what Go ever writes (a
  // line past 2^31, minutes past 2^31). What they would have said is left
  // out of the record (a frame keeps its function, with no file and line
  // 0), counted here, the first kept as it stood, interned in `names`.
  std::size_t unreadable_lines = 0;
  std::string_view first_unreadable_line;
  // Every record read: goroutines.size(), or as many as were handed to a
  // DumpReader's RecordHandler (then `goroutines` is empty).
  std::size_t records_read = 0;

  const Goroutine* find(std::uint64_t id) const;
  // How many records have an unreadable header (Goroutine::unreadable_header).
  std::size_t unreadable_records() const;
};

}  // namespace goleakcheck
