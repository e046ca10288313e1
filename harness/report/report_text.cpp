#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "goleakcheck/duration.hpp"
#include "goleakcheck/user_code.hpp"
#include "report/group_lead.hpp"
#include "goleakcheck/source_lines.hpp"
#include "goleakcheck/idle_connection.hpp"
#include "goleakcheck/report.hpp"
#include "goleakcheck/summary.hpp"
#include "goleakcheck/dump.hpp"

namespace goleakcheck {

namespace {

// Everything is written straight to the stream.
using Out = std::ostreambuf_iterator<char>;

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string where(const Frame& frame) { return fmt::format("{} {}:{}", frame.function, frame.file, frame.line); }

// A label as Go 1.27 prints it: bare when it is only letters, digits, '.',
// '/' and '_', else quoted with Go's escapes; other UTF-8 is kept as is,
// for a person to read.
void write_label_text(Out out, std::string_view text) {
  const bool bare = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '/' || c == '_';
  });
  if (bare) {
    fmt::format_to(out, "{}", text);
    return;
  }
  *out++ = '"';
  for (const char c : text) {
    switch (c) {
      case '"': fmt::format_to(out, "\\\""); break;
      case '\\': fmt::format_to(out, "\\\\"); break;
      case '\n': fmt::format_to(out, "\\n"); break;
      case '\r': fmt::format_to(out, "\\r"); break;
      case '\t': fmt::format_to(out, "\\t"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          fmt::format_to(out, "\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          *out++ = c;
        }
    }
  }
  *out++ = '"';
}

// {key: value, "other key": "a \"b\""}
void write_labels(Out out, const std::vector<Label>& labels) {
  *out++ = '{';
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) fmt::format_to(out, ", ");
    write_label_text(out, labels[i].key);
    fmt::format_to(out, ": ");
    write_label_text(out, labels[i].value);
  }
  *out++ = '}';
}

std::string heading_state(const LeakGroup& group) {
  if (!group.example.unreadable_header.empty()) return "header not read";
  if (!group.max_wait_minutes) return std::string(group.state);
  return fmt::format("{}, {} minutes", group.state, *group.max_wait_minutes);
}

// Frames as the runtime prints them, so they read like the dump itself.
void write_frames(Out out, const std::vector<Frame>& frames, std::string_view indent) {
  for (const Frame& frame : frames) {
    fmt::format_to(out, "{}{}{}\n{}    {}:{}\n", indent, frame.function, frame.inlined ? "(...)" : "()", indent,
                   frame.file, frame.line);
  }
}

// The whole stack, or, folded, only the user's frames (the innermost few
// when none is the user's) and how many were left out.
void write_stack(Out out, const Goroutine& g, std::string_view indent, const UserCode* fold = nullptr) {
  if (fold == nullptr) {
    write_frames(out, g.frames, indent);
    if (g.frames_elided) fmt::format_to(out, "{}...frames elided...\n", indent);
  } else {
    constexpr std::size_t kInnermostShown = 5;
    std::vector<Frame> shown;
    for (const Frame& f : g.frames) {
      if (fold->owns(f)) shown.push_back(f);
    }
    if (shown.empty()) {
      shown.assign(g.frames.begin(), g.frames.begin() + std::min(g.frames.size(), kInnermostShown));
    }
    write_frames(out, shown, indent);
    if (const std::size_t hidden = g.frames.size() - shown.size(); hidden > 0 || g.frames_elided) {
      fmt::format_to(out, "{}({} more frame{}; --verbose shows them)\n", indent, hidden, hidden == 1 ? "" : "s");
    }
  }
  if (g.created_by) {
    fmt::format_to(out, "{}created by {}{}\n{}    {}:{}\n", indent, g.created_by->function,
                   g.creator_id ? fmt::format(" in goroutine {}", *g.creator_id) : "", indent, g.created_by->file,
                   g.created_by->line);
  }
}

std::string describe_counts(const GroupGrowth& growth) {
  std::string text = fmt::format("{}", fmt::join(growth.counts, ", "));
  switch (growth.growth) {
    case Growth::growing: return fmt::format("+{:.3g} per run ({} after each run)", growth.per_run(), text);
    case Growth::bounded: return fmt::format("bounded: appeared, then stayed at {} ({} after each run)",
                                             growth.counts.back(), text);
    case Growth::unclear: break;
  }
  return fmt::format("unclear: {} after each run, neither rising steadily nor flat; run it more times (--repeat)",
                     text);
}

// The verdict's reason for one group: the runtime's proof, its growth over
// repeated runs, or that it outlived the settle time.
struct GroupContext {
  std::chrono::milliseconds settle{};
  const GroupGrowth* growth = nullptr;  // when the scenario was repeated
  const UserCode* user = nullptr;       // lead to the user's code (leak reports)
  SourceLines* sources = nullptr;
  TextOptions text{};
};

// ANSI SGR codes around `text`, when colour is on.
std::string paint(std::string_view text, std::string_view code, bool colour) {
  return colour ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
}

// Prose at most 100 columns wide, for CI logs: `lead` starts the first
// line and, as spaces, every other one. A word longer than a line (a path)
// stands alone on its line.
void write_wrapped(Out out, std::string_view lead, std::string_view text) {
  constexpr std::size_t kWidth = 100;
  const std::string indent(lead.size(), ' ');
  std::string line(lead);
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t space = text.find(' ', at);
    const std::string_view word = text.substr(at, space == std::string_view::npos ? std::string_view::npos : space - at);
    const bool line_has_words = line.size() > indent.size();
    if (line_has_words && line.size() + 1 + word.size() > kWidth) {
      fmt::format_to(out, "{}\n", line);
      line = indent;
    }
    if (line.size() > indent.size()) line += ' ';
    line.append(word);
    if (space == std::string_view::npos) break;
    at = space + 1;
  }
  fmt::format_to(out, "{}\n", line);
}

// Where the user's code is in the group's story, when that is not the
// blocking site already shown; its line quoted; and the pattern it looks like.
void write_user_code(Out out, const LeakGroup& group, const GroupContext& context) {
  const detail::GroupLead lead = detail::lead_of(group, *context.user, context.sources);
  const UserOrigin& origin = lead.origin;
  if (lead.says_origin) {
    std::vector<std::string> through;
    for (auto it = origin.through.rbegin(); it != origin.through.rend(); ++it) through.emplace_back((*it)->function);
    fmt::format_to(out, "    your code   {}{}\n", where(*origin.frame),
                   origin.started_it ? fmt::format(" started it{}", through.empty() ? std::string()
                                                                                   : fmt::format(", through {}",
                                                                                                 fmt::join(through, " -> ")))
                                     : std::string(" called into what blocks"));
  } else if (origin.frame == nullptr && !lead.site_is_users) {
    fmt::format_to(out, "    your code   not in this stack{}\n",
                   origin.ancestors_missing ? "; run the program with GODEBUG=tracebackancestors=20 to see who "
                                              "started it"
                                            : "");
  }
  if (lead.quoted != nullptr && context.sources != nullptr) {
    for (const std::string& line : context.sources->quote(std::string(lead.quoted->file), lead.quoted->line)) {
      fmt::format_to(out, "        {}\n", line);
    }
  }
  if (lead.hint) {
    write_wrapped(out, "    hint        ",
                  fmt::format("{}: {}.", paint(lead.hint->pattern, "33", context.text.colour), lead.hint->why));
    write_wrapped(out, "                ", fmt::format("fix: {}.", lead.hint->fix));
  }
}

void write_group(Out out, std::size_t number, const LeakGroup& group, const GroupContext& context = {}) {
  fmt::format_to(out, "\n{}\n",
                 paint(fmt::format("#{}  {} [{}]", number, plural(group.count(), "goroutine", "goroutines"),
                                   heading_state(group)),
                       "1", context.text.colour));
  fmt::format_to(out, "    blocked at  {}\n", where(group.blocking_site));
  if (group.created_by) {
    fmt::format_to(out, "    created by  {}\n", where(*group.created_by));
  }
  if (!group.example.labels.empty()) {
    fmt::format_to(out, "    labels      ");
    write_labels(out, group.example.labels);
    fmt::format_to(out, "{}\n", group.count() > 1 ? fmt::format(" (goroutine {})", group.example.id) : "");
  }
  if (!group.example.unreadable_header.empty()) {
    fmt::format_to(out, "    header      {} (a form goleakcheck cannot read: counted as blocked)\n",
                   group.example.unreadable_header);
  }
  if (group.proven > 0) {
    fmt::format_to(out, "    why         proven leaked by the Go runtime{}\n",
                   group.proven == group.count() ? std::string() : fmt::format(" ({} of them)", group.proven));
  } else if (context.growth != nullptr) {
    fmt::format_to(out, "    why         {} over the runs{}\n",
                   context.growth->growth == Growth::growing ? "grew" : "neither grew steadily nor stayed flat",
                   context.growth->idle_connection ? " (idle connections, counted since they grow)" : "");
  } else if (context.settle.count() > 0) {
    fmt::format_to(out, "    why         still blocked after {} of settling\n", format_duration(context.settle));
  }
  if (context.growth != nullptr) fmt::format_to(out, "    growth      {}\n", describe_counts(*context.growth));
  if (context.user != nullptr) write_user_code(out, group, context);
  // Every id is in the JSON; a person needs a few to find them in a dump.
  constexpr std::size_t kIdsShown = 20;
  if (group.ids.size() <= kIdsShown) {
    fmt::format_to(out, "    ids         {}\n", fmt::join(group.ids, " "));
  } else {
    fmt::format_to(out, "    ids         {} ... ({} more)\n",
                   fmt::join(group.ids.begin(), group.ids.begin() + kIdsShown, " "), group.ids.size() - kIdsShown);
  }
  fmt::format_to(out, "    stack of goroutine {}:\n", group.example.id);
  write_stack(out, group.example, "        ",
              context.text.verbose || context.user == nullptr ? nullptr : context.user);
}

void write_grown_stack(Out out, std::size_t number, const StackGrowth& growth) {
  fmt::format_to(out, "\n#{}  +{} goroutines with this stack ({} before, {} after)", number, growth.growth(),
                 growth.before, growth.after);
  if (!growth.stack.labels.empty()) {
    fmt::format_to(out, ", labels ");
    write_labels(out, growth.stack.labels);
  }
  *out++ = '\n';
  // debug=1 gives no state: the stack stayed, whether parked or busy.
  if (const Frame* site = growth.stack.blocking_site()) fmt::format_to(out, "    at          {}\n", where(*site));
  fmt::format_to(out, "    stack:\n");
  write_frames(out, growth.stack.frames, "        ");
}

std::uint64_t total_growth(const std::vector<StackGrowth>& grown) {
  std::uint64_t sum = 0;
  for (const StackGrowth& g : grown) sum += g.growth();
  return sum;
}

}  // namespace

void write_summary(std::ostream& os, DumpSummary summary, const Snapshot& dump, std::size_t max_groups) {
  Out out(os);
  fmt::format_to(out, "{}{}\n", plural(summary.goroutines, "goroutine", "goroutines"),
                 dump.truncated ? " (the dump was cut off: the last record is partial, more were not written)" : "");
  if (summary.unreadable > 0) {
    fmt::format_to(out, "{} with a header goleakcheck could not read (counted as blocked, state unknown)\n",
                   plural(summary.unreadable, "goroutine", "goroutines"));
  }
  std::vector<std::pair<std::string_view, std::size_t>> by_count(summary.states.begin(), summary.states.end());
  std::stable_sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [state, count] : by_count) fmt::format_to(out, "{:>10}  {}\n", count, state);

  const std::vector<LeakGroup> groups = summary.blocked.take();
  if (!groups.empty()) {
    fmt::format_to(out, "\nblocked goroutines by blocking site (the largest {} of {} groups):\n",
                   std::min(max_groups, groups.size()), groups.size());
  }
  for (std::size_t i = 0; i < groups.size() && i < max_groups; ++i) write_group(out, i + 1, groups[i]);
}

void write_profile_summary(std::ostream& os, const Profile& profile, std::size_t max_stacks) {
  Out out(os);
  fmt::format_to(out, "{} profile: {} in {}{}\n", profile.name.empty() ? "goroutine" : profile.name,
                 plural(profile.total.value_or(profile.counted()), "goroutine", "goroutines"),
                 plural(profile.stacks.size(), "stack", "stacks"),
                 profile.truncated ? " (the profile was cut off: counts are missing)" : "");
  for (std::size_t i = 0; i < profile.stacks.size() && i < max_stacks; ++i) {
    const StackCount& stack = profile.stacks[i];
    const Frame* site = stack.blocking_site();
    fmt::format_to(out, "{:>10}  {}\n", stack.count, site != nullptr ? where(*site) : "(no frames)");
  }
}

namespace {

// The growth of the group `group` heads, when the scenario was repeated.
const GroupGrowth* growth_of(const LeakReport& report, const LeakGroup& group) {
  for (const GroupGrowth& growth : report.growth) {
    if (growth.group.state == group.state && growth.group.blocking_site == group.blocking_site &&
        growth.group.created_by == group.created_by) {
      return &growth;
    }
  }
  return nullptr;
}

void write_runs(Out out, const LeakReport& report) {
  if (report.runs < 2) return;
  std::size_t bounded = 0;
  for (const GroupGrowth& growth : report.growth) bounded += growth.fails() ? 0 : 1;
  fmt::format_to(out, "\nthe scenario ran {} times after the baseline{}; {} new after the last run:\n", report.runs,
                 report.warmup_runs > 0 ? fmt::format(" ({} more before it, to warm up)", report.warmup_runs) : "",
                 plural(report.growth.size(), "group", "groups"));
  for (const GroupGrowth& growth : report.growth) {
    fmt::format_to(out, "    {:<8} {} [{}] at {}{}: {}\n", growth.fails() ? "FAIL" : "ok",
                   plural(growth.group.count(), "goroutine", "goroutines"), growth.group.state,
                   where(growth.group.blocking_site),
                   growth.idle_connection
                       ? fmt::format(" (idle connection: {})", describe(classify_idle_connection(growth.group.example)))
                       : std::string(),
                   growth.proven ? "proven leaked by the Go runtime" : describe_counts(growth));
  }
  if (bounded > 0) {
    fmt::format_to(out, "    ({} that appeared and stayed flat: a pool filling up or a singleton, not a leak)\n",
                   plural(bounded, "group", "groups"));
  }
}

void write_notes(Out out, const LeakReport& report) {
  if (!report.verdict_basis.empty()) fmt::format_to(out, "note: verdict: {}\n", report.verdict_basis);
  if (report.first_seen_last > 0) {
    fmt::format_to(out, "note: {} first seen just before the settle time ran out, started after the scenario: not judged\n",
                   plural(report.first_seen_last, "new blocked goroutine", "new blocked goroutines"));
  }
  if (!report.baseline_not_quiet.empty()) fmt::format_to(out, "note: baseline: {}\n", report.baseline_not_quiet);
  // Why a leak verdict waited, or what the proof found: said only with leaks.
  if (!report.proof.empty() && !report.clean()) fmt::format_to(out, "note: proof: {}\n", report.proof);
}

}  // namespace

void write_analysis_text(std::ostream& os, const SiteAnalysis& a, std::size_t top) {
  Out out(os);
  fmt::format_to(out, "goleakcheck analyze: {} read, {} blocked at {} ({} of idle connections apart{}){}\n",
                 plural(a.goroutines, "goroutine", "goroutines"), a.blocked, plural(a.groups.size(), "site", "sites"),
                 a.idle_connections, a.ignored > 0 ? fmt::format(", {} ignored by rules", a.ignored) : std::string(),
                 a.truncated ? fmt::format("; the dump was cut off after {} bytes{}: counts are lower bounds", a.bytes,
                                           a.bytes == kRuntimeDumpCap ? " (the runtime's 64 MiB cap)" : "")
                             : std::string());
  if (a.unreadable > 0) {
    fmt::format_to(out, "warning: {} with a header goleakcheck could not read (counted as blocked)\n",
                   plural(a.unreadable, "goroutine", "goroutines"));
  }
  const std::string thresholds = fmt::format("at least {} goroutines{}", a.min_count,
                                             a.min_minutes > 0 ? fmt::format(" or blocked {} minutes or more", a.min_minutes)
                                                               : std::string());
  if (a.flagged_count() > 0) {
    fmt::format_to(out, "FLAGGED: {} with {}\n", plural(a.flagged_count(), "site", "sites"), thresholds);
  } else {
    fmt::format_to(out, "no site with {}\n", thresholds);
  }
  if (!a.groups.empty()) fmt::format_to(out, "\n      COUNT  MINUTES  STATE / BLOCKING SITE\n");
  for (std::size_t i = 0; i < a.groups.size() && i < top; ++i) {
    const LeakGroup& g = a.groups[i];
    fmt::format_to(out, "{} {:>9}  {:>7}  [{}] {}\n", a.flagged[i] ? '!' : ' ', g.count(),
                   g.max_wait_minutes ? fmt::format(">={}", *g.max_wait_minutes) : std::string("-"), g.state,
                   where(g.blocking_site));
  }
  SourceLines sources;
  std::size_t number = 0;
  for (std::size_t i = 0; i < a.groups.size() && i < top; ++i) {
    if (a.flagged[i]) write_group(out, ++number, a.groups[i], GroupContext{{}, nullptr, &a.user_code, &sources});
  }
  if (!a.by_user_frame.empty()) {
    fmt::format_to(out, "\nblocked goroutines by the line of your code that leads to them:\n");
    for (std::size_t i = 0; i < a.by_user_frame.size() && i < top; ++i) {
      fmt::format_to(out, "  {:>9}  {}\n", a.by_user_frame[i].second, where(a.by_user_frame[i].first));
    }
  }
}

void write_text(std::ostream& os, const LeakReport& report, const TextOptions& options) {
  Out out(os);
  const std::string stats =
      fmt::format("{} before, {} after; waited {} of {} settle time{}, {}",
                  plural(report.baseline_goroutines, "goroutine", "goroutines"), report.final_goroutines,
                  format_duration(report.elapsed), format_duration(report.settle),
                  report.decided_by_proof    ? " (the runtime's proof came first)"
                  : report.decided_by_growth ? " (growth over the runs came first)"
                                             : "",
                  plural(report.snapshots, "snapshot", "snapshots"));
  if (!report.ids_not_compared.empty()) fmt::format_to(out, "goleakcheck: note: {}\n", report.ids_not_compared);
  if (report.clean()) {
    fmt::format_to(out, "goleakcheck: {}: no new blocked goroutine ({})\n", paint("clean", "1;32", options.colour), stats);
  } else if (!report.grown_stacks.empty()) {
    fmt::format_to(out, "goleakcheck: {}: {} more at {} ({})\n", paint("LEAK", "1;31", options.colour),
                   plural(total_growth(report.grown_stacks), "goroutine", "goroutines"),
                   plural(report.grown_stacks.size(), "stack", "stacks"), stats);
    std::size_t number = 0;
    for (const StackGrowth& growth : report.grown_stacks) write_grown_stack(out, ++number, growth);
  } else {
    fmt::format_to(out, "goleakcheck: {}: {} blocked {} ({})\n", paint("LEAK", "1;31", options.colour),
                   plural(report.leak_count(), "goroutine", "goroutines"),
                   report.groups.size() == 1 ? "at 1 place" : fmt::format("at {} places", report.groups.size()), stats);
    std::size_t number = 0;
    SourceLines sources;
    for (const LeakGroup& group : report.groups) {
      write_group(out, ++number, group,
                  GroupContext{report.settle, growth_of(report, group), &report.user_code,
                               report.read_sources ? &sources : nullptr, options});
    }
  }
  write_runs(out, report);
  if (!report.still_running.empty()) {
    fmt::format_to(out, "\nwarning: {} still running at the end of the check (not counted as leaks):\n",
                   plural(report.still_running.size(), "new goroutine", "new goroutines"));
    for (const Goroutine& g : report.still_running) {
      const Frame* top = g.frames.empty() ? nullptr : &g.frames.front();
      fmt::format_to(out, "    goroutine {} [{}] {}\n", g.id, g.state, top != nullptr ? where(*top) : "(no stack)");
    }
  }
  if (!report.idle_connections.empty()) {
    std::map<std::string_view, std::size_t> kinds;
    for (const Goroutine& g : report.idle_connections) ++kinds[describe(classify_idle_connection(g))];
    std::vector<std::string> parts;
    for (const auto& [kind, count] : kinds) parts.push_back(fmt::format("{} {}", count, kind));
    fmt::format_to(out, "note: {} of idle kept-alive HTTP connections, not leaks by themselves ({})\n",
                   plural(report.idle_connections.size(), "new goroutine", "new goroutines"), fmt::join(parts, ", "));
  }
  if (const std::string ignored = describe_ignored(report); !ignored.empty()) fmt::format_to(out, "note: {}\n", ignored);
  write_notes(out, report);
}

std::string describe_ignored(const LeakReport& report) {
  if (report.ignored == 0) return {};
  std::vector<std::string> used;
  for (const auto& use : report.ignore_uses) {
    if (use.hits > 0) used.push_back(fmt::format("'{}' ({}) {}", use.rule, use.origin, use.hits));
  }
  return fmt::format("{} ignored by rule: {}", plural(report.ignored, "new goroutine", "new goroutines"),
                     fmt::join(used, "; "));
}

std::string render_text(const LeakReport& report, const TextOptions& options) {
  std::ostringstream text;
  write_text(text, report, options);
  return text.str();
}

}  // namespace goleakcheck
