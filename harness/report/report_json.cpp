// The JSON writers: the leak report, the records of a dump, a profile and
// an analysis. Each is written as it is walked (report/json_writer.hpp),
// never built as a tree: memory stays flat in the number of records, and a
// 64 MiB dump's records are written at the speed of the dump's reading.
// The report's fields are documented in harness/README.md ("The JSON
// report"); kReportSchemaVersion changes when a field changes meaning or
// goes away.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iterator>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "goleakcheck/report.hpp"
#include "goleakcheck/summary.hpp"
#include "report/group_lead.hpp"
#include "report/json_writer.hpp"
#include "goleakcheck/source_lines.hpp"

namespace goleakcheck {

namespace detail {

// The caches below find what they rendered by address, not by text:
// comparing the text would cost what is saved (the contract of
// JsonWriter::name()).
namespace {
bool same_name(std::string_view a, std::string_view b) { return a.data() == b.data() && a.size() == b.size(); }
// Equal in every field a frame's JSON holds.
bool same_frame(const Frame& a, const Frame& b) {
  return same_name(a.function, b.function) && same_name(a.file, b.file) && a.line == b.line;
}
}  // namespace

// Frames as compact JSON, each distinct one rendered once: a dump's
// goroutines share a few thousand frames between them, so a record is
// mostly copies of text already written. Found by the addresses of the
// frame's interned names and its line (the contract of JsonWriter::name()).
// Direct-mapped: a collision only costs a render.
class FrameCache {
 public:
  std::string_view json(const Frame& frame) {
    const auto mix = (reinterpret_cast<std::uintptr_t>(frame.function.data()) * 0x9E3779B97F4A7C15ULL) ^
                     (reinterpret_cast<std::uintptr_t>(frame.file.data()) * 0xC2B2AE3D27D4EB4FULL) ^
                     static_cast<std::uint64_t>(frame.line);
    Entry& e = entries_[(mix * 0x9E3779B97F4A7C15ULL) >> (64 - kBits)];
    if (!e.json.empty() && same_frame(e.frame, frame)) return e.json;
    {
      JsonWriter w(scratch_, JsonLayout::compact);
      w.start_object();
      w.key("function");
      w.name(frame.function);
      w.key("file");
      w.name(frame.file);
      w.key("line");
      w.number(frame.line);
      w.end_object();
    }  // flushed
    e.frame = frame;
    e.json = std::move(scratch_).str();
    scratch_.str({});
    return e.json;
  }

 private:
  static constexpr std::size_t kBits = 12;
  struct Entry {
    Frame frame;
    std::string json;
  };
  std::vector<Entry> entries_{std::size_t{1} << kBits};
  std::ostringstream scratch_;
};

// Whole records as compact JSON after their ids, each distinct one
// rendered once: in a dump of 100,000s of goroutines most records differ
// from an earlier one in the id alone. Found like frames, by the addresses
// of the interned names and by every other field the record's JSON holds;
// a record with ancestors is never kept. Direct-mapped: a collision only
// costs a render.
class RecordCache {
 public:
  // The JSON of `g` after `{"id":N`, or null when none is kept.
  const std::string* after_id(const Goroutine& g) {
    if (!g.ancestors.empty()) return nullptr;
    Entry& e = entries_[slot(g)];
    return !e.json.empty() && same(e.record, g) ? &e.json : nullptr;
  }
  // The whole record of `g` as `write(JsonWriter&)` writes it (compact),
  // kept for the records like it; valid until the next call.
  template <class Write>
  std::string_view render(const Goroutine& g, Write&& write) {
    writer_.restart();
    write(writer_);
    writer_.flush();
    rendered_ = std::move(scratch_).str();
    scratch_.str({});
    keep(g, rendered_);
    return rendered_;
  }

 private:
  void keep(const Goroutine& g, std::string_view json) {
    constexpr std::string_view kId = "{\"id\":";
    if (!g.ancestors.empty() || !json.starts_with(kId)) return;
    const std::size_t digits_end = json.find_first_not_of("0123456789", kId.size());
    if (digits_end == std::string_view::npos) return;
    Entry& e = entries_[slot(g)];
    e.record = g;
    e.json.assign(json.substr(digits_end));
  }

  static constexpr std::size_t kBits = 10;
  struct Entry {
    Goroutine record;
    std::string json;
  };
  static std::uint64_t address(std::string_view text) { return reinterpret_cast<std::uintptr_t>(text.data()); }
  static std::size_t slot(const Goroutine& g) {
    std::uint64_t mix = address(g.state) ^ (g.frames.size() << 48);
    for (const Frame& f : g.frames) {
      mix = (mix ^ address(f.function)) * 0x9E3779B97F4A7C15ULL;
      mix ^= static_cast<std::uint64_t>(f.line);
    }
    if (g.created_by) mix = (mix ^ address(g.created_by->function)) * 0xC2B2AE3D27D4EB4FULL;
    return static_cast<std::size_t>((mix * 0x9E3779B97F4A7C15ULL) >> (64 - kBits));
  }
  // Equal in every field a record's JSON holds but its id.
  static bool same(const Goroutine& a, const Goroutine& b) {
    if (!same_name(a.state, b.state) || a.wait_minutes != b.wait_minutes || a.locked_to_thread != b.locked_to_thread ||
        a.leaked_marker != b.leaked_marker || a.synctest_bubble != b.synctest_bubble ||
        !same_name(a.unreadable_header, b.unreadable_header) || a.frames_elided != b.frames_elided ||
        a.elided_frame_count != b.elided_frame_count ||
        a.creator_id != b.creator_id || a.partial != b.partial || a.created_by.has_value() != b.created_by.has_value() ||
        (a.created_by && !same_frame(*a.created_by, *b.created_by)) || a.frames.size() != b.frames.size() ||
        a.labels.size() != b.labels.size()) {
      return false;
    }
    return std::equal(a.frames.begin(), a.frames.end(), b.frames.begin(), same_frame) &&
           std::equal(a.labels.begin(), a.labels.end(), b.labels.begin(), [](const Label& x, const Label& y) {
             return same_name(x.key, y.key) && same_name(x.value, y.value);
           });
  }
  std::vector<Entry> entries_{std::size_t{1} << kBits};
  std::ostringstream scratch_;
  JsonWriter writer_{scratch_, JsonLayout::compact};  // one for all renders: it escapes each name once
  std::string rendered_;
};

}  // namespace detail

namespace {

using detail::FrameCache;

using detail::JsonWriter;

constexpr int kReportSchemaVersion = 1;

// Names (functions, files, states, labels) go through JsonWriter::name():
// they live in the NamePool of the dump or report being written, which
// outlives the writer.
void write_frame_fields(JsonWriter& w, const Frame& frame) {
  w.key("function");
  w.name(frame.function);
  w.key("file");
  w.name(frame.file);
  w.field("line", frame.line);
}

void write_frame(JsonWriter& w, const Frame& frame) {
  w.start_object();
  write_frame_fields(w, frame);
  w.end_object();
}

// With a cache (compact records), each frame is one copy.
void write_frame(JsonWriter& w, const Frame& frame, FrameCache* cache) {
  if (cache != nullptr) {
    w.raw_value(cache->json(frame));
  } else {
    write_frame(w, frame);
  }
}

void write_frame_or_null(JsonWriter& w, const Frame* frame, FrameCache* cache = nullptr) {
  if (frame == nullptr) {
    w.null();
  } else {
    write_frame(w, *frame, cache);
  }
}

void write_frames(JsonWriter& w, const std::vector<Frame>& frames, FrameCache* cache = nullptr) {
  w.start_array();
  for (const Frame& f : frames) write_frame(w, f, cache);
  w.end_array();
}

void write_creator(JsonWriter& w, const std::optional<Frame>& created_by, std::optional<std::uint64_t> creator_id) {
  if (!created_by) {
    w.null();
    return;
  }
  w.start_object();
  write_frame_fields(w, *created_by);
  w.field("goroutine", creator_id);
  w.end_object();
}

// {"key": "value", ...} in the runtime's order (by key).
void write_labels(JsonWriter& w, const std::vector<Label>& labels) {
  w.start_object();
  for (const Label& label : labels) {
    w.key(label.key);
    w.name(label.value);
  }
  w.end_object();
}

void write_goroutine(JsonWriter& w, const Goroutine& g, FrameCache* cache = nullptr) {
  w.start_object();
  w.field("id", g.id);
  w.key("state");
  w.name(g.state);
  w.field("wait_minutes", g.wait_minutes);
  w.field("locked_to_thread", g.locked_to_thread);
  w.field("leaked_marker", g.leaked_marker);
  w.field("synctest_bubble", g.synctest_bubble);
  w.key("labels");
  write_labels(w, g.labels);
  w.key("unreadable_header");
  w.string_or_null(g.unreadable_header);
  w.key("frames");
  write_frames(w, g.frames, cache);
  w.field("frames_elided", g.frames_elided);
  w.field("elided_frame_count", g.elided_frame_count);
  w.key("created_by");
  write_creator(w, g.created_by, g.creator_id);
  w.key("ancestors");
  w.start_array();
  for (const Ancestor& a : g.ancestors) {
    w.start_object();
    w.field("goroutine", a.id);
    w.key("frames");
    write_frames(w, a.frames, cache);
    w.key("created_by");
    write_creator(w, a.created_by, std::nullopt);
    w.end_object();
  }
  w.end_array();
  w.key("blocking_site");
  write_frame_or_null(w, g.blocking_site(), cache);
  w.key("innermost_frame");
  write_frame_or_null(w, g.frames.empty() ? nullptr : &g.frames.front(), cache);
  w.field("partial", g.partial);
  w.end_object();
}

void write_goroutines(JsonWriter& w, const std::vector<Goroutine>& goroutines) {
  w.start_array();
  for (const Goroutine& g : goroutines) {
    write_goroutine(w, g);
    w.flush_if_full();
  }
  w.end_array();
}

void write_stack(JsonWriter& w, const StackCount& stack, std::uint64_t count) {
  w.field("count", count);
  w.key("labels");
  write_labels(w, stack.labels);
  w.key("frames");
  write_frames(w, stack.frames);
  w.key("blocking_site");
  write_frame_or_null(w, stack.blocking_site());
}

// "your_code" and "hint" of a group, as the text report shows them.
void write_lead(JsonWriter& w, const LeakGroup& group, const UserCode& user, SourceLines* sources) {
  const detail::GroupLead lead = detail::lead_of(group, user, sources);
  w.key("your_code");
  if (lead.origin.frame == nullptr) {
    w.null();
  } else {
    w.start_object();
    write_frame_fields(w, *lead.origin.frame);
    w.field("started_it", lead.origin.started_it);
    w.key("through");
    w.start_array();
    for (const Frame* f : lead.origin.through) write_frame(w, *f);
    w.end_array();
    w.end_object();
  }
  w.key("hint");
  if (lead.hint) {
    w.start_object();
    w.field("pattern", lead.hint->pattern);
    w.field("why", std::string_view(lead.hint->why));
    w.field("fix", lead.hint->fix);
    w.end_object();
  } else {
    w.null();
  }
}

double milliseconds(std::chrono::nanoseconds d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

GoroutineJsonStream::GoroutineJsonStream(std::ostream& out) : GoroutineJsonStream(out, true) {}

GoroutineJsonStream::GoroutineJsonStream(std::ostream& out, bool brackets)
    : writer_(std::make_unique<detail::JsonWriter>(out, detail::JsonLayout::compact)),
      frames_(std::make_unique<FrameCache>()),
      records_seen_(std::make_unique<detail::RecordCache>()),
      brackets_(brackets) {
  if (brackets_) writer_->raw("[");
}

GoroutineJsonStream GoroutineJsonStream::records_only(std::ostream& out) { return GoroutineJsonStream(out, false); }

GoroutineJsonStream::GoroutineJsonStream(GoroutineJsonStream&&) noexcept = default;
GoroutineJsonStream::~GoroutineJsonStream() = default;

void GoroutineJsonStream::add(const Goroutine& g) {
  writer_->raw(records_ == 0 ? "\n" : ",\n");
  if (const std::string* after_id = records_seen_->after_id(g)) {
    char id[32] = "{\"id\":";  // and up to 20 digits
    constexpr std::size_t kIdAt = std::string_view("{\"id\":").size();
    const char* id_end = std::to_chars(id + kIdAt, std::end(id), g.id).ptr;
    writer_->raw(std::string_view(id, static_cast<std::size_t>(id_end - id)));
    writer_->raw(*after_id);
  } else {
    writer_->raw(records_seen_->render(g, [&](JsonWriter& w) { write_goroutine(w, g, frames_.get()); }));
  }
  ++records_;
  writer_->flush_if_full();
}

void GoroutineJsonStream::finish() {
  if (brackets_) {
    writer_->raw(records_ == 0 ? "]" : "\n]");
    writer_->finish();  // and a final newline
  } else {
    writer_->flush();
  }
}

void write_profile_json(std::ostream& out, const Profile& profile) {
  JsonWriter w(out);
  w.start_object();
  w.key("profile");
  w.string_or_null(profile.name);
  w.field("total", profile.total);
  w.field("truncated", profile.truncated);
  w.key("stacks");
  w.start_array();
  for (const StackCount& stack : profile.stacks) {
    w.start_object();
    write_stack(w, stack, stack.count);
    w.end_object();
    w.flush_if_full();
  }
  w.end_array();
  w.end_object();
  w.finish();
}

void write_analysis_json(std::ostream& out, const SiteAnalysis& a, std::size_t top) {
  JsonWriter w(out);
  SourceLines sources;
  w.start_object();
  w.field("goroutines", a.goroutines);
  w.field("blocked", a.blocked);
  w.field("ignored", a.ignored);
  w.field("idle_connections", a.idle_connections);
  w.field("unreadable", a.unreadable);
  w.field("truncated", a.truncated);
  w.field("sites", a.groups.size());
  w.field("flagged", a.flagged_count());
  w.field("min_count", a.min_count);
  w.field("min_minutes", a.min_minutes);
  w.key("groups");
  w.start_array();
  for (std::size_t i = 0; i < a.groups.size() && i < top; ++i) {
    const LeakGroup& group = a.groups[i];
    w.start_object();
    w.field("flagged", static_cast<bool>(a.flagged[i]));
    w.field("count", group.count());
    w.field("state", group.state);
    w.field("max_wait_minutes", group.max_wait_minutes);
    w.key("blocking_site");
    write_frame(w, group.blocking_site);
    w.key("created_by");
    write_creator(w, group.created_by, group.example.creator_id);
    write_lead(w, group, a.user_code, &sources);
    w.end_object();
  }
  w.end_array();
  w.key("by_user_frame");
  w.start_array();
  for (std::size_t i = 0; i < a.by_user_frame.size() && i < top; ++i) {
    w.start_object();
    write_frame_fields(w, a.by_user_frame[i].first);
    w.field("count", a.by_user_frame[i].second);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.finish();
}

void write_json(std::ostream& out, const LeakReport& report) {
  JsonWriter w(out);
  SourceLines sources;
  w.start_object();
  w.field("schema_version", kReportSchemaVersion);
  w.field("verdict", report.clean() ? "clean" : "leak");
  w.key("leaks");
  write_goroutines(w, report.leaks);
  w.key("groups");
  w.start_array();
  for (const LeakGroup& group : report.groups) {
    w.start_object();
    w.field("count", group.count());
    w.field("state", group.state);
    w.key("blocking_site");
    write_frame(w, group.blocking_site);
    w.key("created_by");
    write_creator(w, group.created_by, group.example.creator_id);
    write_lead(w, group, report.user_code, report.read_sources ? &sources : nullptr);
    w.key("labels");
    write_labels(w, group.example.labels);
    w.field("proven", group.proven);
    w.key("ids");
    w.start_array();
    for (const std::uint64_t id : group.ids) w.number(id);
    w.end_array();
    w.end_object();
    w.flush_if_full();
  }
  w.end_array();
  w.key("ids_not_compared");
  w.string_or_null(report.ids_not_compared);
  w.key("grown_stacks");
  w.start_array();
  for (const StackGrowth& growth : report.grown_stacks) {
    w.start_object();
    write_stack(w, growth.stack, growth.growth());
    w.field("before", growth.before);
    w.field("after", growth.after);
    w.end_object();
  }
  w.end_array();
  w.key("still_running");
  write_goroutines(w, report.still_running);
  w.key("idle_connections");
  write_goroutines(w, report.idle_connections);
  w.field("ignored", report.ignored);
  w.field("first_seen_last", report.first_seen_last);
  w.key("ignore_rules");
  w.start_array();
  for (const auto& use : report.ignore_uses) {
    w.start_object();
    w.field("rule", std::string_view(use.rule));
    w.field("origin", std::string_view(use.origin));
    w.field("hits", use.hits);
    w.end_object();
  }
  w.end_array();
  w.field("runs", report.runs);
  w.field("warmup_runs", report.warmup_runs);
  w.field("automatic_runs", report.automatic_runs);
  w.key("verdict_basis");
  w.string_or_null(report.verdict_basis);
  w.key("growth");
  w.start_array();
  for (const GroupGrowth& g : report.growth) {
    w.start_object();
    w.field("growth", describe(g.growth));
    w.field("fails", g.fails());
    w.field("per_run", g.per_run());
    w.key("counts");
    w.start_array();
    for (const std::size_t c : g.counts) w.number(static_cast<std::uint64_t>(c));
    w.end_array();
    w.field("state", g.group.state);
    w.key("blocking_site");
    write_frame(w, g.group.blocking_site);
    w.key("created_by");
    write_creator(w, g.group.created_by, g.group.example.creator_id);
    w.field("idle_connection", g.idle_connection);
    w.field("proven", g.proven);
    w.key("ids");
    w.start_array();
    for (const std::uint64_t id : g.group.ids) w.number(id);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("proof");
  w.string_or_null(report.proof);
  w.field("decided_by_proof", report.decided_by_proof);
  w.field("decided_by_growth", report.decided_by_growth);
  w.key("baseline_not_quiet");
  w.string_or_null(report.baseline_not_quiet);
  w.key("stats");
  w.start_object();
  w.field("baseline_goroutines", report.baseline_goroutines);
  w.field("final_goroutines", report.final_goroutines);
  w.field("snapshots", report.snapshots);
  w.field("elapsed_ms", milliseconds(report.elapsed));
  w.field("settle_ms", static_cast<std::int64_t>(report.settle.count()));
  w.field("baseline_quiet_wait_ms", milliseconds(report.baseline_quiet_wait));
  w.end_object();
  w.end_object();
  w.finish();
}

std::string render_json(const LeakReport& report) {
  std::ostringstream json;
  write_json(json, report);
  return json.str();
}

}  // namespace goleakcheck
