// What answers on a port that gave no HTTP/1.1 answer: said in the error
// instead of "nothing answered", so that a user serving pprof over TLS or
// over HTTP/2 alone learns why goleakcheck, which speaks plain HTTP/1.1 to
// loopback, cannot read it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "goleakcheck/endpoint.hpp"

namespace goleakcheck::detail {

// Connects once or twice (an HTTP/1.1 request, then an HTTP/2 client
// preface) and returns what the answers show: "serves HTTPS (TLS) …",
// "speaks HTTP/2 without TLS (h2c) only …", or empty when nothing is
// recognised (or nothing listens). Takes at most about 2 x `timeout`.
std::string describe_other_protocol(const Endpoint& endpoint, std::chrono::milliseconds timeout);

// What to say of a port that serves HTTPS (TLS).
std::string_view tls_only_advice();

// Whether the start of an answer to HTTP/1.1 is a TLS server's: a TLS
// record (an alert, 0x15 0x03), or Go's own "Client sent an HTTP request
// to an HTTPS server".
bool looks_like_tls(std::string_view answer);

}  // namespace goleakcheck::detail
