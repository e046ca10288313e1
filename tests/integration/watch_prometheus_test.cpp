// watch --metrics scraped by a real Prometheus (Debian's), started by the
// test on loopback: a PromQL query through its HTTP API must return the
// leaking site's growing series, and its flag.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <thread>

#include <boost/process.hpp>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "browser.hpp"
#include "goleakcheck/program.hpp"
#include "eventually.hpp"
#include "leakyservice.hpp"
#include "processes.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

namespace bp = boost::process;
using ::testing::HasSubstr;

// Prometheus' API is asked every 100 ms, not every 10.
template <class Condition>
bool eventually(Condition condition, std::chrono::seconds limit) {
  return test::eventually(condition, limit, std::chrono::milliseconds(100));
}

// A loopback port free a moment ago. Prometheus cannot be told to pick its
// own and say which; if another process takes it first, Prometheus fails
// to start and the test says so.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// A process of the test's, stopped (and reaped) at the end whatever happens.
struct Stopped {
  bp::child& child;
  ~Stopped() {
    if (child.running()) ::kill(child.id(), SIGTERM);
    child.wait();
  }
};

nlohmann::json query(httplib::Client& prometheus, const std::string& promql) {
  auto answer = prometheus.Get("/api/v1/query", httplib::Params{{"query", promql}}, httplib::Headers{});
  if (!answer || answer->status != 200) return nlohmann::json();
  return nlohmann::json::parse(answer->body);
}

TEST(WatchMetrics, PrometheusScrapesTheLeakingSitesGrowingSeries) {
  Program service = Program::launch([] {
    LaunchOptions options;
    options.argv = {GOLEAKCHECK_STEADYSERVICE_BIN, "-addr", "{addr}", "-pool", "200", "-load", "40"};
    return options;
  }());
  test::Scratch scratch;
  const std::string token = test::unique_token();
  bp::environment env = boost::this_process::environment();
  env["GOLEAKCHECK_TEST_TOKEN"] = token;

  // goleakcheck watch, serving metrics on a port of its own choosing.
  bp::ipstream watch_err;
  bp::child watch(bp::exe = GOLEAKCHECK_CLI_BIN,
                  bp::args = std::vector<std::string>{"watch", service.url(), "--interval", "250ms", "--metrics",
                                                      "127.0.0.1:0"},
                  env, bp::std_out > bp::null, bp::std_err > watch_err);
  Stopped stop_watch{watch};
  std::string line;
  ASSERT_TRUE(std::getline(watch_err, line));
  std::smatch port;
  ASSERT_TRUE(std::regex_search(line, port, std::regex(R"(serving metrics at http://127\.0\.0\.1:([0-9]+)/metrics)")))
      << line;

  // What it serves passes Prometheus' own linter.
  httplib::Client metrics("127.0.0.1", std::stoi(port[1].str()));
  auto exposition = metrics.Get("/metrics");
  ASSERT_TRUE(exposition && exposition->status == 200);
  EXPECT_THAT(exposition->get_header_value("Content-Type"), HasSubstr("text/plain; version=0.0.4"));
  std::ofstream(scratch / "metrics.txt") << exposition->body;
  const std::string lint = fmt::format("promtool check metrics < '{}' > '{}' 2>&1", (scratch / "metrics.txt").string(),
                                       (scratch / "lint.txt").string());
  EXPECT_EQ(std::system(lint.c_str()), 0) << test::read_file(scratch / "lint.txt") << exposition->body;

  // Prometheus, scraping it every 250 ms.
  const auto config = scratch / "prometheus.yml";
  // The README's rules, as a user loads them.
  const std::string rules = std::string(GOLEAKCHECK_EXAMPLES_DIR) + "/prometheus/goleakcheck.rules.yml";
  const std::string check_rules = fmt::format("promtool check rules '{}' > '{}' 2>&1", rules, (scratch / "rules.txt").string());
  EXPECT_EQ(std::system(check_rules.c_str()), 0) << test::read_file(scratch / "rules.txt");
  std::ofstream(config) << fmt::format(
      "global:\n  scrape_interval: 250ms\n  evaluation_interval: 250ms\n"
      "rule_files: ['{}']\n"
      "scrape_configs:\n  - job_name: goleakcheck\n    static_configs:\n      - targets: ['127.0.0.1:{}']\n",
      rules, port[1].str());
  // Started on a port free a moment ago; when another process took it
  // first, Prometheus exits, and it is started again on another.
  std::unique_ptr<bp::child> prometheus;
  std::optional<Stopped> stop_prometheus;
  int web_port = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    web_port = free_port();
    prometheus = std::make_unique<bp::child>(
        bp::search_path("prometheus"),
        bp::args = std::vector<std::string>{"--config.file=" + config.string(),
                                            "--storage.tsdb.path=" + (scratch / "data").string(),
                                            fmt::format("--web.listen-address=127.0.0.1:{}", web_port)},
        env, bp::std_out > bp::null, bp::std_err > (scratch / "prometheus.log").string());
    stop_prometheus.emplace(*prometheus);
    httplib::Client probe("127.0.0.1", web_port);
    eventually(
        [&] {
          auto ready = probe.Get("/-/ready");
          return !prometheus->running() || (ready && ready->status == 200);
        },
        std::chrono::seconds(60));
    if (prometheus->running()) break;
    stop_prometheus.reset();
  }
  ASSERT_TRUE(prometheus->running()) << "Prometheus did not start:\n" << test::read_file(scratch / "prometheus.log");
  httplib::Client api("127.0.0.1", web_port);
  auto ready = api.Get("/-/ready");
  ASSERT_TRUE(ready && ready->status == 200) << "Prometheus never became ready:\n"
                                             << test::read_file(scratch / "prometheus.log");

  // The leaking site's series, over the last 30 s, rising; and its flag.
  const std::string leak = R"({site=~"main\\.report\\.func1 .*"})";
  nlohmann::json series;
  const bool grew = eventually(
      [&] {
        series = query(api, "goleakcheck_goroutines" + leak + "[30s]");
        if (series.is_null() || series["data"]["result"].empty()) return false;
        const auto& values = series["data"]["result"][0]["values"];
        return values.size() >= 4 &&
               std::stod(values.back()[1].get<std::string>()) > std::stod(values.front()[1].get<std::string>());
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(grew) << series.dump();
  EXPECT_EQ(series["data"]["result"][0]["metric"]["state"], "chan send");
  EXPECT_EQ(series["data"]["result"][0]["metric"]["job"], "goleakcheck");
  nlohmann::json flagged;
  EXPECT_TRUE(eventually(
      [&] {
        flagged = query(api, "goleakcheck_site_flagged" + leak);
        return !flagged.is_null() && !flagged["data"]["result"].empty() &&
               flagged["data"]["result"][0]["value"][1] == "1";
      },
      std::chrono::seconds(30)))
      << flagged.dump();
  // The growth rate as Prometheus itself sees it, and the pool as flat.
  const nlohmann::json rate = query(api, "deriv(goleakcheck_goroutines" + leak + "[10s]) > 0");
  EXPECT_FALSE(rate["data"]["result"].empty()) << rate.dump();
  // The recording rule sums the site across instances (here, one).
  nlohmann::json recorded;
  EXPECT_TRUE(eventually(
      [&] {
        recorded = query(api, "site:goleakcheck_goroutines:sum" + leak);
        return !recorded.is_null() && !recorded["data"]["result"].empty();
      },
      std::chrono::seconds(30)))
      << recorded.dump();
  const nlohmann::json pool = query(api, R"(goleakcheck_site_flagged{site=~"main\\.\\(\\*pool\\)\\.work .*"})");
  ASSERT_FALSE(pool["data"]["result"].empty()) << pool.dump();
  EXPECT_EQ(pool["data"]["result"][0]["value"][1], "0");
}

}  // namespace
}  // namespace goleakcheck
