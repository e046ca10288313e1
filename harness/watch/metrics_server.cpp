#include "goleakcheck/metrics_server.hpp"

#include <mutex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>

#include "goleakcheck/error.hpp"

namespace goleakcheck {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;

}  // namespace

// Boost.Beast on one thread of its own: scrapes come one at a time, a few
// a minute, so an asynchronous accept and one connection at a time do.
struct MetricsServer::Impl {
  std::string host;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::mutex mutex;
  std::string text;  // guarded by mutex
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](ErrorCode ec, tcp::socket socket) {
      if (ec) return;  // closed: stopping
      serve(std::move(socket));
      accept();
    });
  }

  // Answers the connection's requests until it closes (a scraper keeps it
  // alive between scrapes). Synchronous: one scraper at a time.
  void serve(tcp::socket socket) {
    beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> request;
      ErrorCode ec;
      http::read(socket, buffer, request, ec);
      if (ec) return;
      http::response<http::string_body> response;
      response.version(request.version());
      response.keep_alive(request.keep_alive());
      if (request.method() == http::verb::get && request.target() == "/metrics") {
        response.result(http::status::ok);
        response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        const std::lock_guard lock(mutex);
        response.body() = text;
      } else {
        response.result(http::status::not_found);
        response.set(http::field::content_type, "text/plain; charset=utf-8");
        response.body() = "goleakcheck serves /metrics only\n";
      }
      response.prepare_payload();
      http::write(socket, response, ec);
      if (ec || !response.keep_alive()) return;
    }
  }
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
  const auto cannot_bind = [&] {
    return Error(ErrorKind::io, fmt::format("cannot serve metrics on {}: the address is in use or not this machine's; "
                                            "pick another --metrics address",
                                            address));
  };
  ErrorCode ec;
  asio::ip::address ip = asio::ip::make_address(impl_->host == "localhost" ? "127.0.0.1" : impl_->host, ec);
  if (ec) throw cannot_bind();
  const tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw cannot_bind();
  impl_->accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

MetricsServer::~MetricsServer() {
  // Closing the acceptor on the server's own thread ends its accept; a
  // scrape under way is answered first.
  asio::post(impl_->io, [impl = impl_.get()] {
    ErrorCode ignored;
    impl->acceptor.close(ignored);
  });
  if (impl_->thread.joinable()) impl_->thread.join();
}

int MetricsServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string MetricsServer::url() const {
  const bool v6 = impl_->host.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}/metrics", v6 ? "[" : "", impl_->host, v6 ? "]" : "", port());
}

void MetricsServer::publish(std::string text) {
  const std::lock_guard lock(impl_->mutex);
  impl_->text = std::move(text);
}

}  // namespace goleakcheck
