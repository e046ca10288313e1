// Where a program's pprof endpoint lives, and fetching from it over HTTP.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace goleakcheck {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;

  // "http://host:port", no trailing slash.
  std::string url() const;
  // "host:port".
  std::string address() const;

  // Accepts "http://host:port", "http://host:port/" and "host:port". Throws
  // Error(ErrorKind::usage) for anything else (https, a path, no port).
  static Endpoint parse(std::string_view url);
};

struct FetchLimits {
  // The whole request, connect to last byte: a server that trickles bytes
  // is cut off here, not only one that stalls.
  std::chrono::milliseconds deadline{std::chrono::seconds(30)};
  std::size_t max_bytes = std::size_t{256} << 20;
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

// An HTTP client for one endpoint that keeps its connection open between
// requests. That matters for leak checks: the server goroutine serving a
// kept-alive connection is the same one from the baseline on, so repeated
// snapshots leave no connection goroutines of their own behind.
class HttpClient {
 public:
  explicit HttpClient(Endpoint endpoint);
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  ~HttpClient();

  const Endpoint& endpoint() const;

  // GET `path`. Throws Error(ErrorKind::snapshot_failed) when the request
  // fails, passes the deadline or the body passes max_bytes; any HTTP status
  // is returned, not thrown.
  HttpResponse get(std::string_view path, const FetchLimits& limits);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// GET /debug/pprof/goroutine?debug=2: the text of every goroutine's stack.
// Throws Error(ErrorKind::snapshot_failed) as HttpClient::get does, and
// when the answer is not 200.
std::string fetch_goroutine_dump(HttpClient& client, const FetchLimits& limits);

// Polls GET /debug/pprof/ until it answers 200. Between polls it calls
// `check_alive`, which throws when the program has exited. Throws
// Error(ErrorKind::no_pprof) when the server answers but not with 200, and
// Error(ErrorKind::not_ready) when nothing answers within `timeout`.
void wait_for_pprof(const Endpoint& endpoint, std::chrono::milliseconds timeout,
                    const std::function<void()>& check_alive = {});

// Picks a loopback TCP port that is free right now.
std::uint16_t pick_free_port();

}  // namespace goleakcheck
