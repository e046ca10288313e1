// Idle kept-alive HTTP connections: not leaks by themselves.
//
// net/http keeps a connection open between requests, with goroutines parked
// on it: the client's read and write loops, and the server's wait for the
// next request. HTTP/2 connections (h2c or TLS; net/http's own HTTP/2 on
// every release, and golang.org/x/net/http2) park a client read loop, and a
// server connection loop with its frame reader. They are expected after any scenario that made a call, so
// checks count them apart from leaks. They become a leak when they grow
// with the work done (a new http.Transport per request, say): that is for a
// check across repetitions to see, and this classification is what it uses.
#pragma once

#include <string_view>

#include "goleakcheck/goroutine.hpp"

namespace goleakcheck {

enum class IdleConnection {
  none,
  client_read_loop,         // net/http.(*persistConn).readLoop
  client_write_loop,        // net/http.(*persistConn).writeLoop
  server_awaiting_request,  // net/http.(*conn).serve waiting for the next request
  http2_client_read_loop,     // (*ClientConn).readLoop
  http2_server_connection,    // (*serverConn).serve, waiting in its select
  http2_server_frame_reader,  // (*serverConn).readFrames
};

// O(frames), no allocation.
IdleConnection classify_idle_connection(const Goroutine& g);

// "client read loop", "client write loop", "server awaiting request".
std::string_view describe(IdleConnection kind);

}  // namespace goleakcheck
