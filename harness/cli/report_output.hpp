// What `run` and `diff` share: the user's ignore rules, and writing the
// report where and how it was asked for.
#pragma once

#include <string>
#include <vector>

#include "goleakcheck/ignore.hpp"
#include "goleakcheck/report.hpp"

namespace goleakcheck::cli {

// The user's rules, from files and then --ignore; the defaults are added
// by the check itself (rules_in_force), in the same order as from C++.
// Throws Error(usage) for a bad rule, before anything is launched.
std::vector<Ignore> user_rules(const std::vector<std::string>& files, const std::vector<std::string>& rules);

// Where a report goes, and as what: text, json or junit, to a file or, with
// an empty file, to stdout.
struct ReportTarget {
  std::string format;
  std::string file;
};

// The formats the report formats name: "--format FORMAT[:FILE]", given
// once or more; `output` (--output) is the file of the one given without a
// file, when there is one. At most one target may be stdout. Throws
// Error(usage) otherwise.
std::vector<ReportTarget> report_targets(const std::vector<std::string>& formats, const std::string& output);

// Writes `report` to every target: text folded unless `verbose`, and in
// colour when it goes to a terminal and NO_COLOR is not set. Throws
// Error(io) when a file cannot be written.
void write_reports(const std::vector<ReportTarget>& targets, const LeakReport& report, const JunitOptions& junit,
                   bool verbose = false);

// When the check could not be made: the JUnit targets get a testcase with
// that <error>, so that CI shows it; the others get nothing.
void write_error_reports(const std::vector<ReportTarget>& targets, std::string_view message, std::string_view details,
                         const JunitOptions& junit);

// The names a --format value may start with.
bool is_report_format(std::string_view format);

// On stderr, each of the user's rules that matched no goroutine.
void warn_unused_ignores(const LeakReport& report);

}  // namespace goleakcheck::cli
