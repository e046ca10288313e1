#include "goleakcheck/duration.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "goleakcheck/error.hpp"

namespace goleakcheck {

std::chrono::milliseconds parse_duration(std::string_view text) {
  const auto fail = [&] {
    return Error(ErrorKind::usage,
                 fmt::format("invalid duration '{}': expected a number and a unit, like 250ms, 2s, 1.5s, 1m or 1h", text));
  };
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [unit_begin, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || unit_begin == begin || value < 0 || !std::isfinite(value)) throw fail();
  const std::string_view unit(unit_begin, static_cast<std::size_t>(end - unit_begin));
  double ms = 0;
  if (unit.empty() && value == 0) {
    return std::chrono::milliseconds::zero();  // as Go's time.ParseDuration: "0" needs no unit
  } else if (unit == "us") {
    ms = value / 1000;
  } else if (unit == "ms") {
    ms = value;
  } else if (unit == "s") {
    ms = value * 1000;
  } else if (unit == "m") {
    ms = value * 60'000;
  } else if (unit == "h") {
    ms = value * 3'600'000;
  } else {
    throw fail();
  }
  // Whole milliseconds are what the harness waits in; a shorter duration
  // that is not zero is one millisecond, never none at all.
  if (ms > 0 && ms < 1) ms = 1;
  if (ms > static_cast<double>(kLongestDuration.count())) {
    throw Error(ErrorKind::usage, fmt::format("duration '{}' is longer than {}; give at most 24h", text,
                                              format_duration(kLongestDuration)));
  }
  return std::chrono::milliseconds(static_cast<long long>(std::llround(ms)));
}

std::string format_duration(std::chrono::nanoseconds duration) {
  const double ms = std::chrono::duration<double, std::milli>(duration).count();
  if (ms < 1000) return fmt::format("{:.0f}ms", ms);
  if (std::fmod(ms, 1000) != 0) return fmt::format("{:.2f}s", ms / 1000);
  if (ms < 60'000 || std::fmod(ms, 60'000) != 0) return fmt::format("{:.0f}s", ms / 1000);
  if (std::fmod(ms, 3'600'000) != 0) return fmt::format("{:.0f}m", ms / 60'000);
  return fmt::format("{:.0f}h", ms / 3'600'000);
}

}  // namespace goleakcheck
