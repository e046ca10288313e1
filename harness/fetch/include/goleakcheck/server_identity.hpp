// Who serves an endpoint, when this machine can tell: which local process
// listens on its TCP port (the socket's inode from NETLINK_SOCK_DIAG, else
// /proc/net/tcp and tcp6; then the process holding it in /proc/PID/fd).
// A baseline records it so that a check notices a restart or an exec; a
// launch uses it to tell its own program's socket from another's.
// Linux only: a process of another user may be invisible, and then nothing
// is found. Thread-safe: every call reads the kernel afresh.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "goleakcheck/endpoint.hpp"

namespace goleakcheck {

// "localhost", "::1" and 127.0.0.0/8: where this machine can see who listens.
inline bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

// The pid of a process with a socket listening on `port` (any address), or
// nullopt. Looks at `likely` first (0: none), then at all of /proc, which
// takes milliseconds: not for every poll.
std::optional<pid_t> listening_process(std::uint16_t port, pid_t likely = 0);

// The identity of the process listening on `port`, or nullopt (nothing
// listens, or it is not visible to us). A few ms.
std::optional<ServerIdentity> listening_identity(std::uint16_t port, pid_t likely = 0);

// listening_identity for a loopback endpoint; nullopt for any other host.
std::optional<ServerIdentity> server_identity(const Endpoint& endpoint);

// Whether `server` still runs and still holds its listening socket: the
// same process, not a restart. One process's /proc entries: well under 1 ms.
bool still_serving(const ServerIdentity& server);

}  // namespace goleakcheck
