// Small field readers shared by the dump and profile readers: each looks at
// a view and allocates nothing.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Whether two texts are equal, compared inline: the readers compare names
// and location lines of 10 to 100 bytes millions of times per large dump,
// where a call of memcmp cost more than the compare itself, and a loop
// whose length changes with every text mispredicts its end each time. Up
// to 64 bytes it is four overlapping 16-byte compares and one branch.
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
#if defined(__SSE2__)
  if (n >= 16) {
    const auto equal16 = [&](std::size_t at) {
      return _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at)),
                            _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + at)));
    };
    std::size_t at = 0;
    for (; n - at > 64; at += 64) {
      const __m128i all =
          _mm_and_si128(_mm_and_si128(equal16(at), equal16(at + 16)), _mm_and_si128(equal16(at + 32), equal16(at + 48)));
      if (_mm_movemask_epi8(all) != 0xFFFF) return false;
    }
    // The last 1 to 64 bytes from `at` (fewer than 16 after the loop):
    // windows that may overlap, each clamped to end at the text's end.
    const std::size_t last = n - 16;
    const __m128i all = _mm_and_si128(_mm_and_si128(equal16(std::min(at, last)), equal16(std::min(at + 16, last))),
                                      _mm_and_si128(equal16(std::min(at + 32, last)), equal16(last)));
    return _mm_movemask_epi8(all) == 0xFFFF;
  }
#else
  if (n >= 16) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (word(p + i) != word(q + i)) return false;
    }
    return word(p + n - 8) == word(q + n - 8);
  }
#endif
  if (n >= 8) return word(p) == word(q) && word(p + n - 8) == word(q + n - 8);
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

// A copy of a short text kept across chunks (a line lives only as long as
// its chunk), for caches that compare it whole with the next line.
template <std::size_t N>
class KeptText {
 public:
  static constexpr bool fits(std::string_view text) { return text.size() <= N; }
  bool holds(std::string_view text) const { return same_text({text_.data(), length_}, text); }
  // Keeps `text`, or nothing (empty) when it does not fit.
  void keep(std::string_view text) {
    length_ = fits(text) ? static_cast<std::uint32_t>(text.size()) : 0;
    std::memcpy(text_.data(), text.data(), length_);
  }
  void clear() { length_ = 0; }
  std::size_t size() const { return length_; }
  std::string_view view() const { return {text_.data(), length_}; }

 private:
  std::array<char, N> text_;
  std::uint32_t length_ = 0;
};

// Whether `text` holds `c`, eight bytes at a time, inline: the readers ask
// it of short names and argument lists, where a call of memchr cost more
// than the search.
inline bool contains(std::string_view text, char c) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHighs = 0x8080808080808080ull;
  const std::uint64_t pattern = kOnes * static_cast<unsigned char>(c);
  const char* p = text.data();
  std::size_t n = text.size();
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    w ^= pattern;  // a zero byte where `c` was
    if (((w - kOnes) & ~w & kHighs) != 0) return true;
  }
  for (; n > 0; ++p, --n) {
    if (*p == c) return true;
  }
  return false;
}

// The last occurrence of `c`, by glibc's vectorised memrchr: the fields the
// readers look for sit at the ends of lines.
inline std::size_t find_last(std::string_view text, char c) {
  const void* at = ::memrchr(text.data(), c, text.size());
  return at == nullptr ? std::string_view::npos
                       : static_cast<std::size_t>(static_cast<const char*>(at) - text.data());
}

}  // namespace goleakcheck::detail
