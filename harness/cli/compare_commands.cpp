#include "compare_commands.hpp"

#include "goleakcheck/error.hpp"
#include "goleakcheck/summary.hpp"
#include "report_output.hpp"

namespace goleakcheck::cli {

ExitCode diff(DiffCommand command) {
  const std::vector<ReportTarget> targets = report_targets(command.report.formats, command.report.output);
  command.check.ignores = command.rules.user_rules();
  command.check.default_ignores = !command.rules.no_default_ignores;
  command.check.allow_ignore_all = command.rules.allow_ignore_all;
  const LeakReport report = diff_dumps(command.before, command.after, command.check);
  write_reports(targets, report, command.report);
  return report.clean() ? ExitCode::clean : ExitCode::leaks;
}

ExitCode analyze(AnalyzeCommand command) {
  const std::vector<ReportTarget> targets = output_targets(command.formats, {"text", "json"});
  command.analysis.rules.ignores = command.rules.user_rules();
  command.analysis.default_ignores = !command.rules.no_default_ignores;
  const SiteAnalysis analysis = analyze_sites(command.source, command.analysis);
  for (const ReportTarget& target : targets) {
    write_to(target, [&](std::ostream& out) {
      if (target.format == "json") {
        write_analysis_json(out, analysis, command.top);
      } else {
        write_analysis_text(out, analysis, command.top);
      }
    });
  }
  if (analysis.flagged_count() > 0) return ExitCode::leaks;
  if (const std::string why = analysis.why_unproven(); !why.empty()) throw Error(ErrorKind::not_a_dump, why);
  return ExitCode::clean;
}

}  // namespace goleakcheck::cli
