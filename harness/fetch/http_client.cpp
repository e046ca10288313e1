#include "goleakcheck/http_client.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include "common/backoff.hpp"
#include "goleakcheck/duration.hpp"
#include "goleakcheck/error.hpp"

namespace goleakcheck {

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
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + limits.deadline;
  const std::string url = impl_->endpoint.url() + std::string(path);
  httplib::Client& client = impl_->client;
  // cpp-httplib's timeouts apply to each socket operation; the overall
  // deadline is enforced in the content receiver below.
  client.set_connection_timeout(limits.deadline);
  client.set_read_timeout(limits.deadline);
  client.set_write_timeout(limits.deadline);

  HttpResponse response;
  std::size_t received = 0;
  bool past_deadline = false;
  auto result = client.Get(
      std::string(path),
      [&](const httplib::Response& head) {
        response.status = head.status;
        response.content_type = head.get_header_value("Content-Type");
        return true;
      },
      [&](const char* data, std::size_t size) {
        if (Clock::now() > deadline) {
          past_deadline = true;
          return false;
        }
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

  if (response.cut) return response;
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

void wait_for_pprof(const Endpoint& endpoint, std::chrono::milliseconds timeout,
                    const std::function<void()>& check_alive) {
  detail::Backoff backoff(timeout, std::chrono::milliseconds(5), std::chrono::milliseconds(100));
  while (true) {
    if (check_alive) check_alive();
    if (backoff.expired()) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(backoff.remaining());
    httplib::Client probe(endpoint.host, endpoint.port);
    probe.set_connection_timeout(std::min(left, std::chrono::milliseconds(500)));
    probe.set_read_timeout(left);
    if (auto result = probe.Get("/debug/pprof/")) {
      if (result->status == 200) return;
      throw Error(ErrorKind::no_pprof,
                  fmt::format("{}/debug/pprof/ answered HTTP {}: the program serves HTTP but not pprof; register "
                              "net/http/pprof's handlers on a loopback listener (README: \"Enable pprof safely\")",
                              endpoint.url(), result->status));
    }
    backoff.sleep();
  }
  if (check_alive) check_alive();
  throw Error(ErrorKind::not_ready,
              fmt::format("nothing answered at {}/debug/pprof/ within {}; make the program listen on the address the "
                          "harness gives it ({{addr}} in its arguments, or $GOLEAKCHECK_ADDR)",
                          endpoint.url(), format_duration(timeout)));
}

}  // namespace goleakcheck
