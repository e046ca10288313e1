// `goleakcheck watch`: running services sampled over time (or a directory
// of samples saved over time), LeakProf style, for blocking sites where
// goroutines keep piling up.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "exit_code.hpp"
#include "goleakcheck/watch.hpp"

namespace goleakcheck::cli {

struct WatchOptions {
  std::vector<std::string> sources;  // http://host:port each, or one directory
  std::chrono::milliseconds interval{std::chrono::seconds(30)};
  std::chrono::milliseconds duration{0};  // 0: until interrupted
  std::chrono::milliseconds proof_interval{std::chrono::minutes(5)};
  // One sample's request, connect to last byte: a debug=1 profile of
  // 200,000 goroutines takes over a second to write.
  std::chrono::milliseconds sample_timeout{std::chrono::seconds(30)};
  WatchRules rules;
  std::vector<std::string> modules;
  std::string metrics;  // HOST:PORT, or empty
  std::string html;     // a file, or empty
  bool no_table = false;  // one line per sample even on a terminal
};

// leaks when any site is flagged at the end; else check_not_made when a
// sample could not be read (what was not seen proves nothing); else clean.
// An interrupt (SIGINT, SIGTERM, SIGHUP) ends the watch early, with the
// final report and the HTML; a second one ends the process at once.
ExitCode watch(const WatchOptions& options);

}  // namespace goleakcheck::cli
