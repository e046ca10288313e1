// One pass over the dump, line by line. Nothing is allocated per line:
// names go to the NamePool (a hash lookup, a copy only the first time), a
// record's frames collect in a reused vector and are copied out once.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "goleakcheck/dump.hpp"
#include "dump/line_splitter.hpp"
#include "dump/go_text.hpp"
#include "dump/name_pool.hpp"
#include "dump/text_fields.hpp"

namespace goleakcheck {

namespace {

using detail::contains;
using detail::find_last;
using detail::intern_symbol;
using detail::read_labels;
using detail::parse_uint;
using detail::remove_prefix;
using detail::remove_suffix;
using detail::same_text;

// The parts after the wait reason, comma separated: "3 minutes", "locked to
// thread", "synctest bubble 1" (Go 1.24: "synctest group 1"). False for a
// number no runtime writes, which makes the header unreadable (and named
// in a warning) rather than wrapped.
bool parse_header_parts(std::string_view rest, Goroutine& g) {
  while (!rest.empty()) {
    std::string_view part = rest.substr(0, rest.find(", "));
    rest.remove_prefix(part.size());
    remove_prefix(rest, ", ");

    std::uint64_t number = 0;
    if (part == "locked to thread") {
      g.locked_to_thread = true;
    } else if (remove_suffix(part, " minutes")) {
      // Past 64 bits, or 2^31 minutes (4,000 years): no real wait.
      if (!parse_uint(part, number) || number > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
        return false;
      }
      g.wait_minutes = static_cast<int>(number);
    } else if ((remove_prefix(part, "synctest bubble ") || remove_prefix(part, "synctest group ")) &&
               parse_uint(part, number)) {
      g.synctest_bubble = number;
    }
  }
  return true;
}

// Takes the runtime's " (leaked)" and " (scan)" markers out of a wait
// reason. They follow the reason's own name, and Go 1.27 may print
// " (durable)" after them inside a synctest bubble, so they are looked for
// anywhere; " (durable)" stays, as part of the reason.
std::string_view strip_markers(std::string_view reason, Goroutine& g, std::string& scratch) {
  const std::size_t leaked = reason.find(" (leaked)");
  const std::size_t scan = reason.find(" (scan)");
  if (leaked == std::string_view::npos && scan == std::string_view::npos) return reason;
  g.leaked_marker = leaked != std::string_view::npos;
  scratch.assign(reason);
  for (std::string_view marker : {std::string_view(" (leaked)"), std::string_view(" (scan)")}) {
    if (const std::size_t at = scratch.find(marker); at != std::string::npos) scratch.erase(at, marker.size());
  }
  return scratch;
}

// True for a line that starts a goroutine record: "goroutine " and a digit.
// Every such line becomes a record, read or not (DumpReader's contract).
bool starts_record(std::string_view line) {
  constexpr std::size_t kPrefix = std::string_view("goroutine ").size();
  return line.size() > kPrefix && line.starts_with("goroutine ") && line[kPrefix] >= '0' && line[kPrefix] <= '9';
}

// Reads a header, in any of the runtime's forms:
//   goroutine 7 [chan send (leaked), 3 minutes, locked to thread]:
//   goroutine 7 gp=0x… m=… mp=0x… [running]:               (GOTRACEBACK=system)
//   goroutine 7 [chan receive labels:{"k": "v"}]:          (Go 1.26, tracebacklabels=1)
//   goroutine 7 [chan receive] {k: v, "k 2": "a\"b"}:       (Go 1.27)
// False when it could not be read past the id; `g` keeps what was read.
bool parse_header(std::string_view line, Goroutine& g, NamePool& names, std::string& scratch) {
  line.remove_prefix(std::strlen("goroutine "));
  const std::size_t id_end = std::min(line.find_first_not_of("0123456789"), line.size());
  if (!parse_uint(line.substr(0, id_end), g.id)) return false;
  std::string_view rest = line.substr(id_end);
  const std::size_t open = rest.find(" [");  // "gp=… m=…" hold no '['
  if (open == std::string_view::npos) return false;
  rest.remove_prefix(open + 2);

  // The reason and its parts hold neither ']' nor " labels:{": the first of
  // them ends the parts. Label values can hold anything, "]:" included, so
  // they are read as quoted strings, never searched for brackets.
  const std::size_t parts_end = std::min(rest.find(']'), rest.find(" labels:{"));
  if (parts_end == std::string_view::npos) return false;
  const std::string_view parts = rest.substr(0, parts_end);
  rest.remove_prefix(parts_end);

  // The reason comes first and never holds a comma.
  const std::size_t comma = parts.find(", ");
  g.state = names.intern(strip_markers(parts.substr(0, comma), g, scratch));
  if (comma != std::string_view::npos && !parse_header_parts(parts.substr(comma + 2), g)) return false;

  if (remove_prefix(rest, " labels:{") && !read_labels(rest, g.labels, names, scratch)) return false;
  if (!remove_prefix(rest, "]")) return false;
  if (remove_prefix(rest, " {") && !read_labels(rest, g.labels, names, scratch)) return false;
  return rest == ":";
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
  // Go's line numbers are int32: a larger one is no Go dump's, and would
  // wrap. The frame is left without a location instead.
  if (number > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) return false;
  frame.file = names.intern(line.substr(0, colon));
  frame.line = static_cast<int>(number);
  return true;
}

}  // namespace

struct DumpReader::State {
  enum class Awaiting { nothing, frame, creator };

  RecordHandler on_record;  // empty: collect into the snapshot
  std::shared_ptr<NamePool> names = std::make_shared<NamePool>();
  detail::LineSplitter lines;
  Snapshot snapshot;

  // The record being read.
  bool in_record = false;
  Goroutine current;
  std::vector<Frame> frames;  // its own frames; reused across records
  // The record before, whose function names most often repeat at the same
  // depth (a dump lists thousands of goroutines with one stack): an equal
  // name is taken from it without hashing. Empty names where it had none.
  // (Files and lines come from seen_frames.)
  std::vector<Frame> previous;
  Frame previous_creator;
  std::string scratch;        // decoded names and labels before interning
  bool in_ancestors = false;
  bool has_body = false;  // a header alone is a record cut right after it
  Awaiting awaiting = Awaiting::nothing;
  bool last_location_read = false;  // the line just taken was a location, read whole

  // A call line waits for the location line after it: the two together
  // are looked up in seen_frames. A view into the chunk, copied into
  // pending_copy when the chunk ends first.
  bool pending = false;
  std::string_view pending_call;
  std::string pending_copy;

  // Location lines repeat byte for byte (one text per pc), and so does the
  // name on the call line before them: the last pair read into each slot,
  // by the location's length and last eight bytes, with what it read as.
  // The name is checked against the call line, never assumed: a closure
  // and the function around it can share a location's text. Copies, since
  // a line lives only as long as its chunk.
  //
  // A slot also holds a creator's pair ("created by F in goroutine 1").
  enum class PairKind : std::uint8_t {
    frame,             // call_name: the call line before the '(' of its arguments
    creator,           // call_name: "created by F in goroutine ", the parent's id after it
    creator_no_parent  // call_name: the whole line ("created by F", Go <= 1.20)
  };
  struct SeenFrame {
    detail::KeptText<128> location;  // most real location lines fit; longer ones are read each time
    detail::KeptText<112> call_name;  // empty: none kept
    PairKind kind = PairKind::frame;
    std::string_view function;  // the name interned, its escapes decoded
    std::string_view file;
    int line = 0;
  };
  static constexpr std::size_t kFrameSlots = 256;
  std::vector<SeenFrame> seen_frames = std::vector<SeenFrame>(kFrameSlots);

  // Which pair came after which (see read_ahead): by what came before (a
  // pair's slot, or a header's slot after kFrameSlots) and the first 16
  // bytes of the pair's first line, the slot of the pair that followed
  // the last time. A guess, checked whole before it is taken.
  static constexpr std::uint16_t kNoSlot = 0xFFFF;
  static constexpr int kNothingBefore = -1;
  std::array<std::uint16_t, 4096> followers = [] {
    std::array<std::uint16_t, 4096> all;
    all.fill(kNoSlot);
    return all;
  }();
  int pair_before = kNothingBefore;  // what the next pair follows; kNothingBefore: not a pair or header

  // A line's first 16 bytes (fewer, zero-filled, for a shorter line).
  struct LineHead {
    std::uint64_t first = 0;
    std::uint64_t second = 0;
  };
  static LineHead line_head(std::string_view line) {
    LineHead head;
    if (line.size() >= 16) {
      std::memcpy(&head.first, line.data(), 8);
      std::memcpy(&head.second, line.data() + 8, 8);
    } else {
      char padded[16] = {};
      std::memcpy(padded, line.data(), line.size());
      std::memcpy(&head.first, padded, 8);
      std::memcpy(&head.second, padded + 8, 8);
    }
    return head;
  }
  static std::size_t follower_key(int before, LineHead head) {
    const std::uint64_t key = (head.first * 0x9E3779B97F4A7C15ull) ^ (head.second * 0xC2B2AE3D27D4EB4Full) ^
                              (static_cast<std::uint64_t>(before) * 0x165667B19E3779F9ull);
    return static_cast<std::size_t>(key >> 52);
  }

  static std::size_t location_slot(std::string_view line) {
    std::uint64_t tail;
    std::memcpy(&tail, line.data() + line.size() - sizeof tail, sizeof tail);
    return static_cast<std::size_t>(((tail ^ line.size()) * 0x9E3779B97F4A7C15ull) >> 56);
  }

  SeenFrame* seen_slot(std::string_view location) {
    if (location.size() < 8 || !decltype(SeenFrame::location)::fits(location)) return nullptr;
    return &seen_frames[location_slot(location)];
  }

  // Whether `call` is `seen`'s name and then its arguments: the name, a
  // '(' and no other '(' after it (the arguments start at the last one).
  // The name and the location are each checked, so whichever pair a slot
  // holds, what it gives is right.
  static bool call_of(std::string_view call, const SeenFrame& seen) {
    const std::size_t n = seen.call_name.size();
    if (seen.kind != PairKind::frame || n == 0 || call.size() < n + 2 || call[n] != '(') return false;
    return seen.call_name.holds(call.substr(0, n)) && !contains(call.substr(n + 1), '(');
  }

  // Takes one line; returns how many bytes of `after` (the text after it)
  // it read too.
  std::size_t take_line(std::string_view line, std::string_view after) {
    take_one_line(line);
    return pair_before != kNothingBefore && !pending ? read_ahead(after) : 0;
  }

  void take_one_line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    last_location_read = false;
    if (pending) {
      if (!line.empty() && line.front() == '\t') {
        pending = false;
        take_frame(pending_call, line);
        return;
      }
      take_pending_call_alone();
    }
    if (!in_record) {
      if (starts_record(line)) {
        start_record(line);
      } else if (!line.empty()) {
        // A preamble (a panic message, log lines) or junk: skipped, counted.
        count_stray(line);
      }
    } else if (line.empty()) {
      finish_record();
    } else if (line.front() == '\t' && awaiting == Awaiting::creator) {
      // The creator's line may be gone with its chunk; what is kept of it
      // starts with the same 16 bytes (or is all of it).
      keep_pair(attach_location(line), creator_line.view(), creator_kind, creator_line.view(), creator()->function);
    } else if (line.front() == '\t' && awaiting != Awaiting::nothing) {
      pair_before = kNothingBefore;
      attach_location(line);
    } else if (line.front() == '\t') {
      // Indented but no frame waits for a location: the runtime's
      // "\tgoroutine running on other thread; stack unavailable".
      take_body_line(line.substr(1));
    } else if (starts_record(line)) {
      // A header without the blank line before it: a new record anyway.
      finish_record();
      start_record(line);
    } else {
      take_body_line(line);
    }
  }

  // A header after its id repeats byte for byte across a dump ("
  // [chan receive, 3 minutes]:"): the last one read into each slot, with
  // what it read as. Headers with labels are read each time.
  struct SeenHeader {
    detail::KeptText<64> text;
    Goroutine read_as;  // the fields the header sets; no frames, no labels
  };
  std::array<SeenHeader, 64> seen_headers{};

  static std::size_t header_slot(std::string_view tail) {
    // The first word tells states apart, the last two the minutes.
    const auto word = [&](std::size_t at) {
      std::uint64_t w;
      std::memcpy(&w, tail.data() + at, sizeof w);
      return w;
    };
    const std::uint64_t key = word(0) ^ (word(tail.size() - 16) * 31) ^ (word(tail.size() - 8) * 7) ^ tail.size();
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 58);
  }

  bool read_header(std::string_view line) {
    const char* const digits = line.data() + std::strlen("goroutine ");
    const char* const end = line.data() + line.size();
    const auto [after_id, ec] = std::from_chars(digits, end, current.id);
    const std::string_view tail(after_id, static_cast<std::size_t>(end - after_id));
    SeenHeader* seen = nullptr;
    if (ec == std::errc() && tail.size() >= 16 && decltype(SeenHeader::text)::fits(tail)) {
      seen = &seen_headers[header_slot(tail)];
      if (seen->text.holds(tail)) {
        const std::uint64_t id = current.id;
        current = seen->read_as;
        current.id = id;
        pair_before = static_cast<int>(kFrameSlots + static_cast<std::size_t>(seen - seen_headers.data()));
        return true;
      }
    }
    if (!parse_header(line, current, *names, scratch)) return false;
    if (seen != nullptr && current.labels.empty()) {
      seen->text.keep(tail);
      seen->read_as = current;
      pair_before = static_cast<int>(kFrameSlots + static_cast<std::size_t>(seen - seen_headers.data()));
    }
    return true;
  }

  void start_record(std::string_view line) {
    current = Goroutine{};
    pair_before = kNothingBefore;
    if (!read_header(line)) current.unreadable_header = names->intern(line);
    in_record = true;
    std::swap(frames, previous);
    frames.clear();
    in_ancestors = false;
    has_body = false;
    awaiting = Awaiting::nothing;
  }

  void finish_record(bool partial = false) {
    current.partial = partial;
    in_record = false;
    pair_before = kNothingBefore;
    previous_creator = current.created_by.value_or(Frame{});
    ++snapshot.records_read;
    if (on_record) {
      // Lend the reused frame vector instead of copying it.
      current.frames.swap(frames);
      on_record(current);
      current.frames.swap(frames);
      return;
    }
    current.frames.assign(frames.begin(), frames.end());
    snapshot.goroutines.push_back(std::move(current));
  }

  std::vector<Frame>& frame_list() { return in_ancestors ? current.ancestors.back().frames : frames; }
  std::optional<Frame>& creator() { return in_ancestors ? current.ancestors.back().created_by : current.created_by; }

  void take_body_line(std::string_view line) {
    has_body = true;
    awaiting = Awaiting::nothing;
    if (line.ends_with(')')) {
      // Read with its location line, when that comes next.
      pending = true;
      pending_call = line;
      return;
    }
    if (line.starts_with("created by ")) {
      take_creator(line);
      return;
    }
    pair_before = kNothingBefore;  // what comes next is not foretold by what came before
    if (line.starts_with("...") && line.ends_with(" elided...")) {
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
    } else {
      // Anything else ("non-Go function at pc=…", a log line written into
      // the dump, junk after it) has no frame of this goroutine in it: it is
      // counted as text outside the records.
      count_stray(line);
    }
  }

  void count_stray(std::string_view line) {
    ++snapshot.stray_lines;
    snapshot.stray_bytes += line.size() + 1;
    const bool binary = std::any_of(line.begin(), line.end(), [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return (byte < 0x20 && c != '\t' && c != '\r' && c != '\x1b') || byte == 0x7f;
    });
    if (binary) snapshot.binary_stray_bytes += line.size() + 1;
  }

  void count_unreadable(std::string_view line) {
    if (snapshot.unreadable_lines++ == 0) snapshot.first_unreadable_line = names->intern(line);
  }

  const Frame* previous_at(std::size_t depth) const { return depth < previous.size() ? &previous[depth] : nullptr; }

  // A function name interned: `before`'s when it is the same text and has
  // no escapes (then interning would give it back unchanged).
  std::string_view name_like(std::string_view raw, const Frame* before) {
    if (before != nullptr && same_text(raw, before->function) && !contains(raw, '%')) {
      return before->function;
    }
    return intern_symbol(raw, *names, scratch);
  }

  // "pkg.(*T).Method(0xc000012345, {0x7b1, 0x3})": the arguments start at
  // the last '(' since names hold parentheses too.
  // The length of the name read; 0 when the line could not be read.
  std::size_t take_call(std::string_view line) {
    const std::size_t open = find_last(line, '(');
    if (open == std::string_view::npos || open == 0) {
      count_unreadable(line);
      return 0;
    }
    Frame frame;
    frame.inlined = line.substr(open) == "(...)";
    frame.function = name_like(line.substr(0, open), in_ancestors ? nullptr : previous_at(frames.size()));
    frame_list().push_back(frame);
    awaiting = Awaiting::frame;
    return open;
  }

  // A call line with no location line after it.
  void take_pending_call_alone() {
    pending = false;
    pair_before = kNothingBefore;
    take_call(pending_call);
  }

  // The frame a kept pair reads as, built in place: one built first and
  // copied in is written a field at a time and read back eight bytes at a
  // time, which stalls the copy (a sixth of the reader's time once).
  void push_frame(const SeenFrame& seen, bool inlined) {
    Frame& frame = frame_list().emplace_back();
    frame.function = seen.function;
    frame.file = seen.file;
    frame.line = seen.line;
    frame.inlined = inlined;
  }

  // Keeps in `seen` (the slot that holds the pair's location, or null) what
  // the pair's first line read as, `first` being the text a later line
  // must start with, and notes the pair as read. `line` is that first line.
  void keep_pair(SeenFrame* seen, std::string_view line, PairKind kind, std::string_view first,
                 std::string_view function) {
    if (seen != nullptr && (seen->kind != kind || !seen->call_name.holds(first))) {
      seen->kind = kind;
      seen->call_name.keep(first);
      seen->function = function;
    }
    note_pair(seen, line_head(line));
  }

  // Notes that the pair in `seen` (null: one no slot holds), whose first
  // line starts with `head`, was read.
  void note_pair(SeenFrame* seen, LineHead head) {
    if (seen == nullptr) {
      pair_before = kNothingBefore;
      return;
    }
    const int slot = static_cast<int>(seen - seen_frames.data());
    if (pair_before != kNothingBefore) followers[follower_key(pair_before, head)] = static_cast<std::uint16_t>(slot);
    pair_before = slot;
  }

  // A call line and the location line after it. Most pairs were seen
  // before, byte for byte but for the arguments: then nothing is searched,
  // hashed or parsed. Any other pair is read as the two lines one by one,
  // and kept.
  void take_frame(std::string_view call, std::string_view location) {
    if (SeenFrame* seen = seen_slot(location); seen != nullptr && seen->location.holds(location) &&
                                               call_of(call, *seen)) {
      push_frame(*seen, call.substr(seen->call_name.size()) == "(...)");
      last_location_read = true;
      note_pair(seen, line_head(call));
      return;
    }
    const std::size_t name_length = take_call(call);
    if (name_length == 0) {
      // No frame waits for it: read as the body line it is.
      pair_before = kNothingBefore;
      take_body_line(location.substr(1));
      return;
    }
    keep_pair(attach_location(location), call, PairKind::frame, call.substr(0, name_length),
              frame_list().back().function);
  }

  // "created by pkg.F" or, since Go 1.21, "created by pkg.F in goroutine 6".
  // The line up to the parent's id is kept for the location's slot.
  void take_creator(std::string_view line) {
    constexpr std::string_view kIn = " in goroutine ";
    std::string_view rest = line.substr(std::strlen("created by "));
    std::size_t digits = rest.size();
    while (digits > 0 && rest[digits - 1] >= '0' && rest[digits - 1] <= '9') --digits;
    std::uint64_t parent = 0;
    creator_kind = PairKind::creator_no_parent;
    std::size_t kept = line.size();
    if (digits >= kIn.size() && same_text(rest.substr(digits - kIn.size(), kIn.size()), kIn) &&
        parse_uint(rest.substr(digits), parent)) {
      if (!in_ancestors) current.creator_id = parent;
      creator_kind = PairKind::creator;
      kept = std::strlen("created by ") + digits;
      rest = rest.substr(0, digits - kIn.size());
    }
    creator_line.keep(line.substr(0, kept));
    Frame frame;
    frame.function = name_like(rest, in_ancestors ? nullptr : &previous_creator);
    creator() = frame;
    awaiting = Awaiting::creator;
  }
  detail::KeptText<112> creator_line;  // the last creator's line up to its parent's id
  PairKind creator_kind = PairKind::creator_no_parent;

  // The slot that holds `line` afterwards, or null.
  SeenFrame* attach_location(std::string_view line) {
    Frame* target = nullptr;
    if (awaiting == Awaiting::frame) target = &frame_list().back();
    if (awaiting == Awaiting::creator) target = &*creator();
    awaiting = Awaiting::nothing;
    if (target == nullptr) return nullptr;
    SeenFrame* seen = seen_slot(line);
    if (seen != nullptr && seen->location.holds(line)) {
      target->file = seen->file;
      target->line = seen->line;
      last_location_read = true;
      return seen;
    }
    last_location_read = parse_location(line, *target, *names);
    if (!last_location_read) {
      count_unreadable(line);
      return nullptr;
    }
    if (seen == nullptr) return nullptr;
    seen->location.keep(line);
    seen->call_name.clear();
    seen->file = target->file;
    seen->line = target->line;
    return seen;
  }

  // Reads on from the start of a line while the text is what came after
  // the same pairs the last time (a record of one stack repeats thousands
  // of times). The pair's first line is scanned to its end, and the pair
  // that followed the one before with the same first 16 bytes is the
  // guess; it is taken when its kept name starts the line, the rest is
  // what such a line holds after it (arguments, or a parent's id), and its
  // kept location line follows byte for byte, so the location line, the
  // longer of the two, is read once and never searched for its newline.
  // The blank line that ends a record is taken too. Stops, having taken
  // nothing of it, at the first line that is anything else or runs past
  // `after`; the line splitter then hands that line out as usual. Returns
  // the bytes read: whole lines. Time: linear in them.
  std::size_t read_ahead(std::string_view after) {
    const char* at = after.data();
    const char* const end = at + after.size();
    while (pair_before != kNothingBefore) {
#if defined(__SSE2__)
      // The line splitter's prefetch stays behind while this reads on (a
      // pair is two cache lines or less).
      _mm_prefetch(at + 1536, _MM_HINT_T0);
      _mm_prefetch(at + 1600, _MM_HINT_T0);
#endif
      // A line that starts with a tab is read without it, if at all (see
      // take_one_line), while kept call names are compared as they stand.
      if (at == end || *at == '\t') break;
      const char* const newline = detail::find_newline(at, end);
      if (newline == nullptr) break;
      const std::string_view first_line(at, static_cast<std::size_t>(newline - at));
      const std::uint16_t slot = followers[follower_key(pair_before, line_head(first_line))];
      if (slot == kNoSlot) break;
      SeenFrame& seen = seen_frames[slot];
      const std::size_t name_size = seen.call_name.size();
      const std::size_t location_size = seen.location.size();
      const char* const location = newline + 1;
      if (name_size == 0 || first_line.size() < name_size || static_cast<std::size_t>(end - location) <= location_size ||
          location[location_size] != '\n' || !seen.call_name.holds(first_line.substr(0, name_size)) ||
          !seen.location.holds({location, location_size}) || !take_seen_pair(seen, first_line.substr(name_size))) {
        break;
      }
      pair_before = slot;
      at = location + location_size + 1;
    }
    if (at < end && *at == '\n') {
      take_one_line({});
      ++at;
    }
    return static_cast<std::size_t>(at - after.data());
  }

  // The rest of a pair's first line after the kept text: a frame's
  // arguments, or a creator's parent. False, having taken nothing, when it
  // is not what that kind of line holds after it.
  bool take_seen_pair(const SeenFrame& seen, std::string_view rest) {
    if (seen.kind == PairKind::frame) {
      if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')' || contains(rest.substr(1), '(')) return false;
      push_frame(seen, rest == "(...)");
    } else {
      std::uint64_t parent = 0;
      if (seen.kind == PairKind::creator ? !parse_uint(rest, parent) : !rest.empty()) return false;
      if (seen.kind == PairKind::creator && !in_ancestors) current.creator_id = parent;
      creator() = Frame{seen.function, seen.file, seen.line, false};
    }
    has_body = true;
    awaiting = Awaiting::nothing;
    last_location_read = true;
    return true;
  }

  // The runtime ends every record with a location line: a record that stops
  // on a call line, right after its header or mid-line was cut off.
  // A last line without its newline is no cut when it is a location read
  // whole (editors and copy-paste drop the final newline); "…main.go:1"
  // cut from ":123" cannot be told from it, and is taken as whole.
  void finish_text(bool ended_cleanly) {
    if (pending) take_pending_call_alone();
    if (!in_record) return;
    const bool partial = (!ended_cleanly && !last_location_read) || awaiting != Awaiting::nothing || !has_body;
    if (partial) snapshot.truncated = true;
    finish_record(partial);
  }
};

DumpReader::DumpReader() : state_(std::make_unique<State>()) {}
DumpReader::DumpReader(RecordHandler on_record) : DumpReader() { state_->on_record = std::move(on_record); }
DumpReader::DumpReader(DumpReader&&) noexcept = default;
DumpReader& DumpReader::operator=(DumpReader&&) noexcept = default;
DumpReader::~DumpReader() = default;

void DumpReader::feed(std::string_view chunk) {
  State& s = *state_;
  s.snapshot.bytes += chunk.size();
  s.lines.feed(chunk, [&s](std::string_view line, std::string_view after) { return s.take_line(line, after); });
  // The chunk (or the line carried over) may not outlive this call.
  if (s.pending && s.pending_call.data() != s.pending_copy.data()) {
    s.pending_copy.assign(s.pending_call);
    s.pending_call = s.pending_copy;
  }
}

Snapshot DumpReader::finish(bool cut_off) {
  State& s = *state_;
  const bool ended_cleanly = s.lines.finish([&s](std::string_view line) { s.take_one_line(line); });
  s.finish_text(ended_cleanly);
  s.snapshot.stray_bytes += s.lines.dropped_bytes();  // parts of overlong lines: no dump writes them
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
