// Reading /debug/pprof/goroutine?debug=1: goroutines grouped by identical
// stack, with a count per stack and no ids or states. It is the fallback
// when a debug=2 dump is cut off: its first line gives the true total, and
// counts per stack can still be compared.
//
// Every string_view in a Profile points into Profile::names, which the
// Profile keeps alive; a StackCount copied out is valid while it lives.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "goleakcheck/goroutine.hpp"

namespace goleakcheck {

// One record: `count` goroutines with this stack and these labels.
struct StackCount {
  std::uint64_t count = 0;
  // Innermost first, as the profile prints them: the runtime's own frames
  // are left out, and inlined calls appear as frames of their own.
  std::vector<Frame> frames;
  std::vector<Label> labels;  // decoded from `# labels: {"k":"v"}`; empty when none

  const Frame* blocking_site() const { return goleakcheck::blocking_site(frames); }
};

struct Profile {
  std::shared_ptr<const NamePool> names;  // what every view points into
  std::string_view name;                  // "goroutine", "goroutineleak"
  std::optional<std::uint64_t> total;     // "goroutine profile: total N"
  std::vector<StackCount> stacks;         // largest count first
  // The text ends inside a record, or its counts fall short of the total.
  bool truncated = false;

  std::uint64_t counted() const;
};

// Parses a debug=1 goroutine (or goroutineleak) profile. Forgiving like
// parse_dump: unknown lines are skipped; never throws. Linear in the text;
// thread-safe (it shares nothing).
Profile parse_profile(std::string_view text);

// A stack with more goroutines after than before. Its views point into the
// `after` profile's NamePool.
struct StackGrowth {
  std::uint64_t before = 0;
  std::uint64_t after = 0;
  StackCount stack;  // from `after`; the count is that of its largest label set

  std::uint64_t growth() const { return after - before; }
};


}  // namespace goleakcheck
