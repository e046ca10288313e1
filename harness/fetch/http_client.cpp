#include "goleakcheck/http_client.hpp"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "common/backoff.hpp"
#include "fetch/protocol_probe.hpp"
#include "goleakcheck/duration.hpp"
#include "goleakcheck/error.hpp"

namespace goleakcheck {

namespace {

using Clock = std::chrono::steady_clock;

// Stops a request that passes its deadline, whatever it waits for: the
// connection, headers trickled a byte at a time, a chunk-size line. Socket
// timeouts fire only on silence, never on a steady trickle; this fires on
// the clock. httplib's stop() may be called from another thread while a
// request runs: it shuts the socket down and the request fails at once.
class Watchdog {
 public:
  Watchdog(httplib::Client& client, Clock::time_point deadline)
      : thread_([this, &client, deadline] {
          std::unique_lock lock(mutex_);
          if (!woken_.wait_until(lock, deadline, [this] { return done_; })) {
            fired_ = true;
            client.stop();
          }
        }) {}
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog() { finish(); }

  // Ends the watch; true when the deadline had passed and the request was stopped.
  bool finish() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    woken_.notify_one();
    if (thread_.joinable()) thread_.join();
    return fired_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable woken_;
  bool done_ = false;
  bool fired_ = false;
  std::thread thread_;  // last: started once the rest is ready
};

}  // namespace

struct HttpClient::Impl {
  Impl(Endpoint e) : endpoint(std::move(e)), client(endpoint.host, endpoint.port) { client.set_keep_alive(true); }
  Endpoint endpoint;
  httplib::Client client;
};

HttpClient::HttpClient(Endpoint endpoint) : impl_(std::make_unique<Impl>(std::move(endpoint))) {}
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

const Endpoint& HttpClient::endpoint() const { return impl_->endpoint; }

HttpResponse HttpClient::get(std::string_view path, const FetchLimits& limits, const BodyReceiver& receive) {
  const auto deadline = Clock::now() + limits.deadline;
  const std::string url = impl_->endpoint.url() + std::string(path);
  httplib::Client& client = impl_->client;
  // cpp-httplib's timeouts apply to each socket operation; the overall
  // deadline is the watchdog's.
  client.set_connection_timeout(limits.deadline);
  client.set_read_timeout(limits.deadline);
  client.set_write_timeout(limits.deadline);

  HttpResponse response;
  std::size_t received = 0;
  Watchdog watchdog(client, deadline);
  const auto get = [&] {
    return client.Get(
      std::string(path),
      [&](const httplib::Response& head) {
        response.status = head.status;
        response.content_type = head.get_header_value("Content-Type");
        response.version = head.version;
        response.length_unknown = !head.has_header("Content-Length") &&
                                  head.get_header_value("Transfer-Encoding").find("chunked") == std::string::npos;
        return true;
      },
      [&](const char* data, std::size_t size) {
        const std::size_t room = limits.max_bytes - received;
        const std::size_t taken = std::min(size, room);
        received += taken;
        if (response.head.size() < HttpResponse::kHeadBytes) {
          response.head.append(data, std::min(taken, HttpResponse::kHeadBytes - response.head.size()));
        }
        if (response.status == 200) receive(std::string_view(data, taken));
        if (taken < size || received == limits.max_bytes) {
          response.cut = true;
          return false;
        }
        return true;
      });
  };
  auto result = get();
  // A kept-alive connection the server closed in between (an idle timeout,
  // a restart) fails before any answer: once, try again on a new one.
  if (!result && response.status == 0 && received == 0 && Clock::now() < deadline) {
    client.stop();
    result = get();
  }

  const bool past_deadline = watchdog.finish();
  if (response.cut && !past_deadline) return response;
  if (past_deadline || (!result && Clock::now() > deadline)) {
    throw Error(ErrorKind::snapshot_failed,
                fmt::format("GET {} did not finish within {} ms; the program may be overloaded or stopped in a debugger",
                            url, limits.deadline.count()));
  }
  if (!result) {
    throw Error(ErrorKind::snapshot_failed,
                fmt::format("GET {} failed: {}", url, httplib::to_string(result.error())));
  }
  return response;
}

HttpResponse fetch_pprof(HttpClient& client, std::string_view path, const FetchLimits& limits,
                         const BodyReceiver& receive) {
  HttpResponse response = client.get(path, limits, receive);
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
// server may trickle its answer). An answer is read up to 1 MiB and
// dropped. Returns false when time ran out; `last` holds the last answer.
template <class Answered>
bool poll_until_answered(const Endpoint& endpoint, std::string_view path, std::chrono::milliseconds timeout,
                         const std::function<void()>& check_alive, std::optional<HttpResponse>& last,
                         Answered&& answered) {
  constexpr std::size_t kProbeBytes = std::size_t{1} << 20;
  // Probes a few ms apart at most: a refused connection costs little, and
  // a program is seen ready within 5 ms of its listener, not up to 100 ms
  // later (every launch waits for it).
  detail::Backoff backoff(timeout, std::chrono::milliseconds(1), std::chrono::milliseconds(5));
  while (true) {
    if (check_alive) check_alive();
    if (backoff.expired()) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(backoff.remaining());
    HttpClient probe(endpoint);
    try {
      last = probe.get(path, FetchLimits{std::max(left, std::chrono::milliseconds(1)), kProbeBytes},
                       [](std::string_view) {});
      if (answered(*last)) return true;
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::snapshot_failed) throw;
      // Refused, reset or too slow: not ready yet.
    }
    backoff.sleep();
  }
}

}  // namespace

void wait_for_pprof(const Endpoint& endpoint, std::chrono::milliseconds timeout,
                    const std::function<void()>& check_alive) {
  std::optional<HttpResponse> last;
  const bool answered = poll_until_answered(endpoint, "/debug/pprof/", timeout, check_alive, last,
                                            [&](const HttpResponse& answer) {
    if (answer.status == 200) return true;
    if (detail::looks_like_tls(answer.head)) {
      throw Error(ErrorKind::no_pprof,
                  fmt::format("{}/debug/pprof/ answered HTTP {}: {}", endpoint.url(), answer.status,
                              detail::tls_only_advice()));
    }
    throw Error(ErrorKind::no_pprof,
                fmt::format("{}/debug/pprof/ answered HTTP {}: the program serves HTTP but not pprof; register "
                            "net/http/pprof's handlers on a loopback listener (README: \"Enable pprof safely\")",
                            endpoint.url(), answer.status));
  });
  if (answered) return;
  if (check_alive) check_alive();
  if (const std::string other = detail::describe_other_protocol(endpoint, std::chrono::milliseconds(500));
      !other.empty()) {
    throw Error(ErrorKind::no_pprof, fmt::format("{} gave no HTTP/1.1 answer within {}: {}", endpoint.url(),
                                                 format_duration(timeout), other));
  }
  throw Error(ErrorKind::not_ready,
              fmt::format("nothing answered at {}/debug/pprof/ within {}; make the program listen on the address the "
                          "harness gives it ({{addr}} in its arguments, or $GOLEAKCHECK_ADDR)",
                          endpoint.url(), format_duration(timeout)));
}

void wait_for_ready_url(const Endpoint& endpoint, std::string_view path, Clock::time_point ready_by,
                        const std::function<void()>& check_alive) {
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
