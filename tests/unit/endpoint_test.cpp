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
  // IPv6 literals, bracketed as in URLs.
  const Endpoint v6 = Endpoint::parse("http://[::1]:6060");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 6060);
  EXPECT_EQ(v6.url(), "http://[::1]:6060");
  EXPECT_EQ(Endpoint::parse("[::1]:7/").address(), "[::1]:7");
}

TEST(EndpointParse, SaysWhatIsWrong) {
  const auto why = [](const char* url) {
    try {
      Endpoint::parse(url);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(why("http://127.0.0.1:6060?x=1").find("without a query"), std::string::npos) << why("http://127.0.0.1:6060?x=1");
  EXPECT_NE(why("http://::1:6060").find("in brackets"), std::string::npos);
  EXPECT_NE(why("http://[::1]6060").find("in brackets before the port"), std::string::npos);
  EXPECT_NE(why("http://127.0.0.1:99999").find("bad port '99999'"), std::string::npos);
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
