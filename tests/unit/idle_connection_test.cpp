// Idle kept-alive connections, on a dump captured after an outbound call
// through a kept-alive client (examples/leakyservice /outbound).
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
