// The HTML report: one self-contained file for CI artifacts. No network
// (its Content-Security-Policy allows nothing from outside), stacks folded
// to the user's frames in <details> that a click opens, the user's lines
// quoted, hints and labels. A small script only fills in the summary line
// from the page itself, so that a test in a real browser sees it ran.
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "goleakcheck/duration.hpp"
#include "goleakcheck/idle_connection.hpp"
#include "goleakcheck/report.hpp"
#include "report/group_lead.hpp"
#include "common/markup.hpp"
#include "goleakcheck/source_lines.hpp"

namespace goleakcheck {

namespace {

std::string html(std::string_view text) { return detail::escape_markup(text); }

std::string where(const Frame& f) { return html(fmt::format("{} {}:{}", f.function, f.file, f.line)); }

// After detail::kPageStyle.
constexpr std::string_view kStyle = R"(.stats, .note { color: #555; margin: .4em 0; }
.group { border: 1px solid #ddd; border-radius: 6px; margin: 1em 0; padding: .6em 1em; }
.group h2 { font-size: 1.1em; margin: .2em 0 .5em; }
dl { display: grid; grid-template-columns: 8em 1fr; gap: .2em .8em; margin: 0; }
dt { color: #666; } dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
pre { background: #f6f6f6; padding: .5em; overflow-x: auto; margin: .4em 0; }
.hint { background: #fff7e0; border-left: 3px solid #e0b040; padding: .4em .8em; margin: .6em 0; }
.frame.user { font-weight: 600; }
summary { cursor: pointer; color: #2456a6; }
table { border-collapse: collapse; } td, th { padding: .2em .6em; border-bottom: 1px solid #eee; text-align: left; }
)";

void write_frames(std::ostream& out, const std::vector<Frame>& frames, const UserCode& user, bool only_user) {
  for (const Frame& f : frames) {
    const bool mine = user.owns(f);
    if (only_user && !mine) continue;
    out << fmt::format("<div class=\"frame{}\">{}</div>\n", mine ? " user" : "", where(f));
  }
}

void write_group(std::ostream& out, std::size_t number, const LeakGroup& group, const LeakReport& report,
                 SourceLines& sources) {
  const detail::GroupLead lead = detail::lead_of(group, report.user_code, report.read_sources ? &sources : nullptr);
  const UserOrigin& origin = lead.origin;
  out << fmt::format("<section class=\"group\" id=\"group-{}\" data-count=\"{}\" data-state=\"{}\">\n", number,
                     group.count(), html(group.state));
  out << fmt::format("<h2>#{} &nbsp;{} goroutine{} [{}]</h2>\n<dl>\n", number, group.count(),
                     group.count() == 1 ? "" : "s", html(group.state));
  out << fmt::format("<dt>blocked at</dt><dd class=\"blocking-site\">{}</dd>\n", where(group.blocking_site));
  if (group.created_by) out << fmt::format("<dt>created by</dt><dd>{}</dd>\n", where(*group.created_by));
  if (lead.says_origin) {
    out << fmt::format("<dt>your code</dt><dd class=\"your-code\">{}{}</dd>\n", where(*origin.frame),
                       origin.started_it ? " (started it)" : "");
  }
  if (group.proven > 0) out << "<dt>why</dt><dd>proven leaked by the Go runtime</dd>\n";
  if (!group.example.labels.empty()) {
    out << "<dt>labels</dt><dd class=\"labels\">";
    for (const Label& label : group.example.labels) {
      out << fmt::format("<span class=\"label\">{}={}</span> ", html(label.key), html(label.value));
    }
    out << "</dd>\n";
  }
  out << fmt::format("<dt>ids</dt><dd>{}{}</dd>\n</dl>\n",
                     fmt::join(group.ids.begin(), group.ids.begin() + std::min<std::size_t>(group.ids.size(), 50), " "),
                     group.ids.size() > 50 ? fmt::format(" ... ({} more)", group.ids.size() - 50) : "");
  if (lead.quoted != nullptr && report.read_sources) {
    const std::vector<std::string> lines = sources.quote(std::string(lead.quoted->file), lead.quoted->line);
    if (!lines.empty()) {
      out << "<pre class=\"source\">";
      for (const std::string& line : lines) out << html(line) << "\n";
      out << "</pre>\n";
    }
  }
  if (const std::optional<LeakHint>& hint = lead.hint) {
    out << fmt::format("<div class=\"hint\" data-pattern=\"{}\"><b>{}</b>: {}.<br>fix: {}.</div>\n",
                       html(hint->pattern), html(hint->pattern), html(hint->why), html(hint->fix));
  }
  out << "<div class=\"stack user-frames\">\n";
  write_frames(out, group.example.frames, report.user_code, true);
  out << "</div>\n";
  out << fmt::format("<details class=\"full-stack\"><summary>full stack of goroutine {} ({} frames)</summary>\n",
                     group.example.id, group.example.frames.size());
  write_frames(out, group.example.frames, report.user_code, false);
  if (group.example.created_by) {
    out << fmt::format("<div class=\"frame creator\">created by {}</div>\n", where(*group.example.created_by));
  }
  out << "</details>\n</section>\n";
}

}  // namespace

void write_html(std::ostream& out, const LeakReport& report) {
  const bool clean = report.clean();
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "script-src 'unsafe-inline'\">\n";
  out << fmt::format("<title>goleakcheck: {}</title>\n<style>{}{}</style>\n</head>\n<body>\n",
                     clean ? "clean" : fmt::format("{} leaked goroutines", report.leak_count()), detail::kPageStyle,
                     kStyle);
  out << "<h1>goleakcheck</h1>\n";
  const std::string first_line = [&] {
    const std::string text = render_text(report);
    return text.substr(0, text.find('\n'));
  }();
  out << fmt::format("<div class=\"verdict {}\" id=\"verdict\">{}</div>\n", clean ? "clean" : "leak", html(first_line));
  out << "<p class=\"stats\" id=\"summary\"></p>\n";
  if (!report.ids_not_compared.empty()) out << fmt::format("<p class=\"note\">{}</p>\n", html(report.ids_not_compared));
  SourceLines sources;
  std::size_t number = 0;
  for (const LeakGroup& group : report.groups) write_group(out, ++number, group, report, sources);
  if (!report.grown_stacks.empty()) {
    out << "<table class=\"grown\"><tr><th>more</th><th>before</th><th>after</th><th>at</th></tr>\n";
    for (const StackGrowth& g : report.grown_stacks) {
      const Frame* site = g.stack.blocking_site();
      out << fmt::format("<tr><td>+{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", g.growth(), g.before, g.after,
                         site != nullptr ? where(*site) : std::string("?"));
    }
    out << "</table>\n";
  }
  if (!report.verdict_basis.empty()) {
    out << "<p class=\"note\">verdict: " << html(report.verdict_basis) << "</p>\n";
  }
  if (report.runs >= 2) {
    out << fmt::format("<h2>{} runs</h2>\n<table class=\"growth\"><tr><th></th><th>counts after each run</th>"
                       "<th>judged</th><th>at</th></tr>\n",
                       report.runs);
    for (const GroupGrowth& g : report.growth) {
      out << fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", g.fails() ? "FAIL" : "ok",
                         fmt::join(g.counts, ", "), describe(g.growth), where(g.group.blocking_site));
    }
    out << "</table>\n";
  }
  if (!report.idle_connections.empty()) {
    out << fmt::format("<p class=\"note\">{} new goroutines of idle kept-alive HTTP connections, not leaks by "
                       "themselves.</p>\n",
                       report.idle_connections.size());
  }
  if (const std::string ignored = describe_ignored(report); !ignored.empty()) {
    out << fmt::format("<p class=\"note\">{}.</p>\n", html(ignored));
  }
  if (!report.baseline_not_quiet.empty()) {
    out << fmt::format("<p class=\"note\">baseline: {}</p>\n", html(report.baseline_not_quiet));
  }
  if (!report.proof.empty() && !clean) out << fmt::format("<p class=\"note\">proof: {}</p>\n", html(report.proof));
  // Fills in the summary from the page: the groups and goroutines shown.
  out << "<script>\n"
         "const groups = document.querySelectorAll('section.group');\n"
         "let goroutines = 0;\n"
         "groups.forEach(g => { goroutines += Number(g.dataset.count); });\n"
         "document.getElementById('summary').textContent = groups.length === 0 ? 'no leak groups' :\n"
         "  `${goroutines} leaked goroutines in ${groups.length} group${groups.length === 1 ? '' : 's'}`;\n"
         "</script>\n</body>\n</html>\n";
}

std::string render_html(const LeakReport& report) {
  std::ostringstream text;
  write_html(text, report);
  return text.str();
}

}  // namespace goleakcheck
