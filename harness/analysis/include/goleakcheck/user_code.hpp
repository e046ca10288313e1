// Where the user's own code is in a goroutine's story: the line that
// blocks, or the line that started it (through a library's goroutines),
// so that a report leads to the line to fix even when every frame of the
// leaked goroutine is a library's.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "goleakcheck/goroutine.hpp"

namespace goleakcheck {

// Which frames are the user's. By default a guess from the file: neither
// in a Go root (the standard library's files, under .../src/PACKAGE/), nor
// in the module cache (/pkg/mod/), nor vendored (/vendor/). When `modules`
// is given (--module), frames of those packages (import path prefixes,
// "main" included when wanted) and no others. A plain value; thread-safe.
struct UserCode {
  std::vector<std::string> modules;

  // O(|function| + |file|).
  bool owns(const Frame& frame) const;
};

// The user's frame that leads to a goroutine.
struct UserOrigin {
  // The user's frame: in the goroutine's own stack (it blocks inside a call
  // the user made), or where the user's code started it or one of its
  // creators. Null when no frame of the story is the user's. Points into
  // the goroutine it was found for.
  const Frame* frame = nullptr;
  bool started_it = false;  // the frame started the goroutine (or a creator of it)
  // The library's creators between that frame and the goroutine, the
  // goroutine's own creator first.
  std::vector<const Frame*> through;
  // Ancestors were needed and the dump had none (no
  // GODEBUG=tracebackancestors): the creation chain stops at a library.
  bool ancestors_missing = false;
};

// Looks at the goroutine's frames, innermost first, then its creator, then
// each ancestor's stack and creator (GODEBUG=tracebackancestors), nearest
// first. O(frames of the whole story).
UserOrigin user_origin(const Goroutine& g, const UserCode& user);

}  // namespace goleakcheck
