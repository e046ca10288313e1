// Rules that say which new goroutines are not leaks.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "goleakcheck/goroutine.hpp"
#include "goleakcheck/matchers.hpp"

namespace goleakcheck {

// A matcher with a name (what reports and --warn-unused-ignores show) and
// where it came from ("default", "rules.txt:3", "--ignore").
struct Ignore {
  std::string name;
  GoroutineMatcher matcher;
  std::string origin;

  bool matches(const Goroutine& g) const { return matcher.Matches(g); }
  bool is_default() const { return origin == "default"; }
};

// A rule named by the matcher's own description.
Ignore Ignoring(GoroutineMatcher matcher);

// goleak's IgnoreTopFunction, with gleak's shorthands: "pkg.f",
// "pkg.f...", "pkg.f [chan receive]".
Ignore IgnoreTopFunction(std::string_view spec);

// Parses ignore rules, one per line (see README.md, "Ignore rules"):
//
//   # comments and blank lines are skipped
//   top: net/http.(*persistConn).readLoop
//   top: mypkg.worker [chan receive]
//   created-by: google.golang.org/grpc/...
//   any: regex:^go\.opencensus\.io/
//   state: IO wait && blocking-site: mypkg.(*Pool).wait
//
// Throws Error(ErrorKind::bad_rule) naming "origin:line", the bad text and
// what was expected. `origin` names the text in those messages.
std::vector<Ignore> parse_ignore_rules(std::string_view text, std::string_view origin);

// One rule given on the command line (--ignore RULE).
Ignore parse_ignore_rule(std::string_view rule, std::string_view origin = "--ignore");

// Reads and parses a rule file. Throws Error(ErrorKind::io) when unreadable.
std::vector<Ignore> load_ignore_file(const std::filesystem::path& file);

// The default rules, each documented in README.md ("Default ignores") and
// turned off all together by --no-default-ignores / CheckOptions::ignores:
//   - os/signal's loop, started by the first signal.Notify;
//   - the execution tracer's reader, started by runtime/trace.Start;
//   - the go test runner's own goroutines (testing.*), for test binaries;
//   - the runtime's lazily started background workers (finalizers,
//     cleanups, GC and scavenger waits).
std::vector<Ignore> default_ignores();

}  // namespace goleakcheck
