// The reader's promise, counted independently of it: every line that starts
// with "goroutine " and a digit starts a goroutine record, so a snapshot has
// exactly as many records as the text has such lines. Header-only, for the
// unit tests and the fuzz target alike.
#pragma once

#include <cstddef>
#include <string_view>

namespace goleakcheck::test {

inline std::size_t count_record_starts(std::string_view text) {
  constexpr std::string_view kStart = "goroutine ";
  std::size_t count = 0;
  std::size_t line = 0;
  while (line < text.size()) {
    const std::string_view rest = text.substr(line);
    if (rest.size() > kStart.size() && rest.starts_with(kStart) && rest[kStart.size()] >= '0' &&
        rest[kStart.size()] <= '9') {
      ++count;
    }
    const std::size_t newline = rest.find('\n');
    if (newline == std::string_view::npos) break;
    line += newline + 1;
  }
  return count;
}

}  // namespace goleakcheck::test
