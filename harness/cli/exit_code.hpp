// The CLI's exit statuses, decided here and nowhere else: each command
// returns one, and main() turns every error into check_not_made.
#pragma once

namespace goleakcheck::cli {

enum class ExitCode : int {
  clean = 0,           // no leak (or, for parse and snapshot: done)
  leaks = 1,           // leaks found
  check_not_made = 2,  // bad usage, or anything that could not be read, reached or proven
};

// Ended by SIGINT, SIGTERM or SIGHUP, once everything it started was
// stopped: the shells' convention, 128 + the signal (130, 143, 129).
constexpr int interrupted_status(int signal) { return 128 + signal; }

}  // namespace goleakcheck::cli
