#include "compare_commands.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "dump_parts.hpp"
#include "goleakcheck/diff.hpp"
#include "goleakcheck/dump.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/footprint.hpp"
#include "goleakcheck/idle_connection.hpp"
#include "goleakcheck/summary.hpp"
#include "goleakcheck/user_code.hpp"
#include "report_output.hpp"

namespace goleakcheck::cli {

namespace {

std::string name_of(const std::string& source) { return source == "-" ? "standard input" : source; }

// A whole dump, or an error: no verdict is made of something that is no
// dump, nor of one cut off, whose missing goroutines would look like ones
// that ended.
Snapshot load_whole_dump(const std::string& source, const FetchLimits& fetch) {
  DumpReader reader;
  const bool cut = read_source(source, fetch, [&](std::string_view chunk) { reader.feed(chunk); });
  Snapshot dump = reader.finish(cut);
  if (const std::string why = why_not_a_dump(dump); !why.empty()) {
    throw Error(ErrorKind::not_a_dump, fmt::format("{} is not a goroutine dump: {}; give two debug=2 dumps",
                                                   name_of(source), why));
  }
  if (dump.truncated) {
    throw Error(ErrorKind::not_a_dump,
                fmt::format("{} was cut off after {} bytes ({} goroutines read){}: goroutine ids cannot be compared; "
                            "give whole dumps, or look at one with `goleakcheck analyze`",
                            name_of(source), dump.bytes, dump.goroutines.size(),
                            dump.bytes == kRuntimeDumpCap ? ", the runtime's 64 MiB cap" : ""));
  }
  return dump;
}

}  // namespace

ExitCode diff(const DiffOptions& options) {
  const std::vector<ReportTarget> targets = report_targets(options.formats, options.output);
  JunitOptions junit;
  junit.per_group = options.junit_per_group;
  const TriageRules rules{
      rules_in_force(user_rules(options.ignore_files, options.ignore_rules), !options.no_default_ignores),
      options.idle_connections_are_leaks};
  const Baseline baseline(load_whole_dump(options.before, options.fetch));
  if (!options.allow_ignore_all) {
    const std::string why = why_a_rule_ignores_everything(rules.ignores, baseline.snapshot(), "--allow-ignore-all");
    if (!why.empty()) {
      throw Error(ErrorKind::bad_rule, why);
    }
  }
  const Snapshot after = load_whole_dump(options.after, options.fetch);
  if (const std::string why = why_runtime_changed(after, baseline); !why.empty()) {
    throw Error(ErrorKind::not_our_program,
                fmt::format("{} and {} are not dumps of one running program: {}", name_of(options.before),
                            name_of(options.after), why));
  }
  LeakReport report;
  record_new_goroutines(new_goroutines(after, baseline, rules), after, rules, report);
  report.groups = group_leaks(report.leaks);
  report.baseline_goroutines = baseline.snapshot().goroutines.size();
  report.user_code.modules = options.modules;
  write_reports(targets, report, junit, options.verbose);
  return report.clean() ? ExitCode::clean : ExitCode::leaks;
}

ExitCode analyze(const AnalyzeOptions& options) {
  SiteAnalysis analysis;
  analysis.user_code.modules = options.modules;
  analysis.min_count = options.min_count;
  analysis.min_minutes = options.min_minutes;
  LeakGrouper grouper;
  using FrameKey = std::tuple<std::string_view, std::string_view, int>;
  std::map<FrameKey, std::pair<Frame, std::size_t>> by_user;
  DumpReader reader([&](const Goroutine& g) {
    ++analysis.goroutines;
    if (!g.unreadable_header.empty()) ++analysis.unreadable;
    // The last record of a cut dump is cut in two: its frames are not all
    // there, so it would make a site of its own. Counted, not grouped.
    if (g.partial || !g.blocked() || is_snapshot_footprint(g)) return;
    if (classify_idle_connection(g) != IdleConnection::none) {
      ++analysis.idle_connections;
      return;
    }
    ++analysis.blocked;
    grouper.add(g);
    if (const UserOrigin origin = user_origin(g, analysis.user_code); origin.frame != nullptr) {
      auto& entry = by_user[{origin.frame->function, origin.frame->file, origin.frame->line}];
      entry.first = *origin.frame;
      ++entry.second;
    }
  });
  const bool cut = read_source(options.source, options.fetch, [&](std::string_view chunk) { reader.feed(chunk); });
  const Snapshot end = reader.finish(cut);
  if (const std::string why = why_not_a_dump(end); !why.empty()) {
    throw Error(ErrorKind::not_a_dump,
                fmt::format("{} is not a goroutine dump: {}; give a debug=2 dump", name_of(options.source), why));
  }
  analysis.names = end.names;
  analysis.truncated = end.truncated;
  analysis.bytes = end.bytes;
  analysis.groups = grouper.take();
  for (const LeakGroup& group : analysis.groups) {
    const bool many = group.count() >= options.min_count;
    const bool long_blocked = options.min_minutes > 0 && group.max_wait_minutes.value_or(0) >= options.min_minutes;
    analysis.flagged.push_back(many || long_blocked);
  }
  for (auto& [key, entry] : by_user) analysis.by_user_frame.push_back(entry);
  std::stable_sort(analysis.by_user_frame.begin(), analysis.by_user_frame.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (options.format == "json") {
    write_analysis_json(std::cout, analysis, options.top);
  } else {
    write_analysis_text(std::cout, analysis, options.top);
  }
  std::cout << std::flush;
  if (analysis.flagged_count() > 0) return ExitCode::leaks;
  if (analysis.truncated || analysis.unreadable > 0) {
    throw Error(ErrorKind::not_a_dump,
                fmt::format("no site was flagged, but the dump was {}: what was not read proves nothing; save a "
                            "whole dump, or lower --min-count",
                            analysis.truncated ? "cut off" : "partly unreadable"));
  }
  return ExitCode::clean;
}

}  // namespace goleakcheck::cli
