// The time to a verdict, measured side by side in one run (tests/bench/verdicts):
//
//  1. clean verdict latency: a scenario whose goroutines end 300 ms after it
//     (realservice /linger); the time from its end to the verdict;
//  2. time to a leak verdict with the Go runtime's proof and without it
//     (realservice /proven-leak, built with Go 1.27, with Go 1.26 and its
//     experiment, and with the machine's Go);
//  3. a clean check's cost against two raw fetches of the dump, at 10,000
//     goroutines (tests/bench/manygoroutines): paired runs, the median of
//     their ratios; without the wait for a quiet baseline (the check
//     itself), and with it.
//
// Usage: verdict_bench RUNS REALSERVICE REALSERVICE_GO127 REALSERVICE_GO126X MANYGOROUTINES
// Each figure is a median of RUNS. Prints one line per figure.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "goleakcheck/checker.hpp"
#include "goleakcheck/http_client.hpp"
#include "goleakcheck/program.hpp"

namespace {

using namespace goleakcheck;
using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

void get(const Program& program, const std::string& path) {
  HttpClient client(program.endpoint());
  const HttpResponse answer = client.get(path, FetchLimits{}, [](std::string_view) {});
  if (answer.status != 200) throw std::runtime_error(fmt::format("GET {} answered {}", path, answer.status));
}

LaunchOptions launch(const std::string& binary, std::vector<std::string> flags = {}) {
  LaunchOptions options;
  options.argv = {binary, "-addr", "{addr}"};
  options.argv.insert(options.argv.end(), flags.begin(), flags.end());
  return options;
}

// The verdict's time after the scenario (LeakReport::elapsed), in seconds,
// for `runs` checks against one program; `expect_clean` is checked.
std::vector<double> verdict_times(const std::string& binary, const std::string& path, CheckOptions options, int runs,
                                  bool expect_clean) {
  std::vector<double> times;
  for (int run = 0; run < runs; ++run) {
    Program program = Program::launch(launch(binary));  // a fresh one: leaks from earlier runs stay in baselines
    const Checker checker(program.endpoint(), options, [&] { program.check_alive(); });
    const Baseline baseline = checker.baseline();
    get(program, path);
    const LeakReport report = checker.check(baseline);
    if (report.clean() != expect_clean) {
      throw std::runtime_error(fmt::format("{} {}: expected {}, got {}", binary, path,
                                           expect_clean ? "clean" : "a leak", report.clean() ? "clean" : "a leak"));
    }
    times.push_back(Seconds(report.elapsed).count());
  }
  return times;
}

void clean_latency(const std::string& realservice, int runs) {
  const double t = median(verdict_times(realservice, "/linger?ms=300&n=10", CheckOptions{}, runs, true));
  fmt::print("clean verdict, goroutines ending 300 ms after the scenario: median {:.3f} s after it ends "
             "(target <= 0.400 s)\n",
             t);
}

void proof_latency(const char* name, const std::string& binary, int runs) {
  if (binary.empty()) {
    fmt::print("proven leak, {}: not built\n", name);
    return;
  }
  CheckOptions without;
  without.runtime_proof = false;
  const double proven = median(verdict_times(binary, "/proven-leak", CheckOptions{}, runs, false));
  const double settled = median(verdict_times(binary, "/proven-leak", without, runs, false));
  fmt::print("leak verdict, {}: with the runtime's proof median {:.3f} s, without it {:.3f} s (default 1.5 s "
             "settle): {:.1f}x sooner (target <= 0.300 s)\n",
             name, proven, settled, settled / proven);
}

void overhead(const std::string& manygoroutines, int runs) {
  Program program = Program::launch(launch(manygoroutines, {"-goroutines", "10000"}));
  HttpClient raw(program.endpoint());
  const auto raw_fetch = [&] {
    const HttpResponse answer = raw.get(kGoroutineDumpPath, FetchLimits{}, [](std::string_view) {});
    if (answer.status != 200) throw std::runtime_error("raw fetch failed");
  };
  const auto timed = [](const std::function<void()>& f) {
    const auto start = Clock::now();
    f();
    return Seconds(Clock::now() - start).count();
  };
  const auto ratios = [&](CheckOptions options) {
    const Checker checker(program.endpoint(), options, [&] { program.check_alive(); });
    std::vector<double> ratio, check_times, raw_times;
    for (int run = 0; run < runs; ++run) {
      const double raw_time = timed([&] {
        raw_fetch();
        raw_fetch();
      });
      const double check_time = timed([&] {
        const LeakReport report = checker.check(checker.baseline());
        if (!report.clean()) throw std::runtime_error("the check at 10,000 goroutines was not clean");
      });
      ratio.push_back(check_time / raw_time);
      check_times.push_back(check_time);
      raw_times.push_back(raw_time);
    }
    return std::tuple{median(ratio), median(check_times), median(raw_times)};
  };
  CheckOptions at_once;
  at_once.quiet_timeout = std::chrono::milliseconds(0);
  const auto [ratio, check_time, raw_time] = ratios(at_once);
  fmt::print("clean check at 10,000 goroutines: median {:.3f} s against {:.3f} s for two raw fetches: {:.2f}x, "
             "median of paired ratios (target <= 1.3x)\n",
             check_time, raw_time, ratio);
  const auto [quiet_ratio, quiet_check, quiet_raw] = ratios(CheckOptions{});
  fmt::print("  the same with the wait for a quiet baseline (200 ms between its dumps): {:.3f} s against {:.3f} s: "
             "{:.2f}x\n",
             quiet_check, quiet_raw, quiet_ratio);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr,
                 "usage: verdict_bench RUNS REALSERVICE REALSERVICE_GO127 REALSERVICE_GO126X MANYGOROUTINES\n");
    return 2;
  }
  const int runs = std::max(1, std::atoi(argv[1]));
  try {
    clean_latency(argv[2], runs);
    proof_latency("Go 1.27", argv[3], runs);
    proof_latency("Go 1.26 with GOEXPERIMENT=goroutineleakprofile", argv[4], runs);
    overhead(argv[5], runs);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "verdict_bench: %s\n", e.what());
    return 1;
  }
}
