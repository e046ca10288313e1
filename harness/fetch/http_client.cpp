#include "goleakcheck/http_client.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>

#include "common/backoff.hpp"
#include "fetch/protocol_probe.hpp"
#include "goleakcheck/duration.hpp"
#include "goleakcheck/error.hpp"

namespace goleakcheck {

namespace {

using Clock = std::chrono::steady_clock;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;

// The request passed its deadline: the socket is closed under it.
struct PastDeadline {};

}  // namespace

// Boost.Beast over Asio, header-only: plain HTTP/1.1 to a pprof endpoint
// needs no TLS or compression libraries loaded into every process. Each
// operation is asynchronous and run until the request's deadline, so the
// deadline holds whatever the server does: refuse, stall, or trickle a byte
// at a time.
struct HttpClient::Impl {
  // Beast reads as much as the buffer has room for, and at least 512
  // bytes: with room for 64 KiB, a dump comes in 64 KiB reads, not 512.
  explicit Impl(Endpoint e) : endpoint(std::move(e)) { buffer.reserve(64 * 1024); }

  Endpoint endpoint;
  asio::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;  // bytes read past the last answer
  Clock::time_point deadline;

  // Runs the operation `start` begins until it completes or the deadline
  // passes (then PastDeadline, the connection closed). `start` gets the
  // completion handler.
  template <class Start>
  ErrorCode await(Start&& start) {
    std::optional<ErrorCode> result;
    start([&](ErrorCode ec, auto&&...) { result = ec; });
    io.restart();
    io.run_until(deadline);
    if (result) return *result;
    close();
    io.restart();
    io.run();  // the aborted operation's handler
    throw PastDeadline{};
  }

  void close() {
    ErrorCode ignored;
    socket.close(ignored);
    buffer.clear();
  }

  ErrorCode connect() {
    ErrorCode ec;
    const asio::ip::address address = asio::ip::make_address(endpoint.host, ec);
    if (!ec) {
      return await([&](auto handler) { socket.async_connect(tcp::endpoint(address, endpoint.port), handler); });
    }
    tcp::resolver resolver(io);  // a name: "localhost"
    const tcp::resolver::results_type found = resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
    if (ec) return ec;
    return await([&](auto handler) { asio::async_connect(socket, found, handler); });
  }
};

HttpClient::HttpClient(Endpoint endpoint) : impl_(std::make_unique<Impl>(std::move(endpoint))) {}
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

const Endpoint& HttpClient::endpoint() const { return impl_->endpoint; }

bool HttpClient::connect(std::chrono::milliseconds deadline) {
  Impl& c = *impl_;
  if (c.socket.is_open()) return true;
  c.deadline = Clock::now() + deadline;
  try {
    if (c.connect()) {
      c.close();  // a failed connect leaves the socket it opened open
      return false;
    }
  } catch (const PastDeadline&) {
    return false;
  }
  return true;
}

HttpResponse HttpClient::get(std::string_view path, const FetchLimits& limits, const BodyReceiver& receive,
                             const std::function<void()>& while_waiting) {
  Impl& c = *impl_;
  c.deadline = Clock::now() + limits.deadline;
  const std::string url = c.endpoint.url() + std::string(path);
  const auto failed = [&](const ErrorCode& ec) {
    c.close();
    return Error(ErrorKind::snapshot_failed, fmt::format("GET {} failed: {}", url, ec.message()));
  };
  http::request<http::empty_body> request{http::verb::get, std::string(path), 11};
  request.set(http::field::host, c.endpoint.address());
  request.set(http::field::user_agent, "goleakcheck");
  request.keep_alive(true);

  HttpResponse response;
  try {
    std::optional<http::response_parser<http::buffer_body>> reading;
    bool while_waiting_called = false;  // once, though the request may be sent twice
    for (int attempt = 1;; ++attempt) {
      reading.emplace();
      reading->body_limit(std::numeric_limits<std::uint64_t>::max());  // the size cap is ours: a cut is not an error
      // A kept-alive connection the server closed in between (an idle
      // timeout, a restart) fails before any answer: once, try again on a
      // new one.
      const bool reused = c.socket.is_open();
      if (!reused) {
        if (const ErrorCode ec = c.connect()) throw failed(ec);
      }
      ErrorCode ec = c.await([&](auto handler) { http::async_write(c.socket, request, handler); });
      if (!ec && while_waiting && !while_waiting_called) {
        while_waiting_called = true;
        try {
          while_waiting();
        } catch (...) {
          c.close();  // its answer will not be read
          throw;
        }
      }
      if (!ec) ec = c.await([&](auto handler) { http::async_read_header(c.socket, c.buffer, *reading, handler); });
      if (!ec) break;
      if (!reused || attempt > 1) throw failed(ec);
      c.close();
    }
    http::response_parser<http::buffer_body>& parser = *reading;
    const auto& head = parser.get();
    response.status = static_cast<int>(head.result_int());
    response.version = fmt::format("HTTP/{}.{}", head.version() / 10, head.version() % 10);
    response.content_type = std::string(head[http::field::content_type]);
    response.length_unknown = !parser.chunked() && !parser.content_length();

    std::array<char, 64 * 1024> chunk;
    std::size_t received = 0;
    while (!parser.is_done()) {
      parser.get().body().data = chunk.data();
      parser.get().body().size = chunk.size();
      ErrorCode ec = c.await([&](auto handler) { http::async_read_some(c.socket, c.buffer, parser, handler); });
      if (ec == http::error::need_buffer) ec = {};
      const std::size_t size = chunk.size() - parser.get().body().size;
      const std::size_t taken = std::min(size, limits.max_bytes - received);
      received += taken;
      if (response.head.size() < HttpResponse::kHeadBytes) {
        response.head.append(chunk.data(), std::min(taken, HttpResponse::kHeadBytes - response.head.size()));
      }
      if (response.status == 200 && taken > 0) receive(std::string_view(chunk.data(), taken));
      if (taken < size || received == limits.max_bytes) {
        response.cut = true;
        c.close();  // the rest of the answer is still coming: this connection is spent
        return response;
      }
      if (ec == http::error::end_of_stream && parser.is_done()) break;
      if (ec) throw failed(ec);
    }
    if (!parser.keep_alive()) c.close();
  } catch (const PastDeadline&) {
    throw Error(ErrorKind::snapshot_failed,
                fmt::format("GET {} did not finish within {} ms; the program may be overloaded or stopped in a debugger",
                            url, limits.deadline.count()));
  }
  return response;
}

HttpResponse fetch_pprof(HttpClient& client, std::string_view path, const FetchLimits& limits,
                         const BodyReceiver& receive, const std::function<void()>& while_waiting) {
  HttpResponse response = client.get(path, limits, receive, while_waiting);
  if (response.status != 200) {
    throw Error(ErrorKind::snapshot_failed, fmt::format("{}{} answered HTTP {}; is net/http/pprof registered?",
                                                        client.endpoint().url(), path, response.status));
  }
  if (response.length_unknown && !response.cut) {
    throw Error(ErrorKind::incomplete,
                fmt::format("{}{} answered {} 200 with neither a Content-Length nor chunked encoding, so an answer "
                            "cut short cannot be told from a whole one; Go's net/http always sends one: is a proxy "
                            "or another server answering?",
                            client.endpoint().url(), path, response.version.empty() ? "HTTP" : response.version));
  }
  return response;
}

std::string describe_answer(const HttpResponse& response) {
  std::string start;
  for (const char c : response.head) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      start += "\\n";
    } else if (byte < 0x20 || byte >= 0x7f) {
      start += fmt::format("\\x{:02x}", byte);
    } else {
      start += c;
    }
  }
  return fmt::format("{}, {}", response.content_type.empty() ? "no Content-Type" : response.content_type,
                     start.empty() ? std::string("with an empty body") : fmt::format("starting '{}'", start));
}

namespace {

// Polls GET `path` until `answered` says an answer will do (it may throw on
// one that never will), within `timeout` in all, each probe included (a
// server may trickle its answer). A refused connection is tried again
// 250 us later for the first 100 ms, then every 1 ms: it costs a connect
// alone, and every launch waits for the program's listener, which a Go
// program opens a few ms after its start. A connection that got no answer
// is tried again 1 ms later. An answer is read up to 1 MiB; a 200 one's
// body into `body`, when given. `while_answering` goes to HttpClient::get.
// Returns the connection the answer came on, still open, or nullopt when
// time ran out; `last` holds the last answer.
template <class Answered>
std::optional<HttpClient> poll_until_answered(const Endpoint& endpoint, std::string_view path,
                                              std::chrono::milliseconds timeout,
                                              const std::function<void()>& check_alive,
                                              std::optional<HttpResponse>& last, Answered&& answered,
                                              std::string* body = nullptr,
                                              const std::function<void()>& while_answering = {}) {
  constexpr std::size_t kProbeBytes = std::size_t{1} << 20;
  constexpr auto kFastPolls = std::chrono::milliseconds(100);
  constexpr auto kFastPause = std::chrono::microseconds(250);
  const auto fast_until = Clock::now() + kFastPolls;
  detail::Backoff backoff(timeout, std::chrono::milliseconds(1), std::chrono::milliseconds(1));
  HttpClient probe(endpoint);  // one client for every probe: a refused connect reuses its sockets' machinery
  while (true) {
    if (check_alive) check_alive();
    if (backoff.expired()) return std::nullopt;
    const auto left =
        std::max(std::chrono::ceil<std::chrono::milliseconds>(backoff.remaining()), std::chrono::milliseconds(1));
    if (!probe.connect(left)) {
      if (Clock::now() < fast_until) {
        std::this_thread::sleep_for(kFastPause);
      } else {
        backoff.sleep();
      }
      continue;
    }
    try {
      if (body) body->clear();
      last = probe.get(path, FetchLimits{left, kProbeBytes}, [&](std::string_view chunk) {
        if (body) body->append(chunk);
      }, while_answering);
      if (answered(*last)) return probe;
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::snapshot_failed) throw;
      // Reset or too slow: not ready yet.
    }
    backoff.sleep();
  }
}

}  // namespace

ReadyAnswer wait_for_pprof(const Endpoint& endpoint, std::chrono::milliseconds timeout,
                           const std::function<void()>& check_alive, const std::function<void()>& while_answering) {
  const std::string url = endpoint.url() + std::string(kGoroutineProfilePath);
  std::optional<HttpResponse> last;
  std::string profile;
  std::optional<HttpClient> answered =
      poll_until_answered(endpoint, kGoroutineProfilePath, timeout, check_alive, last,
                          [&](const HttpResponse& answer) {
    if (answer.status == 200) return true;
    if (detail::looks_like_tls(answer.head)) {
      throw Error(ErrorKind::no_pprof, fmt::format("{} answered HTTP {}: {}", url, answer.status,
                                                   detail::tls_only_advice()));
    }
    throw Error(ErrorKind::no_pprof,
                fmt::format("{} answered HTTP {}: the program serves HTTP but not pprof; register "
                            "net/http/pprof's handlers on a loopback listener (README: \"Enable pprof safely\")",
                            url, answer.status));
  }, &profile, while_answering);
  if (answered) {
    // An answer cut at the probe's size cap, or with no length to tell, is
    // no whole profile: the checker asks again.
    if (last->cut || last->length_unknown) profile.clear();
    return ReadyAnswer{std::move(*answered), std::move(profile)};
  }
  if (check_alive) check_alive();
  if (const std::string other = detail::describe_other_protocol(endpoint, std::chrono::milliseconds(500));
      !other.empty()) {
    throw Error(ErrorKind::no_pprof, fmt::format("{} gave no HTTP/1.1 answer within {}: {}", endpoint.url(),
                                                 format_duration(timeout), other));
  }
  throw Error(ErrorKind::not_ready,
              fmt::format("nothing answered at {} within {}; make the program listen on the address the "
                          "harness gives it ({{addr}} in its arguments, or $GOLEAKCHECK_ADDR)",
                          url, format_duration(timeout)));
}

void wait_for_ready_url(ReadyAnswer& ready, std::string_view path, Clock::time_point ready_by,
                        const std::function<void()>& check_alive) {
  ready.goroutine_profile.clear();
  const Endpoint& endpoint = ready.connection.endpoint();
  const auto timeout =
      std::max(std::chrono::duration_cast<std::chrono::milliseconds>(ready_by - Clock::now()), std::chrono::milliseconds(1));
  std::optional<HttpResponse> last;
  if (poll_until_answered(endpoint, path, timeout, check_alive, last,
                          [](const HttpResponse& answer) { return answer.status >= 200 && answer.status < 300; })) {
    return;
  }
  if (check_alive) check_alive();
  throw Error(ErrorKind::not_ready,
              fmt::format("{}{} did not answer 2xx within {} ({}); raise --ready-timeout, or check the --ready-url path",
                          endpoint.url(), path, format_duration(timeout),
                          last ? fmt::format("its last answer was HTTP {}", last->status) : std::string("it never answered")));
}

}  // namespace goleakcheck
