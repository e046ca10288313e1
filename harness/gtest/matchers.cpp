#include "goleakcheck/matchers.hpp"

#include <functional>
#include <ostream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "goleakcheck/ignore.hpp"
#include "goleakcheck/text_pattern.hpp"

namespace goleakcheck {
namespace matchers {

namespace {

// Which strings of a goroutine one matcher looks at.
using Fields = std::function<std::vector<std::string_view>(const Goroutine&)>;

// Matches when any of the goroutine's picked fields matches `inner`, and
// says which one did.
class FieldMatcher : public ::testing::MatcherInterface<const Goroutine&> {
 public:
  FieldMatcher(std::string what, Fields fields, StringMatcher inner)
      : what_(std::move(what)), fields_(std::move(fields)), inner_(std::move(inner)) {}

  bool MatchAndExplain(const Goroutine& g, ::testing::MatchResultListener* listener) const override {
    for (std::string_view field : fields_(g)) {
      if (inner_.Matches(field)) {
        *listener << "whose " << what_ << " is " << field;
        return true;
      }
    }
    return false;
  }
  void DescribeTo(std::ostream* os) const override {
    *os << what_ << " ";
    inner_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "no " << what_ << " ";
    inner_.DescribeTo(os);
  }

 private:
  std::string what_;
  Fields fields_;
  StringMatcher inner_;
};

GoroutineMatcher field_matcher(std::string what, Fields fields, StringMatcher inner) {
  return ::testing::MakeMatcher(new FieldMatcher(std::move(what), std::move(fields), std::move(inner)));
}

// One field of every frame and of the creator: what AnyFunction and File see.
Fields frames_and_creator(std::string_view Frame::*field) {
  return [field](const Goroutine& g) {
    std::vector<std::string_view> values;
    values.reserve(g.frames.size() + 1);
    for (const Frame& frame : g.frames) values.push_back(frame.*field);
    if (g.created_by) values.push_back(*g.created_by.*field);
    return values;
  };
}

// A TextPattern as a gmock string matcher: the rule language's exact,
// prefix and regex forms, described by their spec.
class PatternMatcher : public ::testing::MatcherInterface<std::string_view> {
 public:
  explicit PatternMatcher(TextPattern pattern) : pattern_(std::move(pattern)) {}
  bool MatchAndExplain(std::string_view text, ::testing::MatchResultListener*) const override {
    return pattern_.matches(text);
  }
  void DescribeTo(std::ostream* os) const override { *os << "matches '" << pattern_.spec() << "'"; }
  void DescribeNegationTo(std::ostream* os) const override { *os << "does not match '" << pattern_.spec() << "'"; }

 private:
  TextPattern pattern_;
};

}  // namespace

GoroutineMatcher TopFunction(StringMatcher function) {
  return field_matcher(
      "top function",
      [](const Goroutine& g) {
        return g.frames.empty() ? std::vector<std::string_view>{} : std::vector{g.frames.front().function};
      },
      std::move(function));
}

GoroutineMatcher AnyFunction(StringMatcher function) {
  return field_matcher("function in its stack or creator", frames_and_creator(&Frame::function), std::move(function));
}

GoroutineMatcher CreatedBy(StringMatcher function) {
  return field_matcher(
      "creator",
      [](const Goroutine& g) {
        return g.created_by ? std::vector{g.created_by->function} : std::vector<std::string_view>{};
      },
      std::move(function));
}

GoroutineMatcher BlockingSite(StringMatcher function) {
  return field_matcher(
      "blocking site",
      [](const Goroutine& g) {
        const Frame* site = g.blocking_site();
        return site != nullptr ? std::vector{site->function} : std::vector<std::string_view>{};
      },
      std::move(function));
}

GoroutineMatcher State(StringMatcher state) {
  return field_matcher(
      "state", [](const Goroutine& g) { return std::vector{g.state}; }, std::move(state));
}

GoroutineMatcher File(StringMatcher file) {
  return field_matcher("file in its stack or creator", frames_and_creator(&Frame::file), std::move(file));
}

GoroutineMatcher HasLabel(std::string key, StringMatcher value) {
  std::string what = fmt::format("label {}", key);
  return field_matcher(
      std::move(what),
      [key = std::move(key)](const Goroutine& g) {
        const std::string_view* found = g.label(key);
        return found != nullptr ? std::vector{*found} : std::vector<std::string_view>{};
      },
      std::move(value));
}

GoroutineMatcher BlockedAtLeast(int minutes) {
  // The runtime prints no minutes below one: absent means "less than 1".
  if (minutes <= 0) return ::testing::A<const Goroutine&>();
  return ::testing::Field("wait_minutes", &Goroutine::wait_minutes, ::testing::Optional(::testing::Ge(minutes)));
}

GoroutineMatcher GoroutineIds(std::set<std::uint64_t> ids) {
  return ::testing::Field("id", &Goroutine::id, ::testing::AnyOfArray(std::vector(ids.begin(), ids.end())));
}

StringMatcher FunctionSpec(std::string_view spec) {
  return ::testing::MakeMatcher(new PatternMatcher(rules::function_pattern(spec)));
}

StringMatcher TextSpec(std::string_view spec) { return ::testing::MakeMatcher(new PatternMatcher(TextPattern::parse(spec))); }

GoroutineMatcher TopFunctionSpec(std::string_view spec) {
  if (spec.ends_with(']')) {
    if (const std::size_t open = spec.rfind(" ["); open != std::string_view::npos) {
      const std::string state(spec.substr(open + 2, spec.size() - open - 3));
      return ::testing::AllOf(TopFunction(FunctionSpec(spec.substr(0, open))), State(TextSpec(state)));
    }
  }
  return TopFunction(FunctionSpec(spec));
}

}  // namespace matchers

Ignore Ignoring(GoroutineMatcher matcher) {
  std::ostringstream description;
  matcher.DescribeTo(&description);
  return Ignore{description.str(), [matcher = std::move(matcher)](const Goroutine& g) { return matcher.Matches(g); },
                "api"};
}

}  // namespace goleakcheck
