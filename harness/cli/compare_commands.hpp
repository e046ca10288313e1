// `goleakcheck diff` and `goleakcheck analyze`: a customer's leak from
// saved dumps. diff judges two dumps as `run` judges its snapshots; analyze
// reads one dump from production, LeakProf-style, for sites where
// goroutines pile up.
#pragma once

#include <string>
#include <vector>

#include "exit_code.hpp"
#include "goleakcheck/http_client.hpp"

namespace goleakcheck::cli {

struct DiffOptions {
  std::string before;  // a file, "-" (stdin) or http://host:port
  std::string after;
  std::vector<std::string> ignore_rules;
  std::vector<std::string> ignore_files;
  bool no_default_ignores = false;
  bool allow_ignore_all = false;
  bool idle_connections_are_leaks = false;
  std::vector<std::string> modules;
  std::vector<std::string> formats;
  std::string output;
  bool junit_per_group = false;
  bool verbose = false;  // every frame of every stack in the text report
  FetchLimits fetch;
};

// clean or leaks, as `run`. Throws Error when a dump cannot be read, is no
// dump, or was cut off (its missing goroutines would look like ones that
// ended).
ExitCode diff(const DiffOptions& options);

struct AnalyzeOptions {
  std::string source;
  std::size_t min_count = 1000;  // flag a site with this many goroutines
  int min_minutes = 10;          // or blocked this long (0: not by time)
  std::size_t top = 10;          // sites listed
  std::vector<std::string> modules;
  std::string format = "text";
  FetchLimits fetch;
};

// leaks when any site is flagged; clean when none is and the dump was read
// whole. Throws Error (exit 2) when none is flagged in a dump cut off or
// partly unreadable: what was not read proves nothing.
ExitCode analyze(const AnalyzeOptions& options);

}  // namespace goleakcheck::cli
