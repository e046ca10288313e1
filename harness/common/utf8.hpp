// Text from a dump may hold any bytes; JSON, Prometheus' exposition format
// and HTML want UTF-8. Invalid bytes become U+FFFD rather than an error.
#pragma once

#include <string>
#include <string_view>

namespace goleakcheck::detail {

// `text` as valid UTF-8: `text` itself (viewed, no copy) when it already
// is, else a copy in `scratch` with each invalid byte replaced by U+FFFD.
// The result is valid until `scratch` changes. O(|text|); ASCII is checked
// 8 bytes at a time.
std::string_view valid_utf8(std::string_view text, std::string& scratch);

}  // namespace goleakcheck::detail
