// The verdict of one check, and how it is written. Offline summaries of a
// dump or a profile are in summary.hpp.
#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "goleakcheck/diff.hpp"
#include "goleakcheck/leak_report.hpp"

namespace goleakcheck {

// Puts what `sorted` found in `after` into a report: copies of the blocked
// (leaks), running and idle ones, the ignore counts per rule, the final
// count, and `after`'s names, which the copies point into. Groups are not
// made here. O(new goroutines).
void record_new_goroutines(const NewGoroutines& sorted, const Snapshot& after, const TriageRules& rules,
                           LeakReport& report);

// How the text report is written. The library's default is every frame and
// no colour; the CLI folds stacks unless --verbose, and colours a terminal
// unless NO_COLOR is set.
struct TextOptions {
  bool verbose = true;  // false: each stack folded to the user's frames
  bool colour = false;  // ANSI colours for the verdict, headings and hints
};

// The report a person reads: one section per group with its state, blocking
// site, creator, your code, hint, labels, ids and one stack.
void write_text(std::ostream& out, const LeakReport& report, const TextOptions& options = {});

// The machine-readable report: verdict, leaks, groups, warnings, stats.
// Invalid UTF-8 in names or labels is replaced, never thrown on.
void write_json(std::ostream& out, const LeakReport& report);

// JUnit XML for CI (Jenkins' JUnit plugin, GitLab): one testsuite, and one
// testcase for the check (a <failure> when it found leaks, its message the
// report's first line and its text the whole report), or with `per_group`
// one testcase per leak group, numbered so that names are unique. Always at
// least one testcase. Attribute and text are escaped; bytes XML forbids
// become U+FFFD. tests/junit/junit.xsd is the contract.
struct JunitOptions {
  std::string suite = "goleakcheck";
  std::string name = "no goroutine leaks";  // the testcase without per_group
  bool per_group = false;
};
void write_junit(std::ostream& out, const LeakReport& report, const JunitOptions& options = {});
// The same when the check could not be made: one testcase with an <error>.
void write_junit_error(std::ostream& out, std::string_view message, std::string_view details,
                       const JunitOptions& options = {});
std::string render_junit(const LeakReport& report, const JunitOptions& options = {});

// One self-contained HTML page for CI artifacts: no network, the verdict,
// each group with its counts, your code, quoted lines, hint and labels, its
// stack folded to your frames (the whole stack a click away).
void write_html(std::ostream& out, const LeakReport& report);
std::string render_html(const LeakReport& report);

// "3 new goroutines ignored by rule: 'top: main.worker' (--ignore) 3", the
// note every format carries when rules ignored goroutines; empty when none.
std::string describe_ignored(const LeakReport& report);

// write_text and write_json into a string, for assertion messages and tests.
std::string render_text(const LeakReport& report, const TextOptions& options = {});
std::string render_json(const LeakReport& report);

}  // namespace goleakcheck
