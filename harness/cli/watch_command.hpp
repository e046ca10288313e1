// `goleakcheck watch`: running services sampled over time (or a directory
// of samples saved over time) by the library's Watcher (watcher.hpp),
// shown as a live table or a line per sample, then the final report.
#pragma once

#include <string>
#include <vector>

#include "exit_code.hpp"
#include "goleakcheck/watcher.hpp"
#include "report_output.hpp"

namespace goleakcheck::cli {

struct WatchCommand {
  std::vector<std::string> sources;  // http://host:port each, or one directory
  WatchOptions watch;                // every default is the library's
  RuleFlags rules;
  std::string metrics;  // HOST:PORT, or empty
  std::vector<std::string> formats;  // --format text|html[:FILE]; --html FILE is html:FILE
  bool no_table = false;  // one line per sample even on a terminal
};

// leaks when any site is flagged at the end; else check_not_made when a
// sample could not be read (what was not seen proves nothing); else clean.
// An interrupt (SIGINT, SIGTERM, SIGHUP) ends the watch early, with the
// final report and the HTML; a second one ends the process at once.
ExitCode watch(WatchCommand command);

}  // namespace goleakcheck::cli
