#include <gtest/gtest.h>

#include "goleakcheck/endpoint.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/program.hpp"

namespace goleakcheck {
namespace {

TEST(EndpointParse, AcceptsBaseUrlsAndHostPort) {
  EXPECT_EQ(Endpoint::parse("http://127.0.0.1:6060").address(), "127.0.0.1:6060");
  EXPECT_EQ(Endpoint::parse("http://localhost:8080/").url(), "http://localhost:8080");
  EXPECT_EQ(Endpoint::parse("127.0.0.1:1").port, 1);
}

TEST(EndpointParse, RejectsWhatItCannotCheck) {
  for (const char* bad : {"https://127.0.0.1:6060", "http://127.0.0.1", "http://127.0.0.1:6060/debug/pprof",
                          "http://127.0.0.1:0", "http://127.0.0.1:70000", "http://:80", ""}) {
    EXPECT_THROW(Endpoint::parse(bad), Error) << bad;
  }
}

TEST(SubstituteAddress, ReplacesEveryPlaceholder) {
  const Endpoint endpoint{"127.0.0.1", 4321};
  EXPECT_EQ(substitute_address("-addr={addr}", endpoint), "-addr=127.0.0.1:4321");
  EXPECT_EQ(substitute_address("{port}:{port}", endpoint), "4321:4321");
  EXPECT_EQ(substitute_address("plain", endpoint), "plain");
}


}  // namespace
}  // namespace goleakcheck
