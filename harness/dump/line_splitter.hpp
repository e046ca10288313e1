// Cuts text that arrives in chunks of any size into lines. A line is handed
// out as a view into the chunk; only a line that straddles two chunks is
// copied, once.
#pragma once

#include <algorithm>
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
    if (!carry_.empty() || overlong_) {
      const char* newline = find_newline(cursor, end);
      if (newline == nullptr) {
        keep(cursor, end);
        return;
      }
      keep(cursor, newline);
      on_line(std::string_view(carry_));
      carry_.clear();
      overlong_ = false;
      cursor = newline + 1;
    }
    while (cursor < end) {
      const char* newline = find_newline(cursor, end);
      if (newline == nullptr) {
        keep(cursor, end);
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
    if (carry_.empty() && !overlong_) return true;
    on_line(std::string_view(carry_));
    carry_.clear();
    overlong_ = false;
    return false;
  }

  // No line the runtime writes comes near this; a longer one (a stream of
  // zeros, a binary file) is cut here, so memory stays bounded whatever is
  // fed. The bytes past it are counted, not kept.
  static constexpr std::size_t kMaxLine = std::size_t{1} << 20;
  std::size_t dropped_bytes() const { return dropped_; }

 private:
  // Carries [from, to) over to the next chunk, up to kMaxLine bytes.
  void keep(const char* from, const char* to) {
    const std::size_t size = static_cast<std::size_t>(to - from);
    const std::size_t room = kMaxLine - std::min(kMaxLine, carry_.size());
    carry_.append(from, std::min(size, room));
    if (size > room) {
      overlong_ = true;
      dropped_ += size - room;
    }
  }

  static const char* find_newline(const char* from, const char* end) {
    return static_cast<const char*>(std::memchr(from, '\n', static_cast<std::size_t>(end - from)));
  }

  std::string carry_;
  bool overlong_ = false;  // the carried line was cut at kMaxLine
  std::size_t dropped_ = 0;
};

}  // namespace goleakcheck::detail
