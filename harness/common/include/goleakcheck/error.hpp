// The one exception type goleakcheck throws: a check that could not be made.
// The library says what kind of failure it was; what a program does about
// it (the CLI: exit status 2) is the program's business.
#pragma once

#include <stdexcept>
#include <string>

namespace goleakcheck {

enum class ErrorKind {
  usage,             // bad arguments or options
  launch_failed,     // the program could not be started at all
  program_exited,    // it exited (crashed) before or during the check
  not_ready,         // nothing answered on its address within the ready timeout
  not_our_program,   // what answers is another process, or the attached one restarted
  no_pprof,          // it answers HTTP but serves no /debug/pprof/
  snapshot_failed,   // fetching a dump failed: refused, timed out, too large, HTTP error
  not_a_dump,        // what came back (or was read) is not a goroutine dump or profile
  incomplete,        // the answers were cut off, or disagree with each other: nothing to judge on
  scenario_failed,   // the scenario command failed or timed out
  bad_rule,          // an ignore rule that cannot be parsed
  io,                // a file could not be read or written
};

// `what()` is one line: what went wrong and what to do. `details()` holds
// supporting lines, such as the tail of the program's stderr, or is empty.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message, std::string details = {})
      : std::runtime_error(message), kind_(kind), details_(std::move(details)) {}

  ErrorKind kind() const noexcept { return kind_; }
  const std::string& details() const noexcept { return details_; }

 private:
  ErrorKind kind_;
  std::string details_;
};

}  // namespace goleakcheck
