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
  EXPECT_EQ(parse_duration("0"), milliseconds(0));  // as Go's time.ParseDuration
  EXPECT_EQ(parse_duration("2h"), milliseconds(7'200'000));
  // Below a millisecond but not zero is one millisecond, never none.
  EXPECT_EQ(parse_duration("250us"), milliseconds(1));
  EXPECT_EQ(parse_duration("24h"), milliseconds(86'400'000));
}

TEST(ParseDuration, RejectsWhatIsLongerThanADayInsteadOfOverflowing) {
  for (const char* huge : {"25h", "9.3e15ms", "1e16s", "1e300m", "86400001ms"}) {
    try {
      parse_duration(huge);
      ADD_FAILURE() << "accepted '" << huge << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage) << huge;
      EXPECT_NE(std::string(e.what()).find("at most 24h"), std::string::npos) << e.what();
    }
  }
}

TEST(ParseDuration, RejectsAnythingElseWithAUsageError) {
  for (const char* bad : {"", "5", "0.5", "s", "-1s", "2 s", "2d", "1.5.2s", "fast", "infs", "nanms"}) {
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
  EXPECT_EQ(format_duration(milliseconds(30'000)), "30s");
  EXPECT_EQ(format_duration(milliseconds(120'000)), "2m");
  EXPECT_EQ(format_duration(milliseconds(7'200'000)), "2h");
}

}  // namespace
}  // namespace goleakcheck
