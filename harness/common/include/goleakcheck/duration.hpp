// Durations as users type them: "500ms", "2s", "1.5s", "1m", "1h", "250us".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace goleakcheck {

// The longest duration parse_duration accepts: no wait of the harness is
// meant to be longer, and a longer one is a typo or an overflow.
inline constexpr std::chrono::milliseconds kLongestDuration = std::chrono::hours(24);

// Whole milliseconds; anything above zero is at least 1 ms ("250us" is
// 1ms, never 0). Throws Error(ErrorKind::usage) naming the text and the
// accepted forms, also past kLongestDuration.
std::chrono::milliseconds parse_duration(std::string_view text);

// "1.52s", "340ms": short and exact enough for reports.
std::string format_duration(std::chrono::nanoseconds duration);

}  // namespace goleakcheck
