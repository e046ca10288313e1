#include "goleakcheck/idle_connection.hpp"

namespace goleakcheck {

IdleConnection classify_idle_connection(const Goroutine& g) {
  if (!g.blocked() || g.frames.empty()) return IdleConnection::none;
  // The goroutine's own function is its outermost frame.
  const std::string_view entry = g.frames.back().function;
  if (entry == "net/http.(*persistConn).readLoop") return IdleConnection::client_read_loop;
  if (entry == "net/http.(*persistConn).writeLoop") return IdleConnection::client_write_loop;
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
    case IdleConnection::none: break;
  }
  return "not an idle connection";
}

}  // namespace goleakcheck
