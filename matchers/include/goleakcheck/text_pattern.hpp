// How an ignore rule names a piece of text: a function, a state, a file, a
// label value.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace goleakcheck {

// Immutable; cheap to copy (a compiled regex is shared). Thread-safe: any
// number of threads may call matches() at once.
class TextPattern {
 public:
  // "text" matches exactly, "text..." as a prefix, "regex:RE" where the RE2
  // regex RE matches anywhere in it (RE2 syntax: linear time, no
  // back-references). Throws Error(ErrorKind::bad_rule) for a regex RE2
  // does not accept.
  static TextPattern parse(std::string_view spec);

  // Time linear in text.size() (RE2's guarantee for the regex form).
  bool matches(std::string_view text) const;

  // The spec as given to parse().
  const std::string& spec() const { return spec_; }

 private:
  enum class Kind { exact, prefix, regex };
  Kind kind_ = Kind::exact;
  std::string spec_;
  std::string text_;  // exact or prefix
  std::shared_ptr<const re2::RE2> regex_;
};

}  // namespace goleakcheck
