#include "goleakcheck/endpoint.hpp"

#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "goleakcheck/error.hpp"

namespace goleakcheck {

std::string Endpoint::url() const { return "http://" + address(); }

std::string Endpoint::address() const {
  // An IPv6 literal is bracketed, so that its colons are not the port's.
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

Endpoint Endpoint::parse(std::string_view url) {
  const auto fail = [&](std::string_view why) {
    return Error(ErrorKind::usage,
                 fmt::format("invalid URL '{}': {}; expected http://HOST:PORT, e.g. http://127.0.0.1:6060 or "
                             "http://[::1]:6060",
                             url, why));
  };
  std::string_view rest = url;
  if (rest.starts_with("https://")) throw fail("https is not supported; serve pprof on a loopback HTTP listener");
  if (rest.starts_with("http://")) rest.remove_prefix(std::strlen("http://"));
  if (rest.find_first_of("?#") != std::string_view::npos) throw fail("give the base URL, without a query or fragment");
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) throw fail("give the base URL, without a path");
  Endpoint endpoint;
  std::string_view port;
  if (rest.starts_with('[')) {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos || close == 1 || rest.substr(close + 1, 1) != ":") {
      throw fail("an IPv6 address goes in brackets before the port: [::1]:PORT");
    }
    endpoint.host = std::string(rest.substr(1, close - 1));
    port = rest.substr(close + 2);
  } else {
    const std::size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0) throw fail("no host:port");
    endpoint.host = std::string(rest.substr(0, colon));
    if (endpoint.host.find(':') != std::string::npos) throw fail("an IPv6 address goes in brackets: [::1]:PORT");
    port = rest.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    throw fail(fmt::format("bad port '{}' (1 to 65535)", port));
  }
  endpoint.port = static_cast<std::uint16_t>(value);
  return endpoint;
}

}  // namespace goleakcheck
