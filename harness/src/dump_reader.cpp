// One pass over the dump, line by line. Nothing is allocated per line:
// names go to the NamePool (a hash lookup, a copy only the first time), a
// record's frames collect in a reused vector and are copied out once.
#include <charconv>
#include <cstring>

#include "goleakcheck/dump.hpp"
#include "line_splitter.hpp"
#include "name_pool.hpp"
#include "text_fields.hpp"

namespace goleakcheck {

namespace {

using detail::find_last;
using detail::parse_uint;
using detail::remove_prefix;
using detail::remove_suffix;

// The parts after the wait reason, comma separated: "3 minutes", "locked to
// thread", "synctest bubble 1" (Go 1.24: "synctest group 1"), and pprof
// labels, whose text may itself hold ", " and so runs to the last '}'.
void parse_header_parts(std::string_view rest, Goroutine& g, NamePool& names) {
  while (!rest.empty()) {
    std::string_view part;
    if (rest.starts_with("labels:")) {
      const std::size_t close = rest.rfind('}');
      part = rest.substr(0, close == std::string_view::npos ? rest.size() : close + 1);
      g.labels = names.intern(part.substr(std::strlen("labels:")));
    } else {
      part = rest.substr(0, rest.find(", "));
    }
    rest.remove_prefix(part.size());
    remove_prefix(rest, ", ");

    std::uint64_t number = 0;
    if (part == "locked to thread") {
      g.locked_to_thread = true;
    } else if (remove_suffix(part, " minutes") && parse_uint(part, number)) {
      g.wait_minutes = static_cast<int>(number);
    } else if ((remove_prefix(part, "synctest bubble ") || remove_prefix(part, "synctest group ")) &&
               parse_uint(part, number)) {
      g.synctest_bubble = number;
    }
  }
}

// "goroutine 7 [chan send (leaked), 3 minutes, locked to thread]:", or with
// "gp=0x… m=… mp=0x…" between the id and the bracket (GOTRACEBACK=system).
bool parse_header(std::string_view line, Goroutine& g, NamePool& names) {
  if (!remove_prefix(line, "goroutine ") || !remove_suffix(line, "]:")) return false;
  const std::size_t id_end = line.find_first_not_of("0123456789");
  if (id_end == std::string_view::npos || !parse_uint(line.substr(0, id_end), g.id)) return false;
  const std::size_t open = line.find('[', id_end);
  if (open == std::string_view::npos) return false;
  const std::string_view inside = line.substr(open + 1);

  // The reason comes first and never holds a comma. The runtime appends
  // " (scan)" while the GC scans the stack, and " (leaked)" (Go 1.26+) when
  // the GC proved it leaked; " (durable)" is part of the reason's own name.
  const std::size_t comma = inside.find(", ");
  std::string_view reason = inside.substr(0, comma);
  for (bool more = true; more;) {
    more = false;
    if (remove_suffix(reason, " (leaked)")) g.leaked_marker = more = true;
    if (remove_suffix(reason, " (scan)")) more = true;
  }
  g.state = names.intern(reason);
  if (comma != std::string_view::npos) parse_header_parts(inside.substr(comma + 2), g, names);
  return true;
}

// "\t/abs/path/file.go:123 +0x1d fp=0x… sp=0x… pc=0x…" -> file and line.
// The line number follows the last colon (Windows paths hold a drive colon;
// the trailing fields hold none) and ends at a space or the end of the line,
// so a path may hold spaces too.
bool parse_location(std::string_view line, Frame& frame, NamePool& names) {
  line.remove_prefix(1);  // the tab
  const std::size_t colon = find_last(line, ':');
  if (colon == std::string_view::npos) return false;
  const char* digits = line.data() + colon + 1;
  const char* const end = line.data() + line.size();
  std::uint64_t number = 0;
  const auto [after, ec] = std::from_chars(digits, end, number);
  if (ec != std::errc() || (after != end && *after != ' ')) return false;
  frame.file = names.intern(line.substr(0, colon));
  frame.line = static_cast<int>(number);
  return true;
}

}  // namespace

struct DumpReader::State {
  enum class Awaiting { nothing, frame, creator };

  std::shared_ptr<NamePool> names = std::make_shared<NamePool>();
  detail::LineSplitter lines;
  Snapshot snapshot;

  // The record being read.
  bool in_record = false;
  Goroutine current;
  std::vector<Frame> frames;  // its own frames; reused across records
  bool in_ancestors = false;
  bool has_body = false;  // a header alone is a record cut right after it
  Awaiting awaiting = Awaiting::nothing;

  void take_line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!in_record) {
      start_record_if_header(line);
    } else if (line.empty()) {
      finish_record();
    } else if (line.front() == '\t' && awaiting != Awaiting::nothing) {
      attach_location(line);
    } else if (line.front() == '\t') {
      // Indented but no frame waits for a location: the runtime's
      // "\tgoroutine running on other thread; stack unavailable".
      take_body_line(line.substr(1));
    } else if (line.starts_with("goroutine ") && line.ends_with("]:")) {
      // A header without the blank line before it: a new record anyway.
      finish_record();
      start_record_if_header(line);
    } else {
      take_body_line(line);
    }
  }

  void start_record_if_header(std::string_view line) {
    if (!line.starts_with("goroutine ")) return;  // preamble or junk: skip it
    current = Goroutine{};
    if (!parse_header(line, current, *names)) return;
    in_record = true;
    frames.clear();
    in_ancestors = false;
    has_body = false;
    awaiting = Awaiting::nothing;
  }

  void finish_record(bool partial = false) {
    current.frames.assign(frames.begin(), frames.end());
    current.partial = partial;
    snapshot.goroutines.push_back(std::move(current));
    in_record = false;
  }

  std::vector<Frame>& frame_list() { return in_ancestors ? current.ancestors.back().frames : frames; }
  std::optional<Frame>& creator() { return in_ancestors ? current.ancestors.back().created_by : current.created_by; }

  void take_body_line(std::string_view line) {
    has_body = true;
    awaiting = Awaiting::nothing;
    if (line.ends_with(')')) {
      take_call(line);
    } else if (line.starts_with("created by ")) {
      take_creator(line.substr(std::strlen("created by ")));
    } else if (line.starts_with("...") && line.ends_with(" elided...")) {
      // "...additional frames elided..." (Go <= 1.20) or "...N frames elided...".
      current.frames_elided = true;
      std::uint64_t count = 0;
      const std::string_view middle = line.substr(3);
      if (parse_uint(middle.substr(0, middle.find(' ')), count)) current.elided_frame_count = count;
    } else if (line.starts_with("[originating from goroutine ") && line.ends_with("]:")) {
      // GODEBUG=tracebackancestors: a creator's stack, kept apart.
      Ancestor ancestor;
      const std::string_view id = line.substr(std::strlen("[originating from goroutine "));
      parse_uint(id.substr(0, id.size() - 2), ancestor.id);
      current.ancestors.push_back(std::move(ancestor));
      in_ancestors = true;
    } else if (line.ends_with("stack unavailable")) {
      current.stack_unavailable = true;
    }
    // Anything else ("non-Go function at pc=…", a stray log line) has no
    // frame of this goroutine in it.
  }

  // "pkg.(*T).Method(0xc000012345, {0x7b1, 0x3})": the arguments start at
  // the last '(' since names hold parentheses too.
  void take_call(std::string_view line) {
    const std::size_t open = find_last(line, '(');
    if (open == std::string_view::npos || open == 0) return;
    Frame frame;
    frame.inlined = line.substr(open) == "(...)";
    frame.function = names->intern(line.substr(0, open));
    frame_list().push_back(frame);
    awaiting = Awaiting::frame;
  }

  // "created by pkg.F" or, since Go 1.21, "created by pkg.F in goroutine 6".
  void take_creator(std::string_view rest) {
    if (const std::size_t in = rest.rfind(" in goroutine "); in != std::string_view::npos) {
      std::uint64_t parent = 0;
      if (parse_uint(rest.substr(in + std::strlen(" in goroutine ")), parent)) {
        if (!in_ancestors) current.creator_id = parent;
        rest = rest.substr(0, in);
      }
    }
    Frame frame;
    frame.function = names->intern(rest);
    creator() = frame;
    awaiting = Awaiting::creator;
  }

  void attach_location(std::string_view line) {
    Frame* target = nullptr;
    if (awaiting == Awaiting::frame) target = &frame_list().back();
    if (awaiting == Awaiting::creator) target = &*creator();
    awaiting = Awaiting::nothing;
    if (target != nullptr) parse_location(line, *target, *names);
  }

  // The runtime ends every record with a location line: a record that stops
  // on a call line, right after its header or mid-line was cut off.
  void finish_text(bool ended_cleanly) {
    if (!in_record) return;
    const bool partial = !ended_cleanly || awaiting != Awaiting::nothing || !has_body;
    if (partial) snapshot.truncated = true;
    finish_record(partial);
  }
};

DumpReader::DumpReader() : state_(std::make_unique<State>()) {}
DumpReader::DumpReader(DumpReader&&) noexcept = default;
DumpReader& DumpReader::operator=(DumpReader&&) noexcept = default;
DumpReader::~DumpReader() = default;

void DumpReader::feed(std::string_view chunk) {
  State& s = *state_;
  s.snapshot.bytes += chunk.size();
  s.lines.feed(chunk, [&s](std::string_view line) { s.take_line(line); });
}

Snapshot DumpReader::finish(bool cut_off) {
  State& s = *state_;
  const bool ended_cleanly = s.lines.finish([&s](std::string_view line) { s.take_line(line); });
  s.finish_text(ended_cleanly);
  if (cut_off || s.snapshot.bytes == kRuntimeDumpCap) s.snapshot.truncated = true;
  s.snapshot.names = std::move(s.names);
  return std::move(s.snapshot);
}

Snapshot parse_dump(std::string_view text) {
  DumpReader reader;
  reader.feed(text);
  return reader.finish();
}

}  // namespace goleakcheck
