// Which local process listens on a TCP port, from /proc: the listening
// socket's inode in /proc/net/tcp and tcp6, then the process holding that
// socket in /proc/PID/fd. Linux only; a process of another user may be
// invisible (then nothing is found).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "goleakcheck/endpoint.hpp"

namespace goleakcheck::detail {

// The pid of a process with a socket listening on `port` (any address), or
// nullopt. Looks at `likely` first (0: none), then at all of /proc, which
// takes milliseconds: not for every poll.
std::optional<pid_t> listening_process(std::uint16_t port, pid_t likely = 0);

// The identity of the process listening on `port`, or nullopt (nothing
// listens, or it is not visible to us). Reads /proc/net/tcp: a few ms.
std::optional<ServerIdentity> listening_identity(std::uint16_t port, pid_t likely = 0);

// Whether `server` still runs and still holds its listening socket: the
// same process, not a restart. One process's /proc entries: well under 1 ms.
bool still_serving(const ServerIdentity& server);

// True when `pid` is `ancestor` or descends from it (by parent pids).
bool descends_from(pid_t pid, pid_t ancestor);

}  // namespace goleakcheck::detail
