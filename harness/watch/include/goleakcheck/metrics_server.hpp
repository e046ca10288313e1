// Serving goleakcheck watch's metrics for Prometheus to scrape.
#pragma once

#include <memory>
#include <string>

namespace goleakcheck {

// An HTTP server answering GET /metrics with the text last published
// (Content-Type text/plain; version=0.0.4), on a thread of its own.
class MetricsServer {
 public:
  // Binds `address`, "HOST:PORT" (PORT 0 picks a free one), at once.
  // Throws Error(ErrorKind::usage) when it is no HOST:PORT, and
  // Error(ErrorKind::io) when it cannot be bound (in use, not ours).
  explicit MetricsServer(const std::string& address);
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;
  // Stops serving and joins the thread; a scrape under way is answered.
  ~MetricsServer();

  int port() const;
  // "http://HOST:PORT/metrics".
  std::string url() const;
  // What /metrics answers from now on. Thread-safe.
  void publish(std::string text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace goleakcheck
