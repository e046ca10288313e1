// What `goleakcheck parse` shows of a dump or a profile, without a check:
// summaries built record by record, and the JSON of every record. Every
// writer streams to an std::ostream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <utility>
#include <vector>
#include <string_view>

#include "goleakcheck/goroutine.hpp"
#include "goleakcheck/profile.hpp"
#include "goleakcheck/report.hpp"
#include "goleakcheck/site_analysis.hpp"
#include "goleakcheck/user_code.hpp"

namespace goleakcheck {

namespace detail {
class JsonWriter;
class FrameCache;
class RecordCache;
}

// A dump at a glance, collected record by record (DumpReader's streaming
// form): goroutines per state and the blocked ones grouped.
struct DumpSummary {
  std::size_t goroutines = 0;
  std::size_t unreadable = 0;  // records with Goroutine::unreadable_header
  std::map<std::string_view, std::size_t> states;
  LeakGrouper blocked;

  void add(const Goroutine& g);
  void merge(DumpSummary&& other);
};

// The summary: goroutines per state, then the blocked ones grouped by
// (state, blocking site, creator), the largest `max_groups` groups. `dump`
// is what DumpReader::finish returned: whether the dump was cut off.
void write_summary(std::ostream& out, DumpSummary summary, const Snapshot& dump, std::size_t max_groups = 10);

// A JSON array of goroutine records, each as in the report's "leaks",
// written one record at a time as they are added: a dump of 100,000s
// stays a stream. Each record is compact, on a line of its own, so that
// line tools (grep, head, split) work on the stream as well as jq does.
// finish() closes the array and flushes; `out` must outlive the stream.
// Not thread-safe; one stream per thread.
// Names are escaped once each and then found by address, so the views of
// every goroutine added (functions, files, states, labels) must stay valid
// and unchanged until finish(). Those of a DumpReader's records do: they
// live in its NamePool for as long as the reader.
class GoroutineJsonStream {
 public:
  // The whole array: "[", the records, "]".
  explicit GoroutineJsonStream(std::ostream& out);
  // Only the records: "\n" before the first, ",\n" before each later one,
  // no brackets. The pieces of one array, each read by its own thread,
  // are joined with "," between non-empty pieces and wrapped in "[" "\n]".
  static GoroutineJsonStream records_only(std::ostream& out);

  GoroutineJsonStream(GoroutineJsonStream&&) noexcept;
  ~GoroutineJsonStream();
  void add(const Goroutine& g);
  void finish();
  std::uint64_t records() const { return records_; }

 private:
  GoroutineJsonStream(std::ostream& out, bool brackets);

  std::unique_ptr<detail::JsonWriter> writer_;
  std::unique_ptr<detail::FrameCache> frames_;
  std::unique_ptr<detail::RecordCache> records_seen_;
  bool brackets_ = true;
  std::uint64_t records_ = 0;
};

// The sites, the largest `top` first, flagged ones marked, then each
// flagged one in full (stack, your code, hint), then the user's frames.
void write_analysis_text(std::ostream& out, const SiteAnalysis& analysis, std::size_t top);
void write_analysis_json(std::ostream& out, const SiteAnalysis& analysis, std::size_t top);

// A debug=1 profile at a glance: the total, then the largest stacks.
void write_profile_summary(std::ostream& out, const Profile& profile, std::size_t max_stacks = 10);

// A debug=1 profile as JSON: its total and each stack with its count.
void write_profile_json(std::ostream& out, const Profile& profile);

}  // namespace goleakcheck
