// Fetching from a pprof endpoint over HTTP: one kept-alive connection, an
// overall deadline and a size cap per request, bodies streamed.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "goleakcheck/endpoint.hpp"

namespace goleakcheck {

struct FetchLimits {
  // The whole request, connect to last byte: a server that trickles bytes
  // is cut off here, not only one that stalls.
  std::chrono::milliseconds deadline{std::chrono::seconds(30)};
  // Reading stops here and the body counts as cut, as the runtime's own
  // dump stops at its 64 MiB cap.
  std::size_t max_bytes = std::size_t{256} << 20;
};

// Receives a response body chunk by chunk, as it arrives.
using BodyReceiver = std::function<void(std::string_view chunk)>;

// What a GET gave besides its body.
struct HttpResponse {
  int status = 0;
  bool cut = false;          // reading stopped at FetchLimits::max_bytes
  // Neither a Content-Length nor chunked encoding: the body ends where the
  // connection closed (HTTP/1.0 style), so a body cut short cannot be told
  // from a whole one. fetch_pprof refuses such answers.
  bool length_unknown = false;
  std::string version;       // "HTTP/1.1", as the server said it
  std::string content_type;  // as the server said it, or empty
  std::string head;          // the body's first bytes (up to kHeadBytes), for error messages

  static constexpr std::size_t kHeadBytes = 64;
};

// An HTTP client for one endpoint that keeps its connection open between
// requests. That matters for leak checks: the server goroutine serving a
// kept-alive connection is the same one from the baseline on, so repeated
// snapshots leave no connection goroutines of their own behind.
//
// Not thread-safe: one connection, one request at a time; use one client per
// thread. A request takes at most FetchLimits::deadline.
class HttpClient {
 public:
  explicit HttpClient(Endpoint endpoint);
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  ~HttpClient();

  const Endpoint& endpoint() const;

  // GET `path`, handing a 200 answer's body to `receive` as it arrives
  // rather than holding it (any other answer's body is dropped). Throws
  // Error(ErrorKind::snapshot_failed) when the request fails or passes the
  // deadline; any HTTP status is returned, not thrown.
  // `while_waiting`, when given, is called once the request is sent and
  // before its answer is read, on this thread: the caller's own work then
  // overlaps the server's. What it throws closes the connection and passes
  // on; its time counts against the deadline.
  HttpResponse get(std::string_view path, const FetchLimits& limits, const BodyReceiver& receive,
                   const std::function<void()>& while_waiting = {});

  // Connects now unless connected, within `deadline`: true once the
  // endpoint accepted the connection (something listens there), false when
  // it was refused or the deadline passed. get() connects by itself; this
  // tells "listening" from "answering" at the cost of a connect alone.
  bool connect(std::chrono::milliseconds deadline);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Every goroutine with its id, state and stack (read by parse_dump), and
// the same grouped by stack with counts (read by parse_profile).
inline constexpr std::string_view kGoroutineDumpPath = "/debug/pprof/goroutine?debug=2";
inline constexpr std::string_view kGoroutineProfilePath = "/debug/pprof/goroutine?debug=1";

// GET a pprof `path`, streaming its body to `receive`. Throws
// Error(ErrorKind::snapshot_failed) as HttpClient::get does, and when the
// answer is not 200; Error(ErrorKind::incomplete) when it has no length.
// `while_waiting` as in HttpClient::get.
HttpResponse fetch_pprof(HttpClient& client, std::string_view path, const FetchLimits& limits,
                         const BodyReceiver& receive, const std::function<void()>& while_waiting = {});

// "text/html; charset=utf-8, starting '<!DOCTYPE html>\n<html>…'": what came
// back, for an error that says it was not what was asked for.
std::string describe_answer(const HttpResponse& response);

// What the program answered when it first served pprof: the connection
// it answered on, still open, and the debug=1 goroutine profile it sent
// (empty when it was cut off or had no length). A Checker adopts both
// (Checker::adopt): its baseline starts from the profile instead of asking
// for it again, a millisecond later.
struct ReadyAnswer {
  HttpClient connection;
  std::string goroutine_profile;
};

// Polls GET /debug/pprof/goroutine?debug=1 until it answers 200. Between
// polls it calls `check_alive`, which throws when the program has exited.
// Connection attempts come 250 us apart for the first 100 ms (a refused
// one costs a few microseconds; the program is seen soon after it starts
// listening), 1 ms apart after that.
// `while_answering`, when given, is called on this thread each time a
// probe's connection was accepted and its request sent, before the answer
// is read: work that needs the listener (who owns the port) overlaps the
// program's first answer. What it throws passes on.
// Throws Error(ErrorKind::no_pprof) when the server answers but not with
// 200, and Error(ErrorKind::not_ready) when nothing answers within
// `timeout`.
ReadyAnswer wait_for_pprof(const Endpoint& endpoint, std::chrono::milliseconds timeout,
                           const std::function<void()>& check_alive = {},
                           const std::function<void()>& while_answering = {});

// Polls GET `path` (the program's own health endpoint, "/healthz") until it
// answers 2xx: any other answer means "not ready yet". `ready_by` is the
// deadline of the whole wait for readiness, pprof's included, so that one
// --ready-timeout bounds both. Throws Error(ErrorKind::not_ready) with the
// last answer's status when it passes, and whatever `check_alive` throws.
// `ready` is wait_for_pprof's answer, from the same endpoint: its profile
// is dropped, since it counted a program not ready yet.
void wait_for_ready_url(ReadyAnswer& ready, std::string_view path, std::chrono::steady_clock::time_point ready_by,
                        const std::function<void()>& check_alive = {});

// The goroutineleak profile (Go 1.27; 1.26 with
// GOEXPERIMENT=goroutineleakprofile): every goroutine, as in
// kGoroutineDumpPath, with the ones the garbage collector proved leaked
// marked " (leaked)". Each request runs a garbage collection.
inline constexpr std::string_view kGoroutineLeakDumpPath = "/debug/pprof/goroutineleak?debug=2";

}  // namespace goleakcheck
