// Small field readers shared by the dump and profile readers: each looks at
// a view and allocates nothing.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace goleakcheck::detail {

// The whole of `digits` as a number; false for empty text or any non-digit.
inline bool parse_uint(std::string_view digits, std::uint64_t& out) {
  if (digits.empty()) return false;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return ec == std::errc() && end == digits.data() + digits.size();
}

inline bool remove_prefix(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

inline bool remove_suffix(std::string_view& text, std::string_view suffix) {
  if (!text.ends_with(suffix)) return false;
  text.remove_suffix(suffix.size());
  return true;
}

// Whether two texts are equal, compared inline eight bytes at a time (the
// last word overlapping the one before): the readers compare names of 10
// to 100 bytes millions of times per large dump, where a call of memcmp
// cost more than the compare itself.
inline bool same_text(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (p == q) return true;
  const auto word = [](const char* at) {
    std::uint64_t w;
    std::memcpy(&w, at, sizeof w);
    return w;
  };
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (word(p + i) != word(q + i)) return false;
    }
    return word(p + n - 8) == word(q + n - 8);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

// The last occurrence of `c`, by glibc's vectorised memrchr: the fields the
// readers look for sit at the ends of lines.
inline std::size_t find_last(std::string_view text, char c) {
  const void* at = ::memrchr(text.data(), c, text.size());
  return at == nullptr ? std::string_view::npos
                       : static_cast<std::size_t>(static_cast<const char*>(at) - text.data());
}

}  // namespace goleakcheck::detail
