// A whole `goleakcheck run` on defaults against the floor, measured side by
// side in one run (tests/bench/defaults).
//
// The floor is the least any outside check must do: launch the program,
// wait until pprof answers, take one raw debug=2 dump, run the scenario
// (sh -c, as `run` does), take one more raw dump, stop the program. It is
// written here with plain POSIX calls and cpp-httplib, none of
// goleakcheck's code. Each case alternates a floor and a `goleakcheck run`
// process (no option but --scenario), checks the run's exit status, and
// prints the medians of both and the median of the pairs' ratios.
//
// Usage: defaults_bench RUNS GOLEAKCHECK HIT REALSERVICE REALSERVICE_GO127
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Starts argv with stdout and stderr on /dev/null; returns its pid.
pid_t spawn(const std::vector<std::string>& argv) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error(fmt::format("cannot start {}", argv[0]));
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("no free port");
  }
  const int port = ntohs(address.sin_port);
  close(fd);
  return port;
}

std::string dump(httplib::Client& client) {
  const auto answer = client.Get("/debug/pprof/goroutine?debug=2");
  if (!answer || answer->status != 200) throw std::runtime_error("the floor's dump failed");
  return answer->body;
}

// The floor, in seconds.
double floor_once(const std::string& program, const std::string& hit, const std::string& path) {
  const auto start = Clock::now();
  const int port = free_port();
  const std::string address = fmt::format("127.0.0.1:{}", port);
  const pid_t pid = spawn({program, "-addr", address});
  httplib::Client client("127.0.0.1", port);
  // Polls for a condition: the program serving pprof. A program that
  // exited (its port taken meanwhile, say) never will: an error, not a hang.
  const auto give_up = Clock::now() + std::chrono::seconds(10);
  while (true) {
    const auto answer = client.Get("/debug/pprof/");
    if (answer && answer->status == 200) break;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      throw std::runtime_error(fmt::format("the floor's {} exited before pprof answered (wait status {})", program,
                                           status));
    }
    if (Clock::now() > give_up) {
      kill(pid, SIGKILL);
      wait_for(pid);
      throw std::runtime_error(fmt::format("the floor's {} did not serve pprof within 10 s", program));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const std::string before = dump(client);
  const std::string scenario = fmt::format("{} http://{}{}", hit, address, path);
  if (wait_for(spawn({"/bin/sh", "-c", scenario})) != 0) throw std::runtime_error("the floor's scenario failed");
  const std::string after = dump(client);
  kill(pid, SIGTERM);
  wait_for(pid);
  if (before.empty() || after.empty()) throw std::runtime_error("empty dump");
  return Seconds(Clock::now() - start).count();
}

// One `goleakcheck run` process on defaults, in seconds; its exit status
// must be `expected`.
double run_once(const std::string& goleakcheck, const std::string& program, const std::string& hit,
                const std::string& path, int expected) {
  const auto start = Clock::now();
  const pid_t pid = spawn({goleakcheck, "run", "--scenario", fmt::format("{} \"$GOLEAKCHECK_URL{}\"", hit, path), "--",
                           program, "-addr", "{addr}"});
  const int status = wait_for(pid);
  const double seconds = Seconds(Clock::now() - start).count();
  if (status != expected) {
    throw std::runtime_error(fmt::format("goleakcheck run on {} {} exited {}, not {}", program, path, status, expected));
  }
  return seconds;
}

void compare(const char* what, int runs, const std::string& goleakcheck, const std::string& program,
             const std::string& hit, const std::string& path, int expected, const char* target) {
  std::vector<double> floors;
  std::vector<double> checks;
  std::vector<double> ratios;
  for (int i = 0; i < runs; ++i) {
    const double f = floor_once(program, hit, path);
    const double c = run_once(goleakcheck, program, hit, path, expected);
    floors.push_back(f);
    checks.push_back(c);
    ratios.push_back(c / f);
  }
  std::printf("%-44s floor %6.2f ms  goleakcheck run %7.2f ms  ratio %.2fx  (%s)\n", what, 1e3 * median(floors),
              1e3 * median(checks),
              median(ratios), target);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: defaults_bench RUNS GOLEAKCHECK HIT REALSERVICE REALSERVICE_GO127\n");
    return 2;
  }
  try {
    const int runs = std::stoi(argv[1]);
    const std::string goleakcheck = argv[2];
    const std::string hit = argv[3];
    const std::string machine = argv[4];
    const std::string go127 = argv[5];
    std::printf("medians of %d alternating pairs; goleakcheck run with --scenario only\n", runs);
    compare("clean, machine Go (/healthz)", runs, goleakcheck, machine, hit, "/healthz", 0, "target: 1.5x");
    if (!go127.empty()) {
      compare("clean, Go 1.27 (/healthz)", runs, goleakcheck, go127, hit, "/healthz", 0, "target: 1.5x");
      compare("proven leak, Go 1.27 (/proven-leak)", runs, goleakcheck, go127, hit, "/proven-leak", 1,
              "target: 1.5x");
    }
    compare("unproven leak, machine Go (/global-leak)", runs, goleakcheck, machine, hit, "/global-leak", 1,
            "goleak's default is about 0.45 s");
    compare("one-time client, machine Go (/lazy-client)", runs, goleakcheck, machine, hit, "/lazy-client", 0,
            "no target: 4 runs");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "defaults_bench: %s\n", e.what());
    return 1;
  }
}
