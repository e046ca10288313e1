// What leads a reader from a leak group to the user's code, the same in
// every report format: where the user's code is in the goroutines' story,
// whether that is news next to the blocking site, the line to quote, and
// the pattern hint.
#pragma once

#include <optional>

#include "goleakcheck/hints.hpp"
#include "goleakcheck/report.hpp"
#include "goleakcheck/user_code.hpp"
#include "goleakcheck/source_lines.hpp"

namespace goleakcheck::detail {

struct GroupLead {
  UserOrigin origin;            // points into the group's example
  bool site_is_users = false;   // the blocking site is the user's own line
  bool says_origin = false;     // the user's frame is not just the blocking site again
  const Frame* quoted = nullptr;  // the user's line to quote (the origin, else a user's blocking site), or null
  std::optional<LeakHint> hint;
};

// `sources` null: no file is read (nothing to quote, and no `range` seen on
// the blocking line). The group must outlive the lead. O(frames of the
// story), plus reading each source file once per SourceLines.
GroupLead lead_of(const LeakGroup& group, const UserCode& user, SourceLines* sources);

}  // namespace goleakcheck::detail
