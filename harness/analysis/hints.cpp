#include "goleakcheck/hints.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace goleakcheck {

namespace {

bool has_frame(const Goroutine& g, std::string_view function) {
  return std::any_of(g.frames.begin(), g.frames.end(), [&](const Frame& f) { return f.function == function; });
}

std::string at(const Frame* frame) {
  return frame == nullptr ? std::string("?") : fmt::format("{} {}:{}", frame->function, frame->file, frame->line);
}

// Whether a line of Go ranges: "for range ch", "for v := range ch".
bool ranges(std::string_view line) {
  const std::size_t at = line.find("range");
  if (at == std::string_view::npos || line.find("for") > at) return false;
  const bool starts_word = at == 0 || line[at - 1] == ' ' || line[at - 1] == '\t';
  const bool ends_word = at + 5 == line.size() || line[at + 5] == ' ' || line[at + 5] == '\t';
  return starts_word && ends_word;
}

}  // namespace

std::optional<LeakHint> leak_hint(const Goroutine& g, const UserOrigin& origin, std::string_view blocking_line) {
  const std::string_view state = g.state;
  // Goroutines of a library, started from the user's code through it: the
  // library's own waits say nothing the user can fix; its lifetime does.
  if (origin.frame != nullptr && origin.started_it && !origin.through.empty()) {
    return LeakHint{"client_per_call",
                    fmt::format("its goroutines run only library code, started by your code at {} through {}",
                                at(origin.frame), origin.through.back()->function),
                    "a client or connection made per call and never closed: make one and share it, or Close it "
                    "when the call is done"};
  }
  if (state == "chan send (nil chan)" || state == "chan receive (nil chan)") {
    return LeakHint{"nil_channel", fmt::format("[{}]: a nil channel blocks forever", state),
                    "make the channel before use, or do not set it to nil while a goroutine may still use it"};
  }
  if (state == "select (no cases)") {
    return LeakHint{"empty_select", "select {} blocks forever",
                    "if this goroutine should end, wait on something that ends it (ctx.Done())"};
  }
  if (state == "chan send") {
    return LeakHint{"orphaned_sender",
                    "it blocks sending on a channel that nothing receives from any more (a timeout or an early "
                    "return left it, or N senders for one receive)",
                    "give the channel room for every sender (make(chan T, n)), or select on ctx.Done() next to "
                    "the send"};
  }
  if (state == "chan receive" && (ranges(blocking_line) || has_frame(g, "runtime.chanrecv2"))) {
    return LeakHint{"range_never_closed",
                    fmt::format("it blocks in {} over a channel that nobody closes",
                                ranges(blocking_line) ? "a range" : "a range (or a `v, ok := <-ch`)"),
                    "close the channel when the last value is sent, by its one sender"};
  }
  if (state == "chan receive") {
    return LeakHint{"receive_never_sent",
                    std::string("it blocks receiving on a channel that nothing sends on or closes"),
                    "send or close on every path, or select on ctx.Done() next to the receive"};
  }
  if (state == "select") {
    return LeakHint{"select_never_ready", std::string("it blocks in a select none of whose cases ever becomes ready"),
                    "add a case that ends it: ctx.Done() or a timer"};
  }
  if (state.starts_with("sync.Mutex.Lock") || state.starts_with("sync.RWMutex.") || has_frame(g, "sync.(*Mutex).Lock") ||
      has_frame(g, "sync.(*RWMutex).Lock") || has_frame(g, "sync.(*RWMutex).RLock")) {
    return LeakHint{"lock_never_released", std::string("it waits for a lock that is never unlocked"),
                    "unlock on every path: defer mu.Unlock() right after Lock"};
  }
  if (state.starts_with("sync.WaitGroup.Wait") || has_frame(g, "sync.(*WaitGroup).Wait")) {
    return LeakHint{"waitgroup_never_done",
                    std::string("it waits for a WaitGroup whose count never reaches zero"),
                    "call Done on every path of every worker (defer wg.Done()), and Add only for workers that run"};
  }
  if (state.starts_with("sync.Cond.Wait") || has_frame(g, "sync.(*Cond).Wait")) {
    return LeakHint{"cond_never_signalled", std::string("it waits on a Cond that nobody signals"),
                    "Signal or Broadcast after every change the waiters wait for"};
  }
  return std::nullopt;
}

}  // namespace goleakcheck
