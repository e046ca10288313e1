#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "goleakcheck/hints.hpp"
#include "goleakcheck/report.hpp"
#include "goleakcheck/user_code.hpp"
#include "report/source_lines.hpp"
#include "goleakcheck/summary.hpp"

namespace goleakcheck {

namespace {

using Json = nlohmann::ordered_json;

Json to_json(const Frame& frame) {
  return Json{{"function", frame.function}, {"file", frame.file}, {"line", frame.line}};
}

Json creator_json(const std::optional<Frame>& created_by, std::optional<std::uint64_t> creator_id) {
  if (!created_by) return nullptr;
  Json json = to_json(*created_by);
  json["goroutine"] = creator_id ? Json(*creator_id) : Json(nullptr);
  return json;
}

Json to_json(const std::vector<Frame>& frames) {
  Json array = Json::array();
  for (const Frame& frame : frames) array.push_back(to_json(frame));
  return array;
}

Json or_null(std::string_view text) { return text.empty() ? Json(nullptr) : Json(text); }

// {"key": "value", ...} in the runtime's order (by key).
Json to_json(const std::vector<Label>& labels) {
  Json object = Json::object();
  for (const Label& label : labels) object[std::string(label.key)] = label.value;
  return object;
}

// Label values and paths may hold any bytes: invalid UTF-8 is replaced
// (U+FFFD) rather than lose the whole report to an exception.
std::string dump(const Json& json, int indent) {
  return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

Json to_json(const Goroutine& g) {
  Json ancestors = Json::array();
  for (const Ancestor& a : g.ancestors) {
    ancestors.push_back(Json{{"goroutine", a.id}, {"frames", to_json(a.frames)}, {"created_by", creator_json(a.created_by, {})}});
  }
  const Frame* site = g.blocking_site();
  return Json{{"id", g.id},
              {"state", g.state},
              {"wait_minutes", g.wait_minutes ? Json(*g.wait_minutes) : Json(nullptr)},
              {"locked_to_thread", g.locked_to_thread},
              {"leaked_marker", g.leaked_marker},
              {"synctest_bubble", g.synctest_bubble ? Json(*g.synctest_bubble) : Json(nullptr)},
              {"labels", to_json(g.labels)},
              {"unreadable_header", or_null(g.unreadable_header)},
              {"frames", to_json(g.frames)},
              {"frames_elided", g.frames_elided},
              {"elided_frame_count", g.elided_frame_count},
              {"created_by", creator_json(g.created_by, g.creator_id)},
              {"ancestors", std::move(ancestors)},
              {"blocking_site", site != nullptr ? to_json(*site) : Json(nullptr)},
              {"innermost_frame", g.frames.empty() ? Json(nullptr) : to_json(g.frames.front())},
              {"partial", g.partial}};
}

Json to_json(const StackCount& stack, Json count) {
  const Frame* site = stack.blocking_site();
  return Json{{"count", std::move(count)},
              {"labels", to_json(stack.labels)},
              {"frames", to_json(stack.frames)},
              {"blocking_site", site != nullptr ? to_json(*site) : Json(nullptr)}};
}

Json to_json(const std::vector<Goroutine>& goroutines) {
  Json array = Json::array();
  for (const Goroutine& g : goroutines) array.push_back(to_json(g));
  return array;
}

}  // namespace

void GoroutineJsonStream::add(const Goroutine& g) {
  // The same text as the whole array dumped with an indent of 2, without
  // ever holding the whole array: each record one level deeper.
  const std::string record = dump(to_json(g), 2);
  out_ << (records_ == 0 ? "[\n" : ",\n") << "  ";
  std::size_t from = 0;
  for (std::size_t newline; (newline = record.find('\n', from)) != std::string::npos; from = newline + 1) {
    out_.write(record.data() + from, static_cast<std::streamsize>(newline + 1 - from)) << "  ";
  }
  out_.write(record.data() + from, static_cast<std::streamsize>(record.size() - from));
  ++records_;
}

void GoroutineJsonStream::finish() { out_ << (records_ == 0 ? "[]\n" : "\n]\n"); }

void write_profile_json(std::ostream& out, const Profile& profile) {
  Json stacks = Json::array();
  for (const StackCount& stack : profile.stacks) stacks.push_back(to_json(stack, stack.count));
  const Json json{{"profile", or_null(profile.name)},
                  {"total", profile.total ? Json(*profile.total) : Json(nullptr)},
                  {"truncated", profile.truncated},
                  {"stacks", std::move(stacks)}};
  out << dump(json, 2) << "\n";
}

void write_analysis_json(std::ostream& out, const SiteAnalysis& a, std::size_t top) {
  Json groups = Json::array();
  detail::SourceLines sources;
  for (std::size_t i = 0; i < a.groups.size() && i < top; ++i) {
    const LeakGroup& group = a.groups[i];
    const UserOrigin origin = user_origin(group.example, a.user_code);
    const Frame* site = group.example.blocking_site();
    const std::string_view line = site != nullptr ? sources.text(std::string(site->file), site->line) : std::string_view();
    const std::optional<LeakHint> hint = leak_hint(group.example, origin, line);
    groups.push_back(Json{{"flagged", static_cast<bool>(a.flagged[i])},
                          {"count", group.count()},
                          {"state", group.state},
                          {"max_wait_minutes", group.max_wait_minutes ? Json(*group.max_wait_minutes) : Json(nullptr)},
                          {"blocking_site", to_json(group.blocking_site)},
                          {"created_by", creator_json(group.created_by, group.example.creator_id)},
                          {"your_code", origin.frame != nullptr ? to_json(*origin.frame) : Json(nullptr)},
                          {"hint", hint ? Json{{"pattern", hint->pattern}, {"why", hint->why}, {"fix", hint->fix}}
                                        : Json(nullptr)}});
  }
  Json by_user = Json::array();
  for (std::size_t i = 0; i < a.by_user_frame.size() && i < top; ++i) {
    Json frame = to_json(a.by_user_frame[i].first);
    frame["count"] = a.by_user_frame[i].second;
    by_user.push_back(std::move(frame));
  }
  const Json json{{"goroutines", a.goroutines},
                  {"blocked", a.blocked},
                  {"idle_connections", a.idle_connections},
                  {"unreadable", a.unreadable},
                  {"truncated", a.truncated},
                  {"sites", a.groups.size()},
                  {"flagged", a.flagged_count()},
                  {"min_count", a.min_count},
                  {"min_minutes", a.min_minutes},
                  {"groups", std::move(groups)},
                  {"by_user_frame", std::move(by_user)}};
  out << dump(json, 2) << "\n";
}

void write_json(std::ostream& out, const LeakReport& report) {
  Json groups = Json::array();
  detail::SourceLines sources;
  for (const LeakGroup& group : report.groups) {
    const UserOrigin origin = user_origin(group.example, report.user_code);
    const Frame* site = group.example.blocking_site();
    Json your_code = nullptr;
    if (origin.frame != nullptr) {
      your_code = to_json(*origin.frame);
      your_code["started_it"] = origin.started_it;
      Json through = Json::array();
      for (const Frame* f : origin.through) through.push_back(to_json(*f));
      your_code["through"] = std::move(through);
    }
    Json hint = nullptr;
    const std::string_view blocking_line =
        site != nullptr && report.read_sources ? sources.text(std::string(site->file), site->line) : std::string_view();
    if (const std::optional<LeakHint> h = leak_hint(group.example, origin, blocking_line)) {
      hint = Json{{"pattern", h->pattern}, {"why", h->why}, {"fix", h->fix}};
    }
    groups.push_back(Json{{"count", group.count()},
                          {"state", group.state},
                          {"blocking_site", to_json(group.blocking_site)},
                          {"created_by", creator_json(group.created_by, group.example.creator_id)},
                          {"your_code", std::move(your_code)},
                          {"hint", std::move(hint)},
                          {"labels", to_json(group.example.labels)},
                          {"proven", group.proven},
                          {"ids", group.ids}});
  }
  Json growth = Json::array();
  for (const GroupGrowth& g : report.growth) {
    growth.push_back(Json{{"growth", describe(g.growth)},
                          {"fails", g.fails()},
                          {"per_run", g.per_run()},
                          {"counts", g.counts},
                          {"state", g.group.state},
                          {"blocking_site", to_json(g.group.blocking_site)},
                          {"created_by", creator_json(g.group.created_by, g.group.example.creator_id)},
                          {"idle_connection", g.idle_connection},
                          {"proven", g.proven},
                          {"ids", g.group.ids}});
  }
  Json grown = Json::array();
  for (const StackGrowth& growth : report.grown_stacks) {
    Json stack = to_json(growth.stack, growth.growth());
    stack["before"] = growth.before;
    stack["after"] = growth.after;
    grown.push_back(std::move(stack));
  }
  Json ignore_rules = Json::array();
  for (const auto& use : report.ignore_uses) {
    ignore_rules.push_back(Json{{"rule", use.rule}, {"origin", use.origin}, {"hits", use.hits}});
  }
  const Json json{
      {"verdict", report.clean() ? "clean" : "leak"},
      {"leaks", to_json(report.leaks)},
      {"groups", std::move(groups)},
      {"ids_not_compared", or_null(report.ids_not_compared)},
      {"grown_stacks", std::move(grown)},
      {"still_running", to_json(report.still_running)},
      {"idle_connections", to_json(report.idle_connections)},
      {"ignored", report.ignored},
      {"first_seen_last", report.first_seen_last},
      {"ignore_rules", ignore_rules},
      {"runs", report.runs},
      {"warmup_runs", report.warmup_runs},
      {"growth", std::move(growth)},
      {"proof", or_null(report.proof)},
      {"decided_by_proof", report.decided_by_proof},
      {"baseline_not_quiet", or_null(report.baseline_not_quiet)},
      {"stats",
       {{"baseline_goroutines", report.baseline_goroutines},
        {"final_goroutines", report.final_goroutines},
        {"snapshots", report.snapshots},
        {"elapsed_ms", std::chrono::duration<double, std::milli>(report.elapsed).count()},
        {"settle_ms", report.settle.count()},
        {"baseline_quiet_wait_ms", std::chrono::duration<double, std::milli>(report.baseline_quiet_wait).count()}}},
  };
  out << dump(json, 2) << "\n";
}

std::string render_json(const LeakReport& report) {
  std::ostringstream json;
  write_json(json, report);
  return json.str();
}

}  // namespace goleakcheck
