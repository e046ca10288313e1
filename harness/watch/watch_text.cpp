// The watch's text: the live table, a line per sample, the final report.
#include <algorithm>
#include <cmath>
#include <ostream>

#include <fmt/format.h>

#include "goleakcheck/duration.hpp"
#include "goleakcheck/watch_report.hpp"

namespace goleakcheck {

namespace {

std::string paint(std::string_view text, std::string_view code, bool colour) {
  return colour ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
}

// "main.go:41" for a table cell: the file's last element.
std::string short_format_frame(const OwnedFrame& f) {
  const std::size_t slash = f.file.find_last_of("/\\");
  return fmt::format("{} {}:{}", f.function, slash == std::string::npos ? f.file : f.file.substr(slash + 1), f.line);
}

std::string fit(std::string text, std::size_t width) {
  if (text.size() <= width) return text;
  return "…" + text.substr(text.size() - (width - 1));
}

// The last `n` counts as block characters, lowest to highest of those.
std::string sparkline(const std::vector<SitePoint>& points, std::size_t n) {
  static constexpr std::string_view kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  const std::size_t from = points.size() > n ? points.size() - n : 0;
  std::uint64_t low = UINT64_MAX;
  std::uint64_t high = 0;
  for (std::size_t i = from; i < points.size(); ++i) {
    low = std::min(low, points[i].count);
    high = std::max(high, points[i].count);
  }
  std::string line;
  for (std::size_t i = from; i < points.size(); ++i) {
    const std::size_t level =
        high == low ? 0 : static_cast<std::size_t>(7.0 * static_cast<double>(points[i].count - low) /
                                                   static_cast<double>(high - low) + 0.5);
    line += kBlocks[level];
  }
  for (std::size_t i = points.size() - from; i < n; ++i) line += " ";
  return line;
}

std::string_view flag_name(SiteFlag flag) {
  switch (flag) {
    case SiteFlag::growing:
      return "GROWING";
    case SiteFlag::over_count:
      return "OVER";
    case SiteFlag::proven:
      return "PROVEN";
    case SiteFlag::none:
      break;
  }
  return "";
}

std::string why_flagged(const WatchedSite& s) {
  switch (s.trend.flag) {
    case SiteFlag::growing:
      return fmt::format("{} goroutines/hour over {} samples (now {}, Kendall's tau {:.2f})",
                         format_rate(s.trend.per_hour), s.trend.samples, s.count(), s.trend.tau);
    case SiteFlag::over_count:
      return fmt::format("{} goroutines, at or over --min-count (trend {}/hour over {} samples)", s.count(),
                         format_rate(s.trend.per_hour), s.trend.samples);
    case SiteFlag::proven:
      return fmt::format("{} goroutine{} proven leaked by the Go runtime (now {} here, trend {}/hour)", s.proven,
                         s.proven == 1 ? "" : "s", s.count(), format_rate(s.trend.per_hour));
    case SiteFlag::none:
      break;
  }
  return "";
}

}  // namespace

std::size_t WatchView::flagged() const {
  return static_cast<std::size_t>(
      std::count_if(sites.begin(), sites.end(), [](const WatchedSite& s) { return s.flagged(); }));
}

std::size_t WatchView::samples() const {
  std::size_t most = 0;
  for (const TargetStatus& t : targets) most = std::max<std::size_t>(most, t.samples);
  return most;
}

std::string describe_span(const WatchView& view) {
  const std::size_t samples = view.samples();
  return fmt::format("{} sites over {} ({} sample{})", view.sites.size(),
                     format_duration(std::chrono::milliseconds(static_cast<std::int64_t>(view.span_seconds * 1000))),
                     samples, samples == 1 ? "" : "s");
}

std::string format_rate(double per_hour) {
  const double magnitude = std::abs(per_hour);
  const std::string number = magnitude >= 100 || magnitude == 0 ? fmt::format("{:.0f}", magnitude)
                                                                : fmt::format("{:.1f}", magnitude);
  return fmt::format("{}{}", per_hour < 0 ? "-" : "+", number);
}

void write_watch_table(std::ostream& out, const WatchView& view) {
  out << fmt::format("{:<7} {:>8} {:>9} {:<12} {:<14} {}\n", "FLAG", "NOW", "TREND/h", "LAST 12", "STATE",
                     "BLOCKED AT  <- YOUR CODE");
  std::size_t rows = 0;
  for (const WatchedSite& s : view.sites) {
    if (rows++ == view.max_rows) break;
    std::string place = short_format_frame(s.site);
    if (s.user_frame && s.user_frame->function != s.site.function) place += "  <- " + short_format_frame(*s.user_frame);
    const std::string flag = fmt::format("{:<7}", flag_name(s.trend.flag));
    out << fmt::format("{} {:>8} {:>9} {} {:<14} {}\n", s.flagged() ? paint(flag, "1;31", view.colour) : flag,
                       s.count(), format_rate(s.trend.per_hour), sparkline(s.points, 12),
                       fit(s.state.empty() ? "-" : s.state, 14), fit(place, 45));
  }
  if (view.sites.size() > view.max_rows) out << fmt::format("… and {} more sites\n", view.sites.size() - view.max_rows);
  for (const TargetStatus& t : view.targets) {
    if (!t.last_error.empty()) out << paint(fmt::format("{}: {}\n", t.target, t.last_error), "31", view.colour);
  }
}

void write_watch_line(std::ostream& out, const WatchView& view, const std::string& time) {
  std::uint64_t goroutines = 0;
  for (const WatchedSite& s : view.sites) goroutines += s.count();
  std::string line = fmt::format("{} {} goroutines at {} sites", time, goroutines, view.sites.size());
  const std::size_t flagged = view.flagged();
  if (flagged > 0) {
    line += fmt::format("; {} flagged:", flagged);
    std::size_t shown = 0;
    for (const WatchedSite& s : view.sites) {
      if (!s.flagged()) continue;
      if (shown++ == 3) {
        line += " …";
        break;
      }
      line += fmt::format(" {} {} ({}/h)", flag_name(s.trend.flag), short_format_frame(s.site), format_rate(s.trend.per_hour));
    }
  }
  for (const TargetStatus& t : view.targets) {
    if (!t.last_error.empty()) line += fmt::format("; {} unreadable: {}", t.target, t.last_error);
  }
  out << line << '\n';
}

void write_watch_report(std::ostream& out, const WatchView& view) {
  const std::size_t flagged = view.flagged();
  const std::string over = describe_span(view);
  if (flagged == 0) {
    out << fmt::format("goleakcheck watch: {}: no site keeps growing; {}\n", paint("clean", "1;32", view.colour), over);
  } else {
    out << fmt::format("goleakcheck watch: {}: {} site{} flagged; {}\n", paint("LEAK", "1;31", view.colour), flagged,
                       flagged == 1 ? "" : "s", over);
  }
  std::size_t number = 0;
  for (const WatchedSite& s : view.sites) {
    if (!s.flagged()) continue;
    out << fmt::format("\n#{} {} {}\n", ++number, paint(std::string(flag_name(s.trend.flag)), "1;31", view.colour),
                       why_flagged(s));
    if (view.targets.size() > 1) out << fmt::format("  target      {}\n", s.target);
    out << fmt::format("  state       {}\n", s.state.empty() ? "- (a debug=1 profile has none)" : s.state);
    out << fmt::format("  blocked at  {}\n", format_frame(s.site));
    if (s.user_frame && *s.user_frame != s.site) {
      out << fmt::format("  your code   {}{}\n", s.user_started_it ? "started by " : "", format_frame(*s.user_frame));
    }
    if (s.hint) out << fmt::format("  hint        {}: {}\n              fix: {}\n", s.hint->pattern, s.hint->why, s.hint->fix);
    if (!s.labels.empty()) {
      std::string labels;
      for (const auto& [k, v] : s.labels) labels += fmt::format("{}{}: {}", labels.empty() ? "" : ", ", k, v);
      out << fmt::format("  labels      {{{}}}\n", labels);
    }
    out << "  stack\n";
    for (const OwnedFrame& f : s.stack) out << fmt::format("    {}\n", format_frame(f));
  }
  for (const TargetStatus& t : view.targets) {
    if (t.errors > 0) {
      out << fmt::format("\n{}: {} of {} samples could not be read{}\n", t.target, t.errors, t.samples + t.errors,
                         t.last_error.empty() ? "" : "; last: " + t.last_error);
    }
  }
}

}  // namespace goleakcheck
