// Idle kept-alive connections, on a dump captured after an outbound call
// through a kept-alive client (examples/leakyservice /outbound).
#include <cctype>
#include <string>

#include <gtest/gtest.h>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/idle_connection.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

TEST(IdleConnection, ClassifiesBothEndsOfAKeptAliveConnection) {
  const Snapshot s = parse_dump(test::read_file(test::fixture("go1.26-keepalive.debug2.txt")));
  EXPECT_EQ(classify_idle_connection(*s.find(24)), IdleConnection::client_read_loop);
  EXPECT_EQ(classify_idle_connection(*s.find(25)), IdleConnection::client_write_loop);
  EXPECT_EQ(classify_idle_connection(*s.find(26)), IdleConnection::server_awaiting_request);
  EXPECT_EQ(classify_idle_connection(*s.find(7)), IdleConnection::none);  // a connection serving a request
  EXPECT_EQ(classify_idle_connection(*s.find(1)), IdleConnection::none);  // the listener
  EXPECT_EQ(describe(IdleConnection::server_awaiting_request), "server awaiting request");
}

// HTTP/2 over h2c, captured from examples/realservice (/h2: its shared
// HTTP/2 client calling its own h2c listener) built with Go 1.26 (net/http's
// bundled http2) and 1.27 (net/http/internal/http2), and from
// tests/capture/xneth2 (golang.org/x/net/http2 with its h2c handler).
struct Http2Capture {
  const char* file;
  std::uint64_t server_connection, client_read_loop, frame_reader;
};

class Http2IdleConnection : public ::testing::TestWithParam<Http2Capture> {};

TEST_P(Http2IdleConnection, ClassifiesEveryGoroutineOfAnIdleConnection) {
  const Http2Capture& capture = GetParam();
  const Snapshot s = parse_dump(test::read_file(test::fixture(std::string("http2/") + capture.file)));
  EXPECT_EQ(classify_idle_connection(*s.find(capture.server_connection)), IdleConnection::http2_server_connection);
  EXPECT_EQ(classify_idle_connection(*s.find(capture.client_read_loop)), IdleConnection::http2_client_read_loop);
  EXPECT_EQ(classify_idle_connection(*s.find(capture.frame_reader)), IdleConnection::http2_server_frame_reader);
  // Nothing else in these programs is an idle connection: not the
  // listener, not the leaks, not the lazily started workers.
  std::size_t idle = 0;
  for (const Goroutine& g : s.goroutines) idle += classify_idle_connection(g) != IdleConnection::none;
  EXPECT_EQ(idle, 3u);
}

INSTANTIATE_TEST_SUITE_P(Captured, Http2IdleConnection,
                         ::testing::Values(Http2Capture{"go1.26-h2c.debug2.txt", 31, 29, 33},
                                           Http2Capture{"go1.27-h2c.debug2.txt", 31, 29, 33},
                                           Http2Capture{"xnet-h2c.debug2.txt", 10, 8, 13}),
                         [](const auto& info) {
                           std::string name = info.param.file;
                           name = name.substr(0, name.find('.', name.find('-')));
                           std::erase_if(name, [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); });
                           return name;
                         });

// A check that compares counts per stack (a cut dump) sees stacks without
// states: an idle connection's stack is still one.
TEST(IdleConnection, AStackWithoutAStateIsJudgedByItsFrames) {
  const Snapshot s = parse_dump(test::read_file(test::fixture("go1.26-keepalive.debug2.txt")));
  Goroutine unknown = *s.find(26);
  unknown.state = "unknown";
  EXPECT_EQ(classify_idle_connection(unknown), IdleConnection::server_awaiting_request);
  Goroutine serving = *s.find(7);
  serving.state = "unknown";
  EXPECT_EQ(classify_idle_connection(serving), IdleConnection::none);
}

TEST(IdleConnection, SeedLeaksAreNotIdleConnections) {
  const Snapshot s = parse_dump(test::read_file(test::fixture("go1.26-leakyservice.debug2.txt")));
  for (const Goroutine& g : s.goroutines) {
    EXPECT_EQ(classify_idle_connection(g), IdleConnection::none) << "goroutine " << g.id;
  }
}

TEST(IdleConnection, ARunningReadLoopIsNotIdle) {
  const Snapshot s = parse_dump(
      "goroutine 5 [running]:\nnet/http.(*persistConn).readLoop(0x1)\n\t/go/src/net/http/transport.go:1 +0x1\n");
  EXPECT_EQ(classify_idle_connection(s.goroutines[0]), IdleConnection::none);
}

}  // namespace
}  // namespace goleakcheck
