// What goleakcheck watch costs the service it watches, measured side by
// side in one run (tests/bench/watch): examples/steadyservice with a pool
// of POOL goroutines serves /work?ms=0 (a job on the pool, no sleep: the
// request path alone, the most sensitive to a sampler) to 2 client threads
// as fast as it can. Phases of PHASE seconds alternate without and with a
// `goleakcheck watch --interval 1s` process; each pair gives a ratio of
// requests per second, and the figure is the median of those ratios.
//
// Usage: watch_bench PAIRS PHASE_SECONDS POOL STEADYSERVICE GOLEAKCHECK
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <boost/process.hpp>
#include <fmt/format.h>
#include <httplib.h>

#include "goleakcheck/program.hpp"

namespace {

using namespace goleakcheck;
using Clock = std::chrono::steady_clock;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Requests per second and median latency (µs) over `seconds`, from 2
// kept-alive clients.
struct Phase {
  double per_second = 0;
  double median_us = 0;
};

Phase load(const Program& service, double seconds) {
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(2);
  std::vector<std::thread> clients;
  for (std::size_t c = 0; c < latencies.size(); ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client(service.endpoint().host, service.endpoint().port);
      client.set_keep_alive(true);
      while (!stop) {
        const auto start = Clock::now();
        auto answer = client.Get("/work?ms=0");
        if (!answer || answer->status != 200) throw std::runtime_error("a /work request failed");
        latencies[c].push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));  // the phase's length is the measurement
  stop = true;
  for (std::thread& t : clients) t.join();
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  return {static_cast<double>(all.size()) / seconds, median(all)};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    fmt::print(stderr, "usage: watch_bench PAIRS PHASE_SECONDS POOL STEADYSERVICE GOLEAKCHECK\n");
    return 2;
  }
  const int pairs = std::stoi(argv[1]);
  const double phase = std::stod(argv[2]);
  LaunchOptions options;
  options.argv = {argv[4], "-addr", "{addr}", "-pool", argv[3], "-fixed"};
  Program service = Program::launch(options);
  load(service, 1);  // warm up: connections, the pool's first jobs
  std::vector<double> ratios;
  std::vector<double> without;
  std::vector<double> with;
  std::vector<double> latency_without;
  std::vector<double> latency_with;
  for (int pair = 0; pair < pairs; ++pair) {
    const Phase alone = load(service, phase);
    boost::process::child watch(boost::process::exe = argv[5],
                                boost::process::args = std::vector<std::string>{"watch", service.url(), "--interval",
                                                                                "1s"},
                                boost::process::std_out > boost::process::null,
                                boost::process::std_err > boost::process::null);
    const Phase watched = load(service, phase);
    ::kill(watch.id(), SIGINT);  // its final report, then it exits
    watch.wait();
    without.push_back(alone.per_second);
    with.push_back(watched.per_second);
    latency_without.push_back(alone.median_us);
    latency_with.push_back(watched.median_us);
    ratios.push_back(watched.per_second / alone.per_second);
    fmt::print("pair {}: {:.0f} req/s alone, {:.0f} req/s watched every 1 s ({:+.2f}%)\n", pair + 1, alone.per_second,
               watched.per_second, (watched.per_second / alone.per_second - 1) * 100);
  }
  const double slowdown = (1 - median(ratios)) * 100;
  fmt::print(
      "\nwatch --interval 1s on steadyservice (pool of {} goroutines), {} pairs of {:.0f} s phases, medians:\n"
      "  alone   {:.0f} req/s, median latency {:.0f} us\n"
      "  watched {:.0f} req/s, median latency {:.0f} us\n"
      "  slowdown, median of paired ratios: {:.2f}% (target <= 1%)\n",
      argv[3], pairs, phase, median(without), median(latency_without), median(with), median(latency_with), slowdown);
  return 0;
}
