// A fuzz target for the small parsers that take what users type: ignore
// rules, durations, URLs. The input's first byte picks the parser. Besides
// "no crash, no sanitizer report", every input must keep these:
// - the only exception is goleakcheck::Error (a usage or rule error), so a
//   bad value is always exit 2 with a message, never a crash;
// - a duration is within [0, 24h] (no overflow, no negative);
// - a parsed URL has a port from 1 to 65535 and reads back the same from
//   its own url();
// - a parsed rule can be tried on goroutines without failing.
// Built with libFuzzer by `tests/fuzz/run SECONDS parsers`; replayed over
// tests/fuzz/parsers/ by every ordinary build.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/duration.hpp"
#include "goleakcheck/endpoint.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/ignore.hpp"

namespace {

void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "property violated: %s\n", what);
  std::abort();
}

// Goroutines with labels, minutes, an unreadable header: the rule sees
// every field it can look at.
const goleakcheck::Snapshot& sample() {
  static const goleakcheck::Snapshot snapshot = goleakcheck::parse_dump(
      "goroutine 7 [chan send, 3 minutes, locked to thread] {route: \"/a b\", k: v}:\n"
      "main.f(...)\n\t/src/main.go:10\ncreated by main.g in goroutine 1\n\t/src/main.go:5 +0x1\n\n"
      "goroutine 8 [select] <new>:\nnats%2ego.(*Conn).readLoop()\n\t/m/nats.go:1 +0x1\n");
  return snapshot;
}

void parse_rules(std::string_view text) {
  for (const goleakcheck::Ignore& rule : goleakcheck::parse_ignore_rules(text, "fuzz")) {
    for (const goleakcheck::Goroutine& g : sample().goroutines) (void)rule.matches(g);
  }
}

void parse_duration(std::string_view text) {
  const auto duration = goleakcheck::parse_duration(text);
  require(duration.count() >= 0 && duration <= goleakcheck::kLongestDuration, "a duration out of range");
}

void parse_url(std::string_view text) {
  const goleakcheck::Endpoint endpoint = goleakcheck::Endpoint::parse(text);
  require(endpoint.port >= 1, "port 0 accepted");
  const goleakcheck::Endpoint again = goleakcheck::Endpoint::parse(endpoint.url());
  require(again.host == endpoint.host && again.port == endpoint.port, "url() does not read back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 3) {
      case 0: parse_rules(text); break;
      case 1: parse_duration(text); break;
      default: parse_url(text); break;
    }
  } catch (const goleakcheck::Error&) {
    // A clear usage or rule error: what a bad value must give.
  } catch (...) {
    require(false, "an exception other than goleakcheck::Error");
  }
  return 0;
}
