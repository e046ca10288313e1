// Cuts text that arrives in chunks of any size into lines. A line is handed
// out as a view into the chunk; only a line that straddles two chunks is
// copied, once. Either view stays valid until feed or finish is called
// again (and the chunk's own text lives).
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

namespace goleakcheck::detail {

// The first '\n' in [from, end), or null. A dump's lines are short: the
// first 64 bytes are searched inline, 16 at a time (a call of memchr per
// line cost more than the search), and only a longer line calls memchr.
inline const char* find_newline(const char* from, const char* end) {
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  const std::size_t inline_size = std::min<std::size_t>(static_cast<std::size_t>(end - from), 64);
  for (std::size_t searched = 0; searched + 16 <= inline_size; searched += 16, from += 16) {
    const int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(from)), newline));
    if (mask != 0) return from + std::countr_zero(static_cast<unsigned>(mask));
  }
#endif
  return static_cast<const char*>(std::memchr(from, '\n', static_cast<std::size_t>(end - from)));
}

class LineSplitter {
 public:
  // Calls on_line for every complete line in `chunk`, without its '\n',
  // as on_line(line) or as on_line(line, after): `after` is the rest of
  // the chunk past the line's newline, and the call returns how many of
  // its bytes it read itself, whole lines only (their last byte a '\n'),
  // so that a reader who knows what comes next reads it without a second
  // pass over the text.
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
      cursor = newline + 1;
      cursor += hand_out_carry(on_line, std::string_view(cursor, static_cast<std::size_t>(end - cursor)));
    }
    // 64 bytes at a time, every newline in them found at once: a dump's
    // lines are short, and a call of memchr per line cost more than the
    // scan itself. A line whose call read on past it moves the cursor
    // ahead: the newlines before it are masked off, or the scan starts
    // over at the cursor.
    const char* block = cursor;
    while (end - block >= 64) {
#if defined(__SSE2__)
      // A mapped file's pages are not contiguous, and the hardware's own
      // prefetch stops at each page's end: asked for explicitly, the text
      // is in the cache when the scan gets there.
      _mm_prefetch(block + 1536, _MM_HINT_T0);
#endif
      const char* const next_block = block + 64;
      std::uint64_t newlines = newline_mask(block);  // cursor <= block here
      while (newlines != 0) {
        const char* newline = block + std::countr_zero(newlines);
        cursor = newline + 1 + hand_out(on_line, cursor, newline, end);
        if (cursor >= next_block) break;
        newlines &= ~std::uint64_t{0} << (cursor - block);  // 0 < cursor - block < 64
      }
      block = std::max(next_block, cursor);
    }
    while (cursor < end) {
      const char* newline = find_newline(std::max(cursor, block), end);
      if (newline == nullptr) {
        keep(cursor, end);
        return;
      }
      cursor = newline + 1 + hand_out(on_line, cursor, newline, end);
    }
  }

  // Hands out the last line if the text did not end with a newline, and
  // says whether it did (an empty text counts as ended).
  template <class OnLine>
  bool finish(OnLine&& on_line) {
    if (carry_.empty() && !overlong_) return true;
    hand_out_carry(on_line, {});
    return false;
  }

  // No line the runtime writes comes near this; a longer one (a stream of
  // zeros, a binary file) is cut here, so memory stays bounded whatever is
  // fed. The bytes past it are counted, not kept.
  static constexpr std::size_t kMaxLine = std::size_t{1} << 20;
  std::size_t dropped_bytes() const { return dropped_; }

 private:
  // Calls on_line in whichever form it takes; the bytes after the line it
  // read itself (none for the one-argument form).
  template <class OnLine>
  static std::size_t call(OnLine& on_line, std::string_view line, std::string_view after) {
    if constexpr (std::is_invocable_v<OnLine&, std::string_view, std::string_view>) {
      return on_line(line, after);
    } else {
      on_line(line);
      return 0;
    }
  }

  template <class OnLine>
  static std::size_t hand_out(OnLine& on_line, const char* begin, const char* newline, const char* end) {
    return call(on_line, std::string_view(begin, static_cast<std::size_t>(newline - begin)),
                std::string_view(newline + 1, static_cast<std::size_t>(end - newline - 1)));
  }

  // The carried line, from a buffer of its own: carry_ starts over while
  // the line stays readable until the next call.
  template <class OnLine>
  std::size_t hand_out_carry(OnLine& on_line, std::string_view after) {
    handed_.swap(carry_);
    carry_.clear();
    overlong_ = false;
    return call(on_line, std::string_view(handed_), after);
  }


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

  // Bit i set when block[i] is a newline, for 64 bytes.
  static std::uint64_t newline_mask(const char* block) {
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    std::uint64_t mask = 0;
    for (int i = 0; i < 4; ++i) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i));
      mask |= static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newline))))
              << (16 * i);
    }
    return mask;
#else
    std::uint64_t mask = 0;
    for (int i = 0; i < 64; ++i) mask |= static_cast<std::uint64_t>(block[i] == '\n') << i;
    return mask;
#endif
  }

  std::string carry_;
  std::string handed_;  // the last carried line handed out
  bool overlong_ = false;  // the carried line was cut at kMaxLine
  std::size_t dropped_ = 0;
};

}  // namespace goleakcheck::detail
