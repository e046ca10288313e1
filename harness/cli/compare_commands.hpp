// `goleakcheck diff` and `goleakcheck analyze`: a customer's leak from
// saved dumps (the library's diff_dumps and analyze_sites, compare.hpp),
// printed as asked.
#pragma once

#include <string>
#include <vector>

#include "exit_code.hpp"
#include "goleakcheck/compare.hpp"
#include "report_output.hpp"

namespace goleakcheck::cli {

struct DiffCommand {
  std::string before;  // a file, "-" (stdin) or http://host:port
  std::string after;
  DiffOptions check;   // every default is the library's
  RuleFlags rules;
  ReportFlags report;
};

// clean or leaks, as `run`. Throws Error when a dump cannot be read, is no
// dump, or was cut off (its missing goroutines would look like ones that
// ended).
ExitCode diff(DiffCommand command);

struct AnalyzeCommand {
  std::string source;
  AnalyzeOptions analysis;  // every default is the library's
  RuleFlags rules;
  std::size_t top = 10;          // sites listed
  std::vector<std::string> formats;  // --format text|json[:FILE]
};

// leaks when any site is flagged; clean when none is and the dump was read
// whole. Throws Error (exit 2) when none is flagged in a dump cut off or
// partly unreadable: what was not read proves nothing.
ExitCode analyze(AnalyzeCommand command);

}  // namespace goleakcheck::cli
