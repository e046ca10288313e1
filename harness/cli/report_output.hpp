// What the commands share: the flags of ignore rules and of output, and
// writing each output where and how it was asked for.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "goleakcheck/ignore.hpp"
#include "goleakcheck/report.hpp"

namespace goleakcheck::cli {

// --ignore, --ignore-file, --no-default-ignores, --allow-ignore-all:
// the same in every command that judges goroutines.
struct RuleFlags {
  std::vector<std::string> rules;  // --ignore, repeatable
  std::vector<std::string> files;  // --ignore-file, repeatable
  bool no_default_ignores = false;
  bool allow_ignore_all = false;

  // The user's rules (load_user_rules); the defaults are added by the
  // library (rules_in_force). Throws Error for a bad rule, before anything
  // is launched or read.
  std::vector<Ignore> user_rules() const { return load_user_rules(files, rules); }
};

// --format FORMAT[:FILE] (repeatable), --output, and the text report's and
// JUnit's own.
struct ReportFlags {
  std::vector<std::string> formats;
  std::string output;
  bool junit_per_group = false;
  bool verbose = false;  // every frame of every stack in the text report
};

// Where an output goes, and as what: a format, to a file or, with an empty
// file, to stdout.
struct ReportTarget {
  std::string format;
  std::string file;
};

// The targets "--format FORMAT[:FILE]" values name, each FORMAT one of
// `allowed` (the first is the default when none is given); `output`
// (--output) is the file of the one given without a file, when there is
// one. At most one target may be stdout. Throws Error(usage) otherwise.
std::vector<ReportTarget> output_targets(const std::vector<std::string>& formats,
                                         const std::vector<std::string_view>& allowed,
                                         const std::string& output = {});
// output_targets for a check's report: text, json, junit or html.
std::vector<ReportTarget> report_targets(const std::vector<std::string>& formats, const std::string& output);

// Runs `write` on the target's stream. Throws Error(io) when it cannot be
// written; to stdout, that says the output is lost.
void write_to(const ReportTarget& target, const std::function<void(std::ostream&)>& write);

// Writes `report` to every target: text folded unless `verbose`, and in
// colour when it goes to a terminal and NO_COLOR is not set.
void write_reports(const std::vector<ReportTarget>& targets, const LeakReport& report, const ReportFlags& flags);

// When the check could not be made: the JUnit targets get a testcase with
// that <error>, so that CI shows it; the others get nothing.
void write_error_reports(const std::vector<ReportTarget>& targets, std::string_view message, std::string_view details,
                         const ReportFlags& flags);

// "text, json or html": the formats of `allowed`, for messages.
std::string name_formats(const std::vector<std::string_view>& allowed);

// Whether colour is wanted on stdout: a terminal, and no NO_COLOR.
bool colour_for_stdout();

// On stderr, each of the user's rules that matched no goroutine.
void warn_unused_ignores(const LeakReport& report);

}  // namespace goleakcheck::cli
