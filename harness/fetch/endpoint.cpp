#include "goleakcheck/endpoint.hpp"

#include <charconv>
#include <cstring>

#include <fmt/format.h>

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

}  // namespace goleakcheck
