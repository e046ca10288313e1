// Who serves an endpoint, when this machine can tell: a program on its
// loopback, visible in /proc. The baseline records it so that a check
// notices a restart.
#pragma once

#include <optional>

#include "goleakcheck/endpoint.hpp"
#include "launch/socket_owner.hpp"

namespace goleakcheck::detail {

inline bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

// A few ms (one read of /proc/net/tcp); nullopt for any other host.
inline std::optional<ServerIdentity> server_identity(const Endpoint& endpoint) {
  if (!is_loopback(endpoint.host)) return std::nullopt;
  return listening_identity(endpoint.port);
}

}  // namespace goleakcheck::detail
