// The ignore-rule language: "key: value" clauses joined by "&&".
#include <charconv>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "goleakcheck/error.hpp"
#include "goleakcheck/ignore.hpp"

namespace goleakcheck {

namespace {

using namespace rules;

constexpr std::string_view kKeys =
    "top, any, created-by, blocking-site, state, file, label, blocked-at-least, id";

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

std::uint64_t parse_number(std::string_view text, std::string_view what) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw Error(ErrorKind::bad_rule, fmt::format("'{}' is not {}", text, what));
  }
  return value;
}

// "pkg.f [chan receive]": gleak's shorthand for a top function in a state.
GoroutinePredicate top_function_spec(std::string_view spec) {
  if (spec.ends_with(']')) {
    if (const std::size_t open = spec.rfind(" ["); open != std::string_view::npos) {
      const std::string_view state_text = spec.substr(open + 2, spec.size() - open - 3);
      return all_of({top_function(function_pattern(spec.substr(0, open))), state(TextPattern::parse(state_text))});
    }
  }
  return top_function(function_pattern(spec));
}

GoroutinePredicate parse_clause(std::string_view clause) {
  const std::size_t colon = clause.find(':');
  if (colon == std::string_view::npos) {
    throw Error(ErrorKind::bad_rule, fmt::format("'{}' has no 'key:'; expected KEY: VALUE with KEY one of {}",
                                                 clause, kKeys));
  }
  const std::string_view key = trim(clause.substr(0, colon));
  const std::string_view value = trim(clause.substr(colon + 1));
  if (value.empty()) throw Error(ErrorKind::bad_rule, fmt::format("'{}' has no value after '{}:'", clause, key));

  if (key == "top") return top_function_spec(value);
  if (key == "any") return any_function(function_pattern(value));
  if (key == "created-by") return created_by(function_pattern(value));
  if (key == "blocking-site") return blocking_site(function_pattern(value));
  if (key == "state") return state(TextPattern::parse(value));
  if (key == "file") return file(TextPattern::parse(value));
  if (key == "label") {
    // label: KEY=VALUE, VALUE exact, "prefix..." or "regex:RE".
    const std::size_t equals = value.find('=');
    if (equals == std::string_view::npos || trim(value.substr(0, equals)).empty()) {
      throw Error(ErrorKind::bad_rule, fmt::format("'{}' is not KEY=VALUE (e.g. label: route=/health)", value));
    }
    return label(std::string(trim(value.substr(0, equals))), TextPattern::parse(value.substr(equals + 1)));
  }
  if (key == "blocked-at-least") {
    std::string_view minutes = value;
    if (minutes.ends_with("m")) minutes.remove_suffix(1);
    return blocked_at_least(parse_number(trim(minutes), "a number of minutes, like 5 or 5m"));
  }
  if (key == "id") {
    std::set<std::uint64_t> numbers;
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      numbers.insert(parse_number(trim(rest.substr(0, comma)), "a goroutine id (ids are separated by commas)"));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    return ids(std::move(numbers));
  }
  throw Error(ErrorKind::bad_rule, fmt::format("unknown key '{}'; expected one of {}", key, kKeys));
}

GoroutinePredicate parse_rule(std::string_view rule) {
  std::vector<GoroutinePredicate> clauses;
  std::string_view rest = rule;
  while (true) {
    const std::size_t and_at = rest.find("&&");
    const std::string_view clause = trim(rest.substr(0, and_at));
    if (clause.empty()) throw Error(ErrorKind::bad_rule, "an empty clause around '&&'");
    clauses.push_back(parse_clause(clause));
    if (and_at == std::string_view::npos) break;
    rest = rest.substr(and_at + 2);
  }
  if (clauses.size() == 1) return clauses.front();
  return all_of(std::move(clauses));
}

}  // namespace

Ignore IgnoreTopFunction(std::string_view spec) {
  return Ignore{fmt::format("top: {}", spec), top_function_spec(spec), "api"};
}

Ignore parse_ignore_rule(std::string_view rule, std::string_view origin) {
  const std::string_view text = trim(rule);
  try {
    return Ignore{std::string(text), parse_rule(text), std::string(origin)};
  } catch (const Error& e) {
    throw Error(ErrorKind::bad_rule, fmt::format("{}: bad ignore rule '{}': {}", origin, text, e.what()));
  }
}

std::vector<Ignore> parse_ignore_rules(std::string_view text, std::string_view origin) {
  std::vector<Ignore> rules;
  int number = 0;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    const std::string_view line = trim(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    ++number;
    if (line.empty() || line.starts_with('#')) continue;
    rules.push_back(parse_ignore_rule(line, fmt::format("{}:{}", origin, number)));
  }
  return rules;
}

std::vector<Ignore> load_ignore_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorKind::io, fmt::format("cannot read the ignore file {}", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_ignore_rules(text.str(), file.string());
}

std::optional<std::size_t> first_matching_rule(std::span<const Ignore> rules, const Goroutine& g) {
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].matches(g)) return i;
  }
  return std::nullopt;
}

std::vector<Ignore> load_user_rules(const std::vector<std::string>& files, const std::vector<std::string>& rules) {
  std::vector<Ignore> all;
  for (const std::string& file : files) {
    std::vector<Ignore> from_file = load_ignore_file(file);
    std::move(from_file.begin(), from_file.end(), std::back_inserter(all));
  }
  for (const std::string& rule : rules) all.push_back(parse_ignore_rule(rule));
  return all;
}

const std::vector<Ignore>& default_ignores() {
  static const std::vector<Ignore> defaults = [] {
    std::vector<Ignore> rules;
    const auto add = [&](std::string_view rule) { rules.push_back(parse_ignore_rule(rule, "default")); };
    // os/signal's loop: started by the first signal.Notify, for good.
    add("any: os/signal.loop");
    // The execution tracer's reader, while runtime/trace.Start runs.
    add("state: trace reader (blocked)");
    add("any: runtime/trace.Start.func1");
    // A go test binary's own machinery (the runner, alarms, parallel waits).
    add("blocking-site: testing...");
    // The runtime's background workers, some started lazily (AddCleanup's,
    // the finalizer goroutine, the GOMAXPROCS updater); shown only with
    // GOTRACEBACK=system or in crash dumps. Exact states, not a regex:
    // compiling one was 0.07 ms of each process's first check.
    for (std::string_view state : {"finalizer wait", "cleanup wait", "GC sweep wait", "GC worker (idle)",
                                   "force gc (idle)", "timer goroutine (idle)", "GOMAXPROCS updater (idle)"}) {
      add(fmt::format("state: {}", state));
    }
    return rules;
  }();
  return defaults;
}

std::vector<Ignore> rules_in_force(const std::vector<Ignore>& user_rules, bool with_defaults) {
  std::vector<Ignore> rules = user_rules;
  if (with_defaults) rules.insert(rules.end(), default_ignores().begin(), default_ignores().end());
  return rules;
}

}  // namespace goleakcheck
