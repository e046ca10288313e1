#include "goleakcheck/text_pattern.hpp"

#include <re2/re2.h>

#include <fmt/format.h>

#include "goleakcheck/error.hpp"

namespace goleakcheck {

TextPattern TextPattern::parse(std::string_view spec) {
  constexpr std::string_view kRegex = "regex:";
  constexpr std::string_view kPrefix = "...";
  TextPattern pattern;
  pattern.spec_ = std::string(spec);
  if (spec.starts_with(kRegex)) {
    RE2::Options options;
    options.set_log_errors(false);  // the error goes into the exception, never to stderr
    auto regex = std::make_shared<const RE2>(re2::StringPiece(spec.data() + kRegex.size(), spec.size() - kRegex.size()),
                                             options);
    if (!regex->ok()) {
      throw Error(ErrorKind::bad_rule,
                  fmt::format("invalid regex '{}': {} (RE2 syntax)", spec.substr(kRegex.size()), regex->error()));
    }
    pattern.kind_ = Kind::regex;
    pattern.regex_ = std::move(regex);
  } else if (spec.ends_with(kPrefix)) {
    pattern.kind_ = Kind::prefix;
    pattern.text_ = std::string(spec.substr(0, spec.size() - kPrefix.size()));
  } else {
    pattern.text_ = std::string(spec);
  }
  return pattern;
}

bool TextPattern::matches(std::string_view text) const {
  switch (kind_) {
    case Kind::exact: return text == text_;
    case Kind::prefix: return text.starts_with(text_);
    case Kind::regex: return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *regex_);
  }
  return false;
}

}  // namespace goleakcheck
