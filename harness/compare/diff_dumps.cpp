#include <fmt/format.h>

#include "goleakcheck/compare.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/source.hpp"

namespace goleakcheck {

Snapshot read_whole_dump(const std::string& source, const FetchLimits& limits) {
  DumpReader reader;
  const bool cut = read_source(source, limits, [&](std::string_view chunk) { reader.feed(chunk); });
  Snapshot dump = reader.finish(cut);
  if (const std::string why = why_not_a_dump(dump); !why.empty()) {
    throw Error(ErrorKind::not_a_dump, fmt::format("{} is not a goroutine dump: {}; give two debug=2 dumps",
                                                   source_name(source), why));
  }
  if (dump.truncated) {
    throw Error(ErrorKind::not_a_dump,
                fmt::format("{} was cut off after {} bytes ({} goroutines read){}: goroutine ids cannot be compared; "
                            "give whole dumps, or look at one with `goleakcheck analyze`",
                            source_name(source), dump.bytes, dump.goroutines.size(),
                            dump.bytes == kRuntimeDumpCap ? ", the runtime's 64 MiB cap" : ""));
  }
  return dump;
}

namespace {

TriageRules rules_of(const DiffOptions& options) {
  return {rules_in_force(options.ignores, options.default_ignores), options.idle_connections_are_leaks};
}

// A rule that would ignore any leak is refused before anything else is read.
void refuse_ignoring_everything(const TriageRules& rules, const Baseline& baseline, const DiffOptions& options) {
  if (options.allow_ignore_all) return;
  const std::string why = why_a_rule_ignores_everything(rules.ignores, baseline.snapshot(),
                                                        "--allow-ignore-all (DiffOptions::allow_ignore_all)");
  if (!why.empty()) throw Error(ErrorKind::bad_rule, why);
}

LeakReport judge(const Baseline& baseline, const Snapshot& after, const TriageRules& rules, const DiffOptions& options,
                 const std::string& before_name, const std::string& after_name) {
  if (const std::string why = why_runtime_changed(after, baseline); !why.empty()) {
    throw Error(ErrorKind::not_our_program,
                fmt::format("{} and {} are not dumps of one running program: {}", before_name, after_name, why));
  }
  LeakReport report;
  record_new_goroutines(new_goroutines(after, baseline, rules), after, rules, report);
  report.groups = group_leaks(report.leaks);
  report.baseline_goroutines = baseline.snapshot().goroutines.size();
  report.user_code = options.user_code;
  return report;
}

}  // namespace

LeakReport diff_dumps(Snapshot before, const Snapshot& after, const DiffOptions& options,
                      const std::string& before_name, const std::string& after_name) {
  const TriageRules rules = rules_of(options);
  const Baseline baseline(std::move(before));
  refuse_ignoring_everything(rules, baseline, options);
  return judge(baseline, after, rules, options, before_name, after_name);
}

LeakReport diff_dumps(const std::string& before, const std::string& after, const DiffOptions& options) {
  const TriageRules rules = rules_of(options);
  const Baseline baseline(read_whole_dump(before, options.fetch));
  refuse_ignoring_everything(rules, baseline, options);  // before `after` is fetched
  return judge(baseline, read_whole_dump(after, options.fetch), rules, options, source_name(before),
               source_name(after));
}

}  // namespace goleakcheck
