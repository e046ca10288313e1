#include "goleakcheck/endpoint.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstring>

#include <fmt/format.h>
#include <httplib.h>

#include "backoff.hpp"
#include "goleakcheck/duration.hpp"
#include "goleakcheck/error.hpp"

namespace goleakcheck {

std::string Endpoint::url() const { return "http://" + address(); }

std::string Endpoint::address() const { return fmt::format("{}:{}", host, port); }

Endpoint Endpoint::parse(std::string_view url) {
  const auto fail = [&](std::string_view why) {
    return Error(ErrorKind::usage,
                 fmt::format("invalid URL '{}': {}; expected http://HOST:PORT, e.g. http://127.0.0.1:6060", url, why));
  };
  std::string_view rest = url;
  if (rest.starts_with("https://")) throw fail("https is not supported; serve pprof on a loopback HTTP listener");
  if (rest.starts_with("http://")) rest.remove_prefix(std::strlen("http://"));
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) throw fail("give the base URL, without a path");
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) throw fail("no host:port");
  Endpoint endpoint;
  endpoint.host = std::string(rest.substr(0, colon));
  const std::string_view port = rest.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) throw fail("bad port");
  endpoint.port = static_cast<std::uint16_t>(value);
  return endpoint;
}

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

bool fetch_pprof(HttpClient& client, std::string_view path, const FetchLimits& limits, const BodyReceiver& receive) {
  const HttpResponse response = client.get(path, limits, receive);
  if (response.status != 200) {
    throw Error(ErrorKind::snapshot_failed, fmt::format("{}{} answered HTTP {}; is net/http/pprof registered?",
                                                        client.endpoint().url(), path, response.status));
  }
  return response.cut;
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

std::uint16_t pick_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error(ErrorKind::launch_failed, fmt::format("cannot open a socket to pick a port: {}", std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // the kernel picks a free one
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!ok) throw Error(ErrorKind::launch_failed, fmt::format("cannot pick a free loopback port: {}", std::strerror(saved_errno)));
  return ntohs(address.sin_port);
}

}  // namespace goleakcheck
