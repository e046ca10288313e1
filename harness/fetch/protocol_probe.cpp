#include "fetch/protocol_probe.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string_view>

namespace goleakcheck::detail {

namespace {

// Sends `request` on a new connection and returns the first bytes that come
// back within `timeout`, or empty (refused, reset, closed, silent).
std::string exchange(const Endpoint& endpoint, std::string_view request, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(endpoint.host.c_str(), std::to_string(endpoint.port).c_str(), &hints, &found) != 0) return {};
  std::string answer;
  const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && ::connect(fd, found->ai_addr, found->ai_addrlen) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    pollfd readable{fd, POLLIN, 0};
    char buffer[256];
    if (::poll(&readable, 1, static_cast<int>(timeout.count())) == 1) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n > 0) answer.assign(buffer, static_cast<std::size_t>(n));
    }
  }
  if (fd >= 0) ::close(fd);
  ::freeaddrinfo(found);
  return answer;
}

}  // namespace

std::string_view tls_only_advice() {
  return "it serves HTTPS (TLS), and goleakcheck reads pprof over plain HTTP on loopback: serve net/http/pprof on a "
         "plain-HTTP loopback listener of its own";
}

bool looks_like_tls(std::string_view answer) {
  return answer.starts_with("\x15\x03") || answer.find("HTTP request to an HTTPS server") != std::string_view::npos;
}

std::string describe_other_protocol(const Endpoint& endpoint, std::chrono::milliseconds timeout) {
  const std::string http1 =
      exchange(endpoint, "GET /debug/pprof/ HTTP/1.1\r\nHost: " + endpoint.address() + "\r\n\r\n", timeout);
  if (looks_like_tls(http1)) return std::string(tls_only_advice());
  if (http1.starts_with("HTTP/")) return {};
  // The HTTP/2 client preface and an empty SETTINGS frame: a server that
  // speaks HTTP/2 answers with a SETTINGS frame of its own (type 4).
  constexpr std::string_view kPreface("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0", 33);
  const std::string h2 = exchange(endpoint, kPreface, timeout);
  if (h2.size() >= 9 && h2[3] == '\x04') {
    return "it speaks HTTP/2 without TLS (h2c) only, and goleakcheck speaks HTTP/1.1: let the pprof listener accept "
           "HTTP/1 too (in Go, leave http.Server's Protocols unset, or call SetHTTP1(true))";
  }
  return {};
}

}  // namespace goleakcheck::detail
