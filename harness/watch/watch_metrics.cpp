// The watch's Prometheus metrics, in the text exposition format (0.0.4):
// one series per (target, state, site, user frame), so that Prometheus can
// sum sites across a fleet's instances and alert on their growth.
#include <fmt/format.h>

#include "common/utf8.hpp"
#include "goleakcheck/watch_report.hpp"

namespace goleakcheck {

namespace {

// A label value: valid UTF-8 (the format requires it; a dump's names may
// hold any bytes), with backslash, double quote and newline escaped.
std::string label_value(std::string_view raw) {
  std::string scratch;
  const std::string_view text = detail::valid_utf8(raw, scratch);
  std::string escaped;
  for (const char c : text) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string site_labels(const WatchedSite& s) {
  return fmt::format("target=\"{}\",state=\"{}\",site=\"{}\",user_frame=\"{}\"", label_value(s.target),
                     label_value(s.state), label_value(format_frame(s.site)),
                     label_value(s.user_frame ? format_frame(*s.user_frame) : std::string()));
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

std::string render_watch_metrics(const WatchView& view) {
  std::string out;
  family(out, "goleakcheck_goroutines", "gauge", "Goroutines blocked at a site at the last sample.");
  for (const WatchedSite& s : view.sites) out += fmt::format("goleakcheck_goroutines{{{}}} {}\n", site_labels(s), s.count());
  family(out, "goleakcheck_site_growth_per_hour", "gauge",
         "Theil-Sen slope of a site's goroutines over the judged samples, per hour.");
  for (const WatchedSite& s : view.sites) {
    out += fmt::format("goleakcheck_site_growth_per_hour{{{}}} {:.3f}\n", site_labels(s), s.trend.per_hour);
  }
  family(out, "goleakcheck_site_flagged", "gauge",
         "1 when the site is flagged: growing beyond chance, over --min-count, or proven leaked by the runtime.");
  for (const WatchedSite& s : view.sites) {
    out += fmt::format("goleakcheck_site_flagged{{{}}} {}\n", site_labels(s), s.flagged() ? 1 : 0);
  }
  family(out, "goleakcheck_site_proven_leaked", "gauge",
         "Goroutines at the site the Go runtime proved leaked (goroutineleak profile) at its last proof.");
  for (const WatchedSite& s : view.sites) {
    out += fmt::format("goleakcheck_site_proven_leaked{{{}}} {}\n", site_labels(s), s.proven);
  }
  family(out, "goleakcheck_samples_total", "counter", "Samples of the target read.");
  for (const TargetStatus& t : view.targets) {
    out += fmt::format("goleakcheck_samples_total{{target=\"{}\"}} {}\n", label_value(t.target), t.samples);
  }
  family(out, "goleakcheck_sample_errors_total", "counter", "Samples of the target that could not be read.");
  for (const TargetStatus& t : view.targets) {
    out += fmt::format("goleakcheck_sample_errors_total{{target=\"{}\"}} {}\n", label_value(t.target), t.errors);
  }
  family(out, "goleakcheck_target_up", "gauge", "1 when the target's last sample was read.");
  for (const TargetStatus& t : view.targets) {
    out += fmt::format("goleakcheck_target_up{{target=\"{}\"}} {}\n", label_value(t.target),
                       t.last_error.empty() && t.samples > 0 ? 1 : 0);
  }
  return out;
}

}  // namespace goleakcheck
