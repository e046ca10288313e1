// The watch's HTML page: one self-contained file (its Content-Security-
// Policy allows nothing from outside) with a small inline SVG chart of each
// site's goroutines over time, flagged sites first, each with its rate,
// state, your code, hint and stack.
#include <algorithm>
#include <ostream>

#include <fmt/format.h>

#include "goleakcheck/watch_report.hpp"
#include "common/markup.hpp"

namespace goleakcheck {

namespace {

std::string html(std::string_view text) { return detail::escape_markup(text); }

std::string where(const OwnedFrame& f) { return html(format_frame(f)); }

// After detail::kPageStyle.
constexpr std::string_view kStyle = R"(.site { border: 1px solid #ddd; border-radius: 6px; margin: 1em 0; padding: .6em 1em; display: grid;
        grid-template-columns: 340px 1fr; gap: 1em; }
.site.flagged { border-color: #e0a0a0; }
.site h2 { font-size: 1.05em; margin: .1em 0 .4em; grid-column: 1 / -1; }
.flag { color: #b00020; font-weight: 700; }
dl { display: grid; grid-template-columns: 7em 1fr; gap: .2em .8em; margin: 0; }
dt { color: #666; } dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
.hint { background: #fff7e0; border-left: 3px solid #e0b040; padding: .4em .8em; margin: .6em 0; }
pre { background: #f6f6f6; padding: .5em; overflow-x: auto; margin: .4em 0; }
svg.chart { background: #fafafa; border: 1px solid #eee; }
svg.chart polyline { fill: none; stroke: #2456a6; stroke-width: 2; }
.site.flagged svg.chart polyline { stroke: #c62828; }
svg.chart text { font: 10px ui-monospace, monospace; fill: #666; }
.errors { color: #b00020; }
)";

constexpr double kWidth = 320;
constexpr double kHeight = 90;
constexpr double kPad = 14;

// The site's counts over time as a polyline, with its low and high.
void write_chart(std::ostream& out, const WatchedSite& s, double span) {
  std::uint64_t high = 0;
  std::uint64_t low = UINT64_MAX;
  for (const SitePoint& p : s.points) {
    high = std::max(high, p.count);
    low = std::min(low, p.count);
  }
  if (s.points.empty()) low = 0;
  const double range = high > low ? static_cast<double>(high - low) : 1;
  std::string points;
  for (const SitePoint& p : s.points) {
    const double x = kPad + (span > 0 ? p.seconds / span : 0.5) * (kWidth - 2 * kPad);
    const double y = kHeight - kPad - (static_cast<double>(p.count - low) / range) * (kHeight - 2 * kPad);
    points += fmt::format("{:.1f},{:.1f} ", x, y);
  }
  out << fmt::format(
      "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" aria-label=\"goroutines at this site over time, from {2} to {3}\" data-points=\"{4}\">\n"
      "<text x=\"2\" y=\"10\">{3}</text><text x=\"2\" y=\"{5}\">{2}</text>\n"
      "<polyline points=\"{6}\"/>\n</svg>\n",
      kWidth, kHeight, low, high, s.points.size(), kHeight - 2, points);
}

void write_site(std::ostream& out, std::size_t number, const WatchedSite& s, const WatchView& view) {
  const char* flag = s.trend.flag == SiteFlag::growing      ? "growing"
                     : s.trend.flag == SiteFlag::over_count ? "over_count"
                     : s.trend.flag == SiteFlag::proven     ? "proven"
                                                            : "none";
  out << fmt::format("<section class=\"site{}\" id=\"site-{}\" data-flag=\"{}\" data-count=\"{}\">\n",
                     s.flagged() ? " flagged" : "", number, flag, s.count());
  out << fmt::format("<h2>{}{} goroutines at {}</h2>\n",
                     s.flagged() ? fmt::format("<span class=\"flag\">{}</span> ", flag) : "", s.count(),
                     where(s.site));
  write_chart(out, s, view.span_seconds);
  out << "<div>\n<dl>\n";
  out << fmt::format("<dt>trend</dt><dd class=\"rate\">{} goroutines/hour over {} samples (tau {:.2f})</dd>\n",
                     format_rate(s.trend.per_hour), s.trend.samples, s.trend.tau);
  if (s.proven > 0) out << fmt::format("<dt>proven</dt><dd>{} leaked, says the Go runtime</dd>\n", s.proven);
  if (view.targets.size() > 1) out << fmt::format("<dt>target</dt><dd>{}</dd>\n", html(s.target));
  out << fmt::format("<dt>state</dt><dd>{}</dd>\n", s.state.empty() ? "-" : html(s.state));
  out << fmt::format("<dt>blocked at</dt><dd class=\"blocking-site\">{}</dd>\n", where(s.site));
  if (s.user_frame && *s.user_frame != s.site) {
    out << fmt::format("<dt>your code</dt><dd class=\"your-code\">{}{}</dd>\n", s.user_started_it ? "started by " : "",
                       where(*s.user_frame));
  }
  out << "</dl>\n";
  if (s.hint && s.flagged()) {  // a pattern is worth a word only where goroutines pile up
    out << fmt::format("<div class=\"hint\"><b>{}</b>: {}<br>fix: {}</div>\n", html(s.hint->pattern), html(s.hint->why),
                       html(s.hint->fix));
  }
  out << fmt::format("<details{}><summary>stack ({} frames)</summary><pre class=\"stack\">", s.flagged() ? " open" : "",
                     s.stack.size());
  for (const OwnedFrame& f : s.stack) out << where(f) << '\n';
  out << "</pre></details>\n</div>\n</section>\n";
}

}  // namespace

void write_watch_html(std::ostream& out, const WatchView& view) {
  const std::size_t flagged = view.flagged();
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "img-src data:\">\n<title>goleakcheck watch</title>\n<style>"
      << detail::kPageStyle << kStyle << "</style>\n</head>\n<body>\n<h1>goleakcheck watch</h1>\n";
  const std::string over = describe_span(view);
  out << fmt::format("<p class=\"verdict {}\" id=\"verdict\">{}; {}</p>\n", flagged > 0 ? "leak" : "clean",
                     flagged > 0 ? fmt::format("{} site{} flagged", flagged, flagged == 1 ? "" : "s")
                                 : std::string("no site keeps growing"),
                     html(over));
  for (const TargetStatus& t : view.targets) {
    if (t.errors > 0) {
      out << fmt::format("<p class=\"errors\">{}: {} samples could not be read; last: {}</p>\n", html(t.target),
                         t.errors, html(t.last_error));
    }
  }
  std::size_t number = 0;
  for (const WatchedSite& s : view.sites) write_site(out, ++number, s, view);
  out << "</body>\n</html>\n";
}

}  // namespace goleakcheck
