#include <nlohmann/json.hpp>

#include "goleakcheck/report.hpp"

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

Json to_json(const Goroutine& g) {
  Json frames = Json::array();
  for (const Frame& frame : g.frames) frames.push_back(to_json(frame));
  const Frame* site = g.blocking_site();
  return Json{{"id", g.id},
              {"state", g.state},
              {"wait_minutes", g.wait_minutes ? Json(*g.wait_minutes) : Json(nullptr)},
              {"locked_to_thread", g.locked_to_thread},
              {"frames", std::move(frames)},
              {"frames_elided", g.frames_elided},
              {"created_by", creator_json(g.created_by, g.creator_id)},
              {"blocking_site", site != nullptr ? to_json(*site) : Json(nullptr)}};
}

Json to_json(const std::vector<Goroutine>& goroutines) {
  Json array = Json::array();
  for (const Goroutine& g : goroutines) array.push_back(to_json(g));
  return array;
}

}  // namespace

std::string render_goroutines_json(const std::vector<Goroutine>& goroutines) {
  return to_json(goroutines).dump(2) + "\n";
}

std::string render_json(const LeakReport& report) {
  Json groups = Json::array();
  for (const LeakGroup& group : report.groups) {
    groups.push_back(Json{{"count", group.count()},
                          {"state", group.state},
                          {"blocking_site", to_json(group.blocking_site)},
                          {"created_by", creator_json(group.created_by, group.example.creator_id)},
                          {"ids", group.ids}});
  }
  Json ignore_rules = Json::array();
  for (const auto& use : report.ignore_uses) {
    ignore_rules.push_back(Json{{"rule", use.rule}, {"origin", use.origin}, {"hits", use.hits}});
  }
  const Json json{
      {"verdict", report.clean() ? "clean" : "leak"},
      {"leaks", to_json(report.leaks)},
      {"groups", std::move(groups)},
      {"still_running", to_json(report.still_running)},
      {"idle_connections", to_json(report.idle_connections)},
      {"ignored", report.ignored},
      {"ignore_rules", ignore_rules},
      {"stats",
       {{"baseline_goroutines", report.baseline_goroutines},
        {"final_goroutines", report.final_goroutines},
        {"snapshots", report.snapshots},
        {"elapsed_ms", std::chrono::duration<double, std::milli>(report.elapsed).count()}}},
  };
  return json.dump(2) + "\n";
}

}  // namespace goleakcheck
