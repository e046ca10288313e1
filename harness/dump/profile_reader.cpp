#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <string>

#include "goleakcheck/profile.hpp"
#include "dump/go_text.hpp"
#include "dump/line_splitter.hpp"
#include "dump/name_pool.hpp"
#include "dump/text_fields.hpp"

namespace goleakcheck {

namespace {

using detail::parse_uint;

// The next field of a "#\t0x4a1b24\tmain.worker+0x44\t/src/main.go:20" line;
// fields are separated by runs of tabs.
std::string_view next_field(std::string_view& rest) {
  const std::size_t start = rest.find_first_not_of('\t');
  if (start == std::string_view::npos) return rest = {};
  rest.remove_prefix(start);
  const std::size_t end = std::min(rest.find('\t'), rest.size());
  const std::string_view field = rest.substr(0, end);
  rest.remove_prefix(end);
  return field;
}

bool parse_frame(std::string_view rest, Frame& frame, NamePool& names, std::string& scratch) {
  next_field(rest);  // the pc
  std::string_view function = next_field(rest);
  const std::string_view location = next_field(rest);
  if (const std::size_t offset = function.rfind("+0x"); offset != std::string_view::npos) {
    function = function.substr(0, offset);
  }
  const std::size_t colon = location.rfind(':');
  std::uint64_t line = 0;
  // Go's line numbers are int32: a larger one would wrap.
  if (function.empty() || colon == std::string_view::npos || !parse_uint(location.substr(colon + 1), line) ||
      line > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    return false;
  }
  frame.function = detail::intern_symbol(function, names, scratch);
  frame.file = names.intern(location.substr(0, colon));
  frame.line = static_cast<int>(line);
  return true;
}

}  // namespace

std::uint64_t Profile::counted() const {
  std::uint64_t sum = 0;
  for (const StackCount& s : stacks) sum += s.count;
  return sum;
}

Profile parse_profile(std::string_view text) {
  auto names = std::make_shared<NamePool>();
  Profile profile;
  StackCount* current = nullptr;
  std::string scratch;
  bool last_line_blank = false;
  const auto take_line = [&](std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    last_line_blank = line.empty();
    if (line.empty()) {
      current = nullptr;
    } else if (line.starts_with("#\t") || line.starts_with("# \t")) {
      Frame frame;
      if (current != nullptr && parse_frame(line.substr(1), frame, *names, scratch)) current->frames.push_back(frame);
    } else if (line.starts_with("# labels: {")) {
      // {"k":"v", "k2":"v2"}: a set that cannot be read is left out whole.
      std::string_view rest = line.substr(std::strlen("# labels: {"));
      if (current != nullptr && !detail::read_labels(rest, current->labels, *names, scratch)) current->labels.clear();
    } else if (const std::size_t at = line.find(" @ "); at != std::string_view::npos) {
      StackCount stack;
      if (!parse_uint(line.substr(0, at), stack.count)) return;
      profile.stacks.push_back(std::move(stack));
      current = &profile.stacks.back();
    } else if (const std::size_t total = line.find(" profile: total "); total != std::string_view::npos) {
      profile.name = names->intern(line.substr(0, total));
      std::uint64_t n = 0;
      if (parse_uint(line.substr(total + std::strlen(" profile: total ")), n)) profile.total = n;
    }
  };
  detail::LineSplitter lines;
  lines.feed(text, take_line);
  const bool ended_cleanly = lines.finish(take_line);
  // runtime/pprof ends every record with a blank line (a record may have no
  // frame at all: a stack of hidden runtime frames), so a complete profile
  // ends with one; and its counts add up to the total.
  const bool last_complete = profile.stacks.empty() || (ended_cleanly && last_line_blank);
  profile.truncated = !last_complete || (profile.total && profile.counted() < *profile.total);
  profile.names = std::move(names);
  return profile;
}

}  // namespace goleakcheck
