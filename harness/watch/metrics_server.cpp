#include "goleakcheck/metrics_server.hpp"

#include <atomic>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "goleakcheck/error.hpp"

namespace goleakcheck {

struct MetricsServer::Impl {
  httplib::Server server;
  std::string host;
  int port = 0;
  std::mutex mutex;
  std::string text;  // guarded by mutex
  std::atomic<bool> listened{false};  // listen_after_bind returned
  std::thread thread;
};

MetricsServer::MetricsServer(const std::string& address) : impl_(std::make_unique<Impl>()) {
  const std::size_t colon = address.rfind(':');
  int port = -1;
  if (colon != std::string::npos && colon > 0) {
    try {
      std::size_t used = 0;
      port = std::stoi(address.substr(colon + 1), &used);
      if (used != address.size() - colon - 1 || port < 0 || port > 65535) port = -1;
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (port < 0) {
    throw Error(ErrorKind::usage,
                fmt::format("--metrics takes HOST:PORT (e.g. 127.0.0.1:9464, or port 0 for a free one), not '{}'",
                            address));
  }
  impl_->host = address.substr(0, colon);
  if (impl_->host.starts_with('[') && impl_->host.ends_with(']')) impl_->host = impl_->host.substr(1, impl_->host.size() - 2);
  impl_->server.Get("/metrics", [impl = impl_.get()](const httplib::Request&, httplib::Response& response) {
    std::string body;
    {
      const std::lock_guard lock(impl->mutex);
      body = impl->text;
    }
    response.set_content(body, "text/plain; version=0.0.4; charset=utf-8");
  });
  impl_->port = port == 0 ? impl_->server.bind_to_any_port(impl_->host)
                          : (impl_->server.bind_to_port(impl_->host, port) ? port : -1);
  if (impl_->port <= 0) {
    throw Error(ErrorKind::io, fmt::format("cannot serve metrics on {}: the address is in use or not this machine's; "
                                           "pick another --metrics address",
                                           address));
  }
  impl_->thread = std::thread([impl = impl_.get()] {
    impl->server.listen_after_bind();
    impl->listened = true;
  });
}

MetricsServer::~MetricsServer() {
  // stop() does nothing to a server not yet listening, which would then
  // listen for ever: wait for it to start (or to have failed) first.
  while (!impl_->server.is_running() && !impl_->listened) std::this_thread::yield();
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int MetricsServer::port() const { return impl_->port; }

std::string MetricsServer::url() const {
  const bool v6 = impl_->host.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}/metrics", v6 ? "[" : "", impl_->host, v6 ? "]" : "", impl_->port);
}

void MetricsServer::publish(std::string text) {
  const std::lock_guard lock(impl_->mutex);
  impl_->text = std::move(text);
}

}  // namespace goleakcheck
