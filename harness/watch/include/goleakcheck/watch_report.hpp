// What goleakcheck watch shows: a live table, a line per sample, a final
// report, Prometheus metrics and an HTML page of charts. Each takes the
// judged sites of SiteWatch::sites() and is pure apart from its output.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "goleakcheck/watch.hpp"

namespace goleakcheck {

// How each target fared, for the reports and metrics.
struct TargetStatus {
  std::string target;
  std::uint64_t samples = 0;  // read
  std::uint64_t errors = 0;   // samples that could not be read
  std::string last_error;     // empty once a sample was read again
  bool proof_served = false;  // it serves /debug/pprof/goroutineleak
};

struct WatchView {
  std::vector<WatchedSite> sites;  // judged, flagged first (SiteWatch::sites)
  std::vector<TargetStatus> targets;
  double span_seconds = 0;  // first sample to last
  std::size_t max_rows = 15;  // the table's and each line's limits
  bool colour = false;

  std::size_t flagged() const;  // sites flagged
  std::size_t samples() const;  // the most samples any target gave
};

// "15 sites over 3.00s (16 samples)": what a verdict was judged on.
std::string describe_span(const WatchView& view);

// "+412/h": a rate for people, signed, rounded to what matters.
std::string format_rate(double per_hour);

// The live table, a screen's worth: flagged sites first, then the largest;
// columns flag, now, trend, a sparkline, state, site, your code. Fits 100
// columns.
void write_watch_table(std::ostream& out, const WatchView& view);

// One line per sample, for CI logs and pipes: the time, goroutines and
// sites per target, and the flagged sites.
void write_watch_line(std::ostream& out, const WatchView& view, const std::string& time);

// The final report: each flagged site with its rate ("+412 goroutines/hour
// over 6 samples"), state, site, your code, hint, labels and one stack; then
// the sites watched and the targets that could not be read.
void write_watch_report(std::ostream& out, const WatchView& view);

// The text exposition format of Prometheus (text/plain; version=0.0.4):
//   goleakcheck_goroutines{target,state,site,user_frame}  gauge, last sample
//   goleakcheck_site_growth_per_hour{...}                 gauge
//   goleakcheck_site_flagged{...,reason}                  gauge, 1 when flagged
//   goleakcheck_samples_total{target}, goleakcheck_sample_errors_total{target}
//   goleakcheck_target_up{target}                         gauge, 0 after a failed sample
// `site` and `user_frame` read "function file:line".
std::string render_watch_metrics(const WatchView& view);

// One self-contained page (no network): a small SVG chart per site,
// flagged ones first, each with its rate, stack and hint.
void write_watch_html(std::ostream& out, const WatchView& view);

}  // namespace goleakcheck
