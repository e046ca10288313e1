// Durations as users type them: "500ms", "2s", "1.5s", "1m", "250us".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace goleakcheck {

// Throws Error(ErrorKind::usage) naming the text and the accepted forms.
std::chrono::milliseconds parse_duration(std::string_view text);

// "1.52s", "340ms": short and exact enough for reports.
std::string format_duration(std::chrono::nanoseconds duration);

}  // namespace goleakcheck
