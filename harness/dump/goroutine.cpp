#include "goleakcheck/goroutine.hpp"

#include <algorithm>
#include <array>

namespace goleakcheck {

namespace {

// Statuses of a goroutine that is not parked on something. Every other text
// in the brackets is a wait reason (the runtime's waitReasonStrings), and so
// blocked, whatever Go version invented it.
constexpr std::array<std::string_view, 7> kActiveStates = {
    "running", "runnable", "syscall", "idle", "dead", "copystack", "preempted"};

// The runtime, sync and internal packages, and the standard library's I/O
// plumbing between a read or write and the code that asked for it: a
// network wait names the caller of net.(*conn).Read, not the read itself.
constexpr std::array<std::string_view, 9> kPlumbingPrefixes = {
    "runtime.", "sync.", "internal/", "net.", "bufio.", "io.", "os.", "syscall.", "crypto/tls."};

// A sleep parks in the runtime too, but its caller is the site.
constexpr std::string_view kSleep = "time.Sleep";

// The first bytes of the prefixes and of kSleep: most user frames
// ("main.", "github.com/...") are told apart by their first byte alone.
constexpr std::array<bool, 256> kPlumbingFirstBytes = [] {
  std::array<bool, 256> first{};
  for (std::string_view prefix : kPlumbingPrefixes) first[static_cast<unsigned char>(prefix.front())] = true;
  first[static_cast<unsigned char>(kSleep.front())] = true;
  return first;
}();

}  // namespace

bool Goroutine::is_blocked_state(std::string_view state) {
  if (state.empty()) return false;
  return std::find(kActiveStates.begin(), kActiveStates.end(), state) == kActiveStates.end();
}

bool is_blocking_plumbing(std::string_view function) {
  if (function.empty() || !kPlumbingFirstBytes[static_cast<unsigned char>(function.front())]) return false;
  if (function == kSleep) return true;
  return std::any_of(kPlumbingPrefixes.begin(), kPlumbingPrefixes.end(),
                     [&](std::string_view prefix) { return function.starts_with(prefix); });
}

const Frame* blocking_site(std::span<const Frame> frames) {
  if (frames.empty()) return nullptr;
  for (const Frame& frame : frames) {
    if (!is_blocking_plumbing(frame.function)) return &frame;
  }
  return &frames.front();
}

const Frame* Goroutine::blocking_site() const { return goleakcheck::blocking_site(frames); }

const std::string_view* Goroutine::label(std::string_view key) const {
  for (const Label& l : labels) {
    if (l.key == key) return &l.value;
  }
  return nullptr;
}

std::size_t Snapshot::unreadable_records() const {
  return static_cast<std::size_t>(std::count_if(goroutines.begin(), goroutines.end(),
                                                [](const Goroutine& g) { return !g.unreadable_header.empty(); }));
}

const Goroutine* Snapshot::find(std::uint64_t id) const {
  for (const Goroutine& g : goroutines) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

}  // namespace goleakcheck
