// A single pass over the dump, line by line, with no allocation per line:
// fields are views into the text, and only each record's frame vector grows.
#include <charconv>
#include <cstring>

#include "goleakcheck/dump.hpp"

namespace goleakcheck {

namespace {

bool parse_uint(std::string_view digits, std::uint64_t& out) {
  if (digits.empty()) return false;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return ec == std::errc() && end == digits.data() + digits.size();
}

bool remove_suffix(std::string_view& text, std::string_view suffix) {
  if (!text.ends_with(suffix)) return false;
  text.remove_suffix(suffix.size());
  return true;
}

// "goroutine 7 [chan send (leaked), 3 minutes, locked to thread]:", or with
// "gp=0x… m=… mp=0x…" between the id and the bracket (GOTRACEBACK=system).
bool parse_header(std::string_view line, Goroutine& g) {
  constexpr std::string_view kPrefix = "goroutine ";
  if (!line.starts_with(kPrefix) || !line.ends_with("]:")) return false;
  line.remove_prefix(kPrefix.size());
  const std::size_t id_end = line.find_first_not_of("0123456789");
  if (id_end == std::string_view::npos || !parse_uint(line.substr(0, id_end), g.id)) return false;
  const std::size_t open = line.find('[', id_end);
  if (open == std::string_view::npos) return false;
  std::string_view inside = line.substr(open + 1, line.size() - open - 3);

  // The reason comes first and never holds a comma; the parts after it are
  // "N minutes", "locked to thread", and newer ones (synctest bubbles,
  // labels) kept in the text but not interpreted.
  const std::size_t comma = inside.find(", ");
  std::string_view reason = inside.substr(0, comma);
  for (bool more = true; more;) {
    more = false;
    if (remove_suffix(reason, " (leaked)")) g.leaked_marker = more = true;
    if (remove_suffix(reason, " (scan)")) more = true;
  }
  g.state = reason;

  std::string_view rest = comma == std::string_view::npos ? std::string_view{} : inside.substr(comma + 2);
  while (!rest.empty()) {
    const std::size_t next = rest.find(", ");
    std::string_view part = rest.substr(0, next);
    rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 2);
    if (part == "locked to thread") {
      g.locked_to_thread = true;
    } else if (remove_suffix(part, " minutes")) {
      std::uint64_t minutes = 0;
      if (parse_uint(part, minutes)) g.wait_minutes = static_cast<int>(minutes);
    }
  }
  return true;
}

// "pkg.(*T).Method(0xc000012345, {0x7b1, 0x3})" -> name and inlined flag.
Frame parse_call(std::string_view line) {
  Frame frame;
  if (line.ends_with(')')) {
    const std::size_t open = line.rfind('(');
    if (open != std::string_view::npos && open > 0) {
      frame.inlined = line.substr(open) == "(...)";
      line = line.substr(0, open);
    }
  }
  frame.function = line;
  return frame;
}

// "\t/abs/path/file.go:123 +0x1d fp=0x… sp=0x… pc=0x…" -> file and line.
// Windows paths hold a drive colon, so the line number follows the last one.
bool parse_location(std::string_view line, Frame& frame) {
  line.remove_prefix(1);  // the tab
  if (const std::size_t fp = line.find(" fp="); fp != std::string_view::npos) line = line.substr(0, fp);
  if (const std::size_t pc = line.rfind(" +0x"); pc != std::string_view::npos) line = line.substr(0, pc);
  const std::size_t colon = line.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::uint64_t number = 0;
  if (!parse_uint(line.substr(colon + 1), number)) return false;
  frame.file = line.substr(0, colon);
  frame.line = static_cast<int>(number);
  return true;
}

class Parser {
 public:
  explicit Parser(Snapshot& out) : out_(out) {}

  void feed_line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (current_ == nullptr) {
      start_record_if_header(line);
      return;
    }
    if (line.empty()) {
      finish_record();
    } else if (line.front() == '\t') {
      attach_location(line);
    } else if (line.starts_with("goroutine ")) {
      // A header without the blank line before it: a new record anyway.
      finish_record();
      start_record_if_header(line);
    } else {
      take_body_line(line);
    }
  }

  // Called once the text is exhausted; `ended_cleanly` says whether the last
  // line was newline-terminated.
  void finish(bool ended_cleanly) {
    if (current_ == nullptr) return;
    // The runtime ends every record with a location line; a record that
    // stops on a call line or mid-line was cut off.
    if (!ended_cleanly || awaiting_location_ != Awaiting::nothing || !has_body_) {
      current_->partial = true;
      out_.truncated = true;
    }
    finish_record();
  }

 private:
  enum class Awaiting { nothing, frame, creator };

  void start_record_if_header(std::string_view line) {
    Goroutine g;
    if (!parse_header(line, g)) return;  // preamble or junk: skip it
    out_.goroutines.push_back(std::move(g));
    current_ = &out_.goroutines.back();
    in_ancestors_ = false;
    has_body_ = false;
    awaiting_location_ = Awaiting::nothing;
  }

  void finish_record() {
    current_ = nullptr;
    awaiting_location_ = Awaiting::nothing;
  }

  void take_body_line(std::string_view line) {
    has_body_ = true;
    awaiting_location_ = Awaiting::nothing;
    if (line.starts_with("...") && line.ends_with("elided...")) {
      current_->frames_elided = true;
    } else if (line.starts_with("[originating from goroutine ")) {
      // GODEBUG=tracebackancestors: the creators' stacks, not this one's.
      in_ancestors_ = true;
    } else if (in_ancestors_) {
      // Ancestor frames are not part of this goroutine's own stack.
    } else if (line.starts_with("created by ")) {
      take_creator(line.substr(std::strlen("created by ")));
    } else if (line.ends_with(')')) {
      current_->frames.push_back(parse_call(line));
      awaiting_location_ = Awaiting::frame;
    }
    // Anything else ("non-Go function at pc=…", "stack unavailable") has no
    // location of its own and is not a frame.
  }

  // "created by pkg.F" or, since Go 1.21, "created by pkg.F in goroutine 6".
  void take_creator(std::string_view rest) {
    Frame creator;
    if (const std::size_t in = rest.rfind(" in goroutine "); in != std::string_view::npos) {
      std::uint64_t parent = 0;
      if (parse_uint(rest.substr(in + std::strlen(" in goroutine ")), parent)) {
        current_->creator_id = parent;
        rest = rest.substr(0, in);
      }
    }
    creator.function = rest;
    current_->created_by = creator;
    awaiting_location_ = Awaiting::creator;
  }

  void attach_location(std::string_view line) {
    Frame* target = nullptr;
    if (awaiting_location_ == Awaiting::frame) target = &current_->frames.back();
    if (awaiting_location_ == Awaiting::creator) target = &*current_->created_by;
    awaiting_location_ = Awaiting::nothing;
    if (target != nullptr) parse_location(line, *target);
  }

  Snapshot& out_;
  Goroutine* current_ = nullptr;  // stable: only the last element is written
  Awaiting awaiting_location_ = Awaiting::nothing;
  bool in_ancestors_ = false;
  bool has_body_ = false;  // a header alone is a record cut right after it
};

}  // namespace

Snapshot parse_dump(std::string text) {
  Snapshot snapshot;
  auto owned = std::make_shared<const std::string>(std::move(text));
  snapshot.text = owned;
  Parser parser(snapshot);

  const char* cursor = owned->data();
  const char* const end = cursor + owned->size();
  while (cursor < end) {
    const void* newline = std::memchr(cursor, '\n', static_cast<std::size_t>(end - cursor));
    const char* line_end = newline != nullptr ? static_cast<const char*>(newline) : end;
    parser.feed_line(std::string_view(cursor, static_cast<std::size_t>(line_end - cursor)));
    cursor = line_end + 1;
  }
  parser.finish(owned->empty() || owned->back() == '\n');
  return snapshot;
}

}  // namespace goleakcheck
