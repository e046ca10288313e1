// Where a program's pprof endpoint lives.
#pragma once

#include <cstdint>
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

}  // namespace goleakcheck
