#include "goleakcheck/idle_connection.hpp"

#include <array>
#include <string_view>

namespace goleakcheck {

namespace {

// HTTP/2 lives in three places, with the same type names in each: bundled
// into net/http with an "http2" prefix (Go 1.6 to 1.26), in
// net/http/internal/http2 (Go 1.27), and in golang.org/x/net/http2.
constexpr std::array<std::string_view, 3> kHttp2Packages = {"net/http.(*http2", "net/http/internal/http2.(*",
                                                            "golang.org/x/net/http2.(*"};

bool is_http2(std::string_view function, std::string_view method) {
  for (std::string_view package : kHttp2Packages) {
    if (function.size() == package.size() + method.size() && function.starts_with(package) &&
        function.ends_with(method)) {
      return true;
    }
  }
  return false;
}

// The first frame outside the runtime: where the goroutine itself waits.
std::string_view waiting_function(const Goroutine& g) {
  for (const Frame& f : g.frames) {
    if (!f.function.starts_with("runtime.")) return f.function;
  }
  return {};
}

}  // namespace

IdleConnection classify_idle_connection(const Goroutine& g) {
  // A stack from a debug=1 profile has no state ("unknown"): there its frames
  // alone decide, as they do for a check that compares counts per stack.
  if ((!g.blocked() && g.state != "unknown") || g.frames.empty()) return IdleConnection::none;
  // The goroutine's own function is its outermost frame.
  const std::string_view entry = g.frames.back().function;
  if (entry == "net/http.(*persistConn).readLoop") return IdleConnection::client_read_loop;
  if (entry == "net/http.(*persistConn).writeLoop") return IdleConnection::client_write_loop;
  if (is_http2(entry, "ClientConn).readLoop")) return IdleConnection::http2_client_read_loop;
  if (is_http2(entry, "serverConn).readFrames")) return IdleConnection::http2_server_frame_reader;
  // An HTTP/2 server connection's loop waits in one select for frames,
  // handlers and timers, idle or not: a stuck handler is a goroutine of its
  // own. It runs inside whatever accepted the connection (net/http's h2c,
  // TLS, or x/net's h2c handler), so it is found where it waits.
  if (is_http2(waiting_function(g), "serverConn).serve")) return IdleConnection::http2_server_connection;
  if (entry == "net/http.(*conn).serve" && g.frames.size() >= 2) {
    // Between requests the server peeks for the next one, or reads its
    // header; inside a request, the handler's frames stand here instead.
    const std::string_view callee = g.frames[g.frames.size() - 2].function;
    if (callee == "bufio.(*Reader).Peek" || callee == "net/http.(*conn).readRequest") {
      return IdleConnection::server_awaiting_request;
    }
  }
  return IdleConnection::none;
}

std::string_view describe(IdleConnection kind) {
  switch (kind) {
    case IdleConnection::client_read_loop: return "client read loop";
    case IdleConnection::client_write_loop: return "client write loop";
    case IdleConnection::server_awaiting_request: return "server awaiting request";
    case IdleConnection::http2_client_read_loop: return "HTTP/2 client read loop";
    case IdleConnection::http2_server_connection: return "HTTP/2 server connection";
    case IdleConnection::http2_server_frame_reader: return "HTTP/2 server frame reader";
    case IdleConnection::none: break;
  }
  return "not an idle connection";
}

}  // namespace goleakcheck
