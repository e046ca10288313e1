// The predicates ignore rules are made of. Each looks at string_views of the
// record and copies nothing: rules run on every new goroutine of every
// settle poll.
#include <algorithm>

#include "goleakcheck/ignore.hpp"

namespace goleakcheck::rules {

namespace {

bool any_frame_or_creator(const Goroutine& g, std::string_view Frame::*field, const TextPattern& pattern) {
  if (std::any_of(g.frames.begin(), g.frames.end(), [&](const Frame& f) { return pattern.matches(f.*field); })) {
    return true;
  }
  return g.created_by && pattern.matches(*g.created_by.*field);
}

}  // namespace

GoroutinePredicate top_function(TextPattern function) {
  return [function = std::move(function)](const Goroutine& g) {
    return !g.frames.empty() && function.matches(g.frames.front().function);
  };
}

GoroutinePredicate any_function(TextPattern function) {
  return [function = std::move(function)](const Goroutine& g) {
    return any_frame_or_creator(g, &Frame::function, function);
  };
}

GoroutinePredicate created_by(TextPattern function) {
  return [function = std::move(function)](const Goroutine& g) {
    return g.created_by && function.matches(g.created_by->function);
  };
}

GoroutinePredicate blocking_site(TextPattern function) {
  return [function = std::move(function)](const Goroutine& g) {
    const Frame* site = g.blocking_site();
    return site != nullptr && function.matches(site->function);
  };
}

GoroutinePredicate state(TextPattern state) {
  return [state = std::move(state)](const Goroutine& g) { return state.matches(g.state); };
}

GoroutinePredicate file(TextPattern file) {
  return [file = std::move(file)](const Goroutine& g) { return any_frame_or_creator(g, &Frame::file, file); };
}

GoroutinePredicate label(std::string key, TextPattern value) {
  return [key = std::move(key), value = std::move(value)](const Goroutine& g) {
    const std::string_view* found = g.label(key);
    return found != nullptr && value.matches(*found);
  };
}

GoroutinePredicate blocked_at_least(std::uint64_t minutes) {
  // The runtime prints no minutes below one: absent means "less than 1".
  return [minutes](const Goroutine& g) {
    if (minutes == 0) return true;
    return g.wait_minutes && static_cast<std::uint64_t>(*g.wait_minutes) >= minutes;
  };
}

GoroutinePredicate ids(std::set<std::uint64_t> ids) {
  return [ids = std::move(ids)](const Goroutine& g) { return ids.contains(g.id); };
}

GoroutinePredicate all_of(std::vector<GoroutinePredicate> predicates) {
  return [predicates = std::move(predicates)](const Goroutine& g) {
    return std::all_of(predicates.begin(), predicates.end(), [&](const GoroutinePredicate& p) { return p(g); });
  };
}

TextPattern function_pattern(std::string_view spec) { return TextPattern::parse(unescape_go_symbol(spec)); }

}  // namespace goleakcheck::rules
