// Saved dumps judged: two dumps as a check judges its snapshots
// (diff_dumps: `goleakcheck diff`), and one dump from production read for
// sites where goroutines pile up (analyze_sites: `goleakcheck analyze`).
// A source is a file, "-" (stdin) or a running program's http://host:port
// (source.hpp). Both functions are safe to call from several threads at
// once; each reads its sources on the calling thread.
#pragma once

#include <string>
#include <vector>

#include "goleakcheck/diff.hpp"
#include "goleakcheck/dump.hpp"
#include "goleakcheck/http_client.hpp"
#include "goleakcheck/ignore.hpp"
#include "goleakcheck/report.hpp"
#include "goleakcheck/site_analysis.hpp"
#include "goleakcheck/user_code.hpp"

namespace goleakcheck {

// A whole goroutine dump from `source`, or Error(ErrorKind::not_a_dump)
// when it is none (why_not_a_dump) or was cut off: the goroutines missing
// from a cut dump would look like ones that ended. Reading errors are
// Error(ErrorKind::io), or a fetch's for a URL.
Snapshot read_whole_dump(const std::string& source, const FetchLimits& limits = {});

// What save_dump wrote: how many bytes, and whether it was cut at the
// fetch's size cap.
struct SavedDump {
  std::size_t bytes = 0;
  bool cut = false;
};

// Saves GET URL/debug/pprof/goroutine?debug=2 to `file` exactly as served,
// streamed and never held whole. It is written beside `file` and renamed
// over it only once whole and shown to be a live dump (why_not_a_live_dump:
// an HTML page or random bytes replace nothing), so a failure leaves an
// existing `file` as it was and no partial file. Throws Error(ErrorKind::io)
// when it cannot be written, Error(ErrorKind::not_a_dump) saying what came
// back instead, or a fetch's Error.
SavedDump save_dump(const std::string& url, const std::string& file, const FetchLimits& limits = {});

struct DiffOptions {
  // Your rules for new goroutines that are not leaks, tried first; then
  // the defaults (default_ignores()) unless `default_ignores` is false.
  std::vector<Ignore> ignores;
  bool default_ignores = true;
  // A rule that matches every goroutine of `before` would ignore any leak:
  // Error(ErrorKind::bad_rule) unless this says it is meant.
  bool allow_ignore_all = false;
  bool idle_connections_are_leaks = false;
  UserCode user_code;   // which frames are yours, for the report
  FetchLimits fetch;    // per source that is a URL
};

// The new blocked goroutines of `after` since `before`, as a report: what
// Checker::check would report of the same two snapshots, without settling
// (a saved dump cannot be asked again). Throws Error(ErrorKind::not_our_program)
// when the two are not dumps of one running program (why_runtime_changed),
// and as read_whole_dump does. O(n log n) in the goroutines.
LeakReport diff_dumps(const std::string& before, const std::string& after, const DiffOptions& options = {});
// The same for dumps already read; `before_name` and `after_name` name them
// in errors.
LeakReport diff_dumps(Snapshot before, const Snapshot& after, const DiffOptions& options = {},
                      const std::string& before_name = "the dump before",
                      const std::string& after_name = "the dump after");

struct AnalyzeOptions {
  SiteRules rules;              // SiteRules::ignores: your rules only
  bool default_ignores = true;  // then the defaults, as everywhere
  FetchLimits fetch;            // for a URL
};

// Every record of `source`'s dump, read as a stream and never held whole
// (a cut one too: its counts are then lower bounds, SiteAnalysis::truncated).
// Throws Error(ErrorKind::not_a_dump) when it is no dump, and as
// read_source does. O(n log sites).
SiteAnalysis analyze_sites(const std::string& source, const AnalyzeOptions& options = {});

}  // namespace goleakcheck
