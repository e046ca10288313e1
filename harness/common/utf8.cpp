#include "common/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace goleakcheck::detail {

namespace {

// The length of the valid UTF-8 sequence at `s` (1 to 4), or 0.
std::size_t utf8_sequence(const unsigned char* s, std::size_t left) {
  const unsigned char c = s[0];
  if (c < 0x80) return 1;
  std::size_t length = 0;
  unsigned int min = 0;
  if ((c & 0xE0) == 0xC0) {
    length = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    length = 3;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    length = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (length > left) return 0;
  unsigned int code = c & (0xFF >> (length + 1));
  for (std::size_t i = 1; i < length; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    code = (code << 6) | (s[i] & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

// The length of the ASCII run at the start of `text`, 8 bytes at a time.
std::size_t ascii_prefix(std::string_view text) {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    if ((word & kHighBits) != 0) break;
  }
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
  return i;
}

}  // namespace

std::string_view valid_utf8(std::string_view text, std::string& scratch) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t i = ascii_prefix(text);
  while (i < text.size()) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence(s + i, text.size() - i);
    if (n == 0) break;
    i += n;
  }
  if (i == text.size()) return text;
  scratch.assign(text.substr(0, i));
  while (i < text.size()) {
    const std::size_t n = utf8_sequence(s + i, text.size() - i);
    if (n == 0) {
      scratch += "\xEF\xBF\xBD";
      ++i;
    } else {
      scratch.append(text.substr(i, n));
      i += n;
    }
  }
  return scratch;
}

}  // namespace goleakcheck::detail
