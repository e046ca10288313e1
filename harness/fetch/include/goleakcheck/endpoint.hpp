// Where a program's pprof endpoint lives.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace goleakcheck {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;

  // "http://host:port", no trailing slash ("http://[::1]:port" for IPv6).
  std::string url() const;
  // "host:port" ("[::1]:port").
  std::string address() const;

  // Accepts "http://host:port", "http://host:port/", "host:port" and IPv6
  // literals in brackets ("http://[::1]:6060"). Throws Error(ErrorKind::usage)
  // naming what is wrong for anything else (https, a path, a query, no port).
  static Endpoint parse(std::string_view url);
};

// The process behind an endpoint, as this machine tells it apart from a
// later one with the same pid: its pid, its start time (/proc/PID/stat,
// clock ticks since boot) and its listening socket's inode.
struct ServerIdentity {
  std::int64_t pid = 0;
  std::uint64_t start_ticks = 0;
  std::uint64_t socket_inode = 0;
  // /proc/PID/stat's startstack: where the kernel put the stack at the last
  // exec, randomised anew by every exec (ASLR). A program that execs itself
  // keeps its pid, start time and even its listening socket, but not this.
  // 0 where it cannot be read (or ASLR is off): then it proves nothing.
  std::uint64_t exec_mark = 0;

  friend bool operator==(const ServerIdentity&, const ServerIdentity&) = default;
};

}  // namespace goleakcheck
