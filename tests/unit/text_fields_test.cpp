// The readers' inline compare (harness/dump/text_fields.hpp), which reads
// in 16-byte windows: at every length it compares exactly the bytes of the
// two texts, none before or after them.
#include <gtest/gtest.h>

#include <string>

#include "dump/text_fields.hpp"

namespace goleakcheck::detail {
namespace {

TEST(SameText, ComparesExactlyTheBytesOfTextsOfEveryLength) {
  for (std::size_t n = 0; n <= 200; ++n) {
    std::string text;
    for (std::size_t i = 0; i < n; ++i) text += static_cast<char>('a' + i % 26);
    // Each text followed by bytes that differ: a window that reads past
    // the end sees them.
    const std::string a = text + std::string(32, 'x');
    const std::string b = text + std::string(32, 'y');
    EXPECT_TRUE(same_text(std::string_view(a).substr(0, n), std::string_view(b).substr(0, n))) << n;
    for (std::size_t at = 0; at < n; ++at) {
      std::string changed = b;
      changed[at] = '#';
      EXPECT_FALSE(same_text(std::string_view(a).substr(0, n), std::string_view(changed).substr(0, n))) << n << " " << at;
    }
    if (n > 0) EXPECT_FALSE(same_text(std::string_view(a).substr(0, n), std::string_view(b).substr(0, n - 1))) << n;
  }
}

}  // namespace
}  // namespace goleakcheck::detail
