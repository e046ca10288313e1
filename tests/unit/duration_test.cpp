#include <gtest/gtest.h>

#include "goleakcheck/duration.hpp"
#include "goleakcheck/error.hpp"

namespace goleakcheck {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, AcceptsTheUnitsUsersType) {
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("2s"), milliseconds(2000));
  EXPECT_EQ(parse_duration("1.5s"), milliseconds(1500));
  EXPECT_EQ(parse_duration("1m"), milliseconds(60000));
  EXPECT_EQ(parse_duration("2500us"), milliseconds(3));
  EXPECT_EQ(parse_duration("0s"), milliseconds(0));
}

TEST(ParseDuration, RejectsAnythingElseWithAUsageError) {
  for (const char* bad : {"", "5", "s", "-1s", "2 s", "2h", "1.5.2s", "fast"}) {
    try {
      parse_duration(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage) << bad;
      EXPECT_NE(std::string(e.what()).find("250ms, 2s"), std::string::npos) << e.what();
    }
  }
}

TEST(FormatDuration, MillisecondsBelowASecondSecondsAbove) {
  EXPECT_EQ(format_duration(milliseconds(340)), "340ms");
  EXPECT_EQ(format_duration(milliseconds(1520)), "1.52s");
}

}  // namespace
}  // namespace goleakcheck
