// Rules that say which new goroutines are not leaks: plain predicates over
// goroutine records, and the rule language that builds them. GoogleTest's
// matchers are adapters over these (goleakcheck/matchers.hpp, in the gtest
// library); nothing here needs GoogleTest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "goleakcheck/goroutine.hpp"
#include "goleakcheck/text_pattern.hpp"

namespace goleakcheck {

// True for a goroutine a rule describes. Must be safe to call from any
// thread and must not keep the goroutine (records die with their snapshot).
using GoroutinePredicate = std::function<bool(const Goroutine&)>;

// A rule with a name (what reports and --warn-unused-ignores show) and
// where it came from ("default", "rules.txt:3", "--ignore", "api").
struct Ignore {
  std::string name;
  GoroutinePredicate predicate;
  std::string origin;

  bool matches(const Goroutine& g) const { return predicate(g); }
  bool is_default() const { return origin == "default"; }
};

// The predicates a rule is made of, one per key of the rule language.
namespace rules {
// The innermost frame's function (goleak's IgnoreTopFunction).
GoroutinePredicate top_function(TextPattern function);
// Any frame's function, or the creator's (goleak's IgnoreAnyFunction).
GoroutinePredicate any_function(TextPattern function);
// The function in "created by" (goleak's IgnoreCreatedBy).
GoroutinePredicate created_by(TextPattern function);
// The blocking site's function (Goroutine::blocking_site).
GoroutinePredicate blocking_site(TextPattern function);
// The wait reason or status: "chan receive", "IO wait", "running".
GoroutinePredicate state(TextPattern state);
// Any frame's file, or the creator's.
GoroutinePredicate file(TextPattern file);
// Has pprof label `key`, and its (decoded) value matches.
GoroutinePredicate label(std::string key, TextPattern value);
// Blocked for at least this many minutes (the runtime counts from 1).
GoroutinePredicate blocked_at_least(std::uint64_t minutes);
// One of these goroutine ids (gleak's IgnoringGoroutines).
GoroutinePredicate ids(std::set<std::uint64_t> ids);
// Every one of them.
GoroutinePredicate all_of(std::vector<GoroutinePredicate> predicates);
// A function pattern with the runtime's %XX escapes decoded first
// ("nats%2ego" is "nats.go", as records hold it), so both forms match.
TextPattern function_pattern(std::string_view spec);
}  // namespace rules

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
//   label: route=/health
//   state: IO wait && blocking-site: mypkg.(*Pool).wait
//
// Throws Error(ErrorKind::bad_rule) naming "origin:line", the bad text and
// what was expected. `origin` names the text in those messages.
std::vector<Ignore> parse_ignore_rules(std::string_view text, std::string_view origin);

// One rule given on the command line (--ignore RULE).
Ignore parse_ignore_rule(std::string_view rule, std::string_view origin = "--ignore");

// Reads and parses a rule file. Throws Error(ErrorKind::io) when unreadable.
std::vector<Ignore> load_ignore_file(const std::filesystem::path& file);

// A user's rules as a command takes them: every file's, in order, then
// each of `rules` (origin "--ignore"). Throws as the two above do.
std::vector<Ignore> load_user_rules(const std::vector<std::string>& files, const std::vector<std::string>& rules);

// The default rules, parsed once, each documented in README.md ("Default
// ignores") and turned off all together by --no-default-ignores /
// CheckOptions::default_ignores = false:
//   - os/signal's loop, started by the first signal.Notify;
//   - the execution tracer's reader, started by runtime/trace.Start;
//   - the go test runner's own goroutines (testing.*), for test binaries;
//   - the runtime's lazily started background workers (finalizers,
//     cleanups, GC and scavenger waits).
const std::vector<Ignore>& default_ignores();

// The index of the first of `rules` that matches `g`, or nullopt: how
// every stage tries rules (the first match is credited). O(rules).
std::optional<std::size_t> first_matching_rule(std::span<const Ignore> rules, const Goroutine& g);

// The rules a check tries, in the order it tries them: the user's first
// (so a rule of theirs is credited before an overlapping default), then
// the defaults when `with_defaults`. The one place rules are combined.
std::vector<Ignore> rules_in_force(const std::vector<Ignore>& user_rules, bool with_defaults);

}  // namespace goleakcheck
