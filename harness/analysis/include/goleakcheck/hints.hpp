// What kind of leak a group looks like, said only when its stack shows it,
// with why and the usual fix: the step a person takes after `traces` and
// `list`, guessing which known pattern it is.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "goleakcheck/goroutine.hpp"
#include "goleakcheck/user_code.hpp"

namespace goleakcheck {

struct LeakHint {
  // orphaned_sender, range_never_closed, receive_never_sent, nil_channel,
  // empty_select, select_never_ready, lock_never_released,
  // waitgroup_never_done, cond_never_signalled, client_per_call.
  std::string_view pattern;
  std::string why;       // the evidence, from the stack
  std::string_view fix;  // the usual fix
};

// The hint for a leaked goroutine (a group's example) and where the user's
// code is in its story; nullopt when the stack shows no known pattern.
// `blocking_line` is the text of the blocking site's line when it could be
// read (a `range` there tells a range over a channel from a receive: dumps
// hide the runtime frames that would). O(frames).
std::optional<LeakHint> leak_hint(const Goroutine& g, const UserOrigin& origin, std::string_view blocking_line = {});

}  // namespace goleakcheck
