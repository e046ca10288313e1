// What goleakcheck watch costs the service it watches, measured side by
// side in one run (tests/bench/watch): examples/steadyservice with a pool
// of POOL goroutines serves /work?ms=0 (a job on the pool, no sleep: the
// request path alone, the most sensitive to a sampler) to one client as
// fast as it can. Phases of PHASE seconds alternate without and with a
// `goleakcheck watch --interval 1s` process. Two figures, each the median
// of the pairs' ratios:
//  - the service's CPU time per request (utime + stime from /proc): what
//    the samples cost the service itself, normalised by the work done, so
//    that the machine's noise in throughput cancels out;
//  - requests per second, which on a 2-core machine also pays for the
//    watch process's own CPU, and is far noisier.
//
// Usage: watch_bench PAIRS PHASE_SECONDS POOL STEADYSERVICE GOLEAKCHECK
#include <signal.h>
#include <sys/wait.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <boost/process.hpp>
#include <fmt/format.h>
#include <httplib.h>

#include "goleakcheck/http_client.hpp"
#include "goleakcheck/profile.hpp"
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
  double cpu_us_per_request = 0;
};

// The process's CPU time so far, in clock ticks (utime + stime).
long cpu_ticks(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  long utime = 0;
  long stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return utime + stime;
}

Phase load(const Program& service, double seconds) {
  const long cpu_before = cpu_ticks(service.pid());
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(1);
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
  const double cpu_us = static_cast<double>(cpu_ticks(service.pid()) - cpu_before) * 1e6 / ::sysconf(_SC_CLK_TCK);
  return {static_cast<double>(all.size()) / seconds, median(all), cpu_us / static_cast<double>(all.size())};
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
  // One sample's cost to the service, on the idle service.
  constexpr int kSamples = 500;
  HttpClient sampler(service.endpoint());
  const long idle_before = cpu_ticks(service.pid());
  std::string last;
  for (int i = 0; i < kSamples; ++i) {
    last.clear();
    sampler.get(kGoroutineProfilePath, FetchLimits{}, [&](std::string_view chunk) { last.append(chunk); });
  }
  const std::uint64_t goroutines = parse_profile(last).total.value_or(0);
  const double sample_us =
      static_cast<double>(cpu_ticks(service.pid()) - idle_before) * 1e6 / ::sysconf(_SC_CLK_TCK) / kSamples;
  std::vector<double> ratios;
  std::vector<double> cpu_ratios;
  std::vector<double> cpu_without;
  std::vector<double> cpu_with;
  std::vector<double> without;
  std::vector<double> with;
  std::vector<double> latency_without;
  std::vector<double> latency_with;
  for (int pair = 0; pair < pairs; ++pair) {
    // Alone first in odd pairs, watched first in even ones: whatever
    // drifts over a pair (a warming cache, the clock) cancels out.
    const auto watched_phase = [&] {
      boost::process::child watch(boost::process::exe = argv[5],
                                  boost::process::args = std::vector<std::string>{"watch", service.url(), "--interval",
                                                                                  "1s"},
                                  boost::process::std_out > boost::process::null,
                                  boost::process::std_err > boost::process::null);
      const Phase measured = load(service, phase);
      ::kill(watch.id(), SIGINT);  // its final report, then it exits
      watch.wait();
      return measured;
    };
    Phase alone;
    Phase watched;
    if (pair % 2 == 0) {
      alone = load(service, phase);
      watched = watched_phase();
    } else {
      watched = watched_phase();
      alone = load(service, phase);
    }
    without.push_back(alone.per_second);
    with.push_back(watched.per_second);
    latency_without.push_back(alone.median_us);
    latency_with.push_back(watched.median_us);
    ratios.push_back(watched.per_second / alone.per_second);
    cpu_without.push_back(alone.cpu_us_per_request);
    cpu_with.push_back(watched.cpu_us_per_request);
    cpu_ratios.push_back(watched.cpu_us_per_request / alone.cpu_us_per_request);
    fmt::print("pair {}: alone {:.0f} req/s, {:.2f} us CPU/request; watched every 1 s {:.0f} req/s ({:+.2f}%), "
               "{:.2f} us CPU/request ({:+.2f}%)\n",
               pair + 1, alone.per_second, alone.cpu_us_per_request, watched.per_second,
               (watched.per_second / alone.per_second - 1) * 100, watched.cpu_us_per_request,
               (watched.cpu_us_per_request / alone.cpu_us_per_request - 1) * 100);
  }
  const double busy_cores = median(cpu_without) * median(without) / 1e6;
  fmt::print(
      "\none sample (a debug=1 profile of {} goroutines) costs the service {:.0f} us of CPU (mean of {}): one a "
      "second is {:.3f}% of one core, and {:.3f}% of the {:.2f} cores the service spends on the load below "
      "(target <= 1%)\n",
      goroutines, sample_us, kSamples, sample_us / 1e4, sample_us / 1e4 / busy_cores, busy_cores);
  fmt::print(
      "\nwatch --interval 1s on steadyservice (pool of {} goroutines), {} pairs of {:.0f} s phases, medians:\n"
      "  alone   {:.0f} req/s, median latency {:.0f} us, {:.2f} us of service CPU per request\n"
      "  watched {:.0f} req/s, median latency {:.0f} us, {:.2f} us of service CPU per request\n"
      "  the service's CPU per request, median of paired ratios: {:+.2f}% (target <= +1%)\n"
      "  requests per second, median of paired ratios: {:+.2f}% (noisier: the client and the watch share 2 cores)\n",
      argv[3], pairs, phase, median(without), median(latency_without), median(cpu_without), median(with),
      median(latency_with), median(cpu_with), (median(cpu_ratios) - 1) * 100, (median(ratios) - 1) * 100);
  return 0;
}
