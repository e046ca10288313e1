// Cuts text that arrives in chunks of any size into lines. A line is handed
// out as a view into the chunk; only a line that straddles two chunks is
// copied, once.
#pragma once

#include <cstring>
#include <string>
#include <string_view>

namespace goleakcheck::detail {

class LineSplitter {
 public:
  // Calls on_line(std::string_view) for every complete line in `chunk`,
  // without its '\n'.
  template <class OnLine>
  void feed(std::string_view chunk, OnLine&& on_line) {
    const char* cursor = chunk.data();
    const char* const end = cursor + chunk.size();
    if (!carry_.empty()) {
      const char* newline = find_newline(cursor, end);
      if (newline == nullptr) {
        carry_.append(cursor, end);
        return;
      }
      carry_.append(cursor, newline);
      on_line(std::string_view(carry_));
      carry_.clear();
      cursor = newline + 1;
    }
    while (cursor < end) {
      const char* newline = find_newline(cursor, end);
      if (newline == nullptr) {
        carry_.assign(cursor, end);
        return;
      }
      on_line(std::string_view(cursor, static_cast<std::size_t>(newline - cursor)));
      cursor = newline + 1;
    }
  }

  // Hands out the last line if the text did not end with a newline, and
  // says whether it did (an empty text counts as ended).
  template <class OnLine>
  bool finish(OnLine&& on_line) {
    if (carry_.empty()) return true;
    on_line(std::string_view(carry_));
    carry_.clear();
    return false;
  }

 private:
  static const char* find_newline(const char* from, const char* end) {
    return static_cast<const char*>(std::memchr(from, '\n', static_cast<std::size_t>(end - from)));
  }

  std::string carry_;
};

}  // namespace goleakcheck::detail
