// The Go program under test: launched on a free loopback port, ready once
// its pprof endpoint answers, always stopped and reaped.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "goleakcheck/endpoint.hpp"
#include "goleakcheck/http_client.hpp"
#include "goleakcheck/exit_status.hpp"

namespace goleakcheck {

struct LaunchOptions {
  // The program and its arguments, executed directly (no shell). Every
  // "{addr}" becomes "127.0.0.1:PORT" and every "{port}" becomes "PORT", for
  // a free loopback port; the program also gets GOLEAKCHECK_ADDR.
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;  // on top of the harness's own
  std::filesystem::path working_dir;       // empty: the harness's own
  std::chrono::milliseconds ready_timeout{std::chrono::seconds(10)};
  // The program's own readiness endpoint, a path such as "/healthz": once
  // pprof answers, launch() also waits (within ready_timeout) until this
  // answers 2xx. Empty: ready when pprof answers.
  std::string ready_url;
  // GODEBUG=tracebackancestors=N for the program: each goroutine's dump then
  // shows the stacks that created it, N deep, so that a report can lead
  // from a library's goroutine to the user's line that started it. Added
  // to the GODEBUG the program gets (from `env`, or inherited), unless that
  // already sets tracebackancestors. 0: not added. Costs the program a
  // little memory per goroutine creation.
  int traceback_ancestors = 20;
  std::chrono::milliseconds stop_grace{std::chrono::seconds(5)};  // SIGTERM to SIGKILL
  // Where its stdout.log and stderr.log go, kept after the Program is
  // gone. Empty: files in memory (memfd; a temporary directory where the
  // kernel offers none), gone with the Program and never on disk, so
  // nothing is left behind even when the harness is killed. A program that
  // prints gigabytes holds them in memory then: give it a directory.
  std::filesystem::path log_dir;
};

// Owns the process: whatever happens to the Program object (a test that
// throws, a move), the process group is stopped and reaped once. Not
// thread-safe: drive one Program from one thread at a time.
class Program {
 public:
  // Starts the program and waits until GET /debug/pprof/goroutine?debug=1
  // answers 200, and LaunchOptions::ready_url answers 2xx when one is given.
  // Throws Error: launch_failed, program_exited (with its status and stderr
  // tail), no_pprof or not_ready. Nothing is left running when it throws.
  static Program launch(LaunchOptions options);

  Program(Program&&) noexcept;
  Program& operator=(Program&&) noexcept;
  // Stops the program (see stop()) if it still runs.
  ~Program();

  const Endpoint& endpoint() const;
  // What it answered when launch() saw it ready, for Checker::adopt: once
  // (nullopt after). Its profile is left out when LaunchOptions::ready_url
  // was waited for after it. Until taken, the Program holds its connection
  // open (one idle connection goroutine in the program, there from the
  // start, so in every baseline).
  std::optional<ReadyAnswer> take_ready_answer();
  std::string url() const { return endpoint().url(); }
  // Its process id, which is also its process group id.
  int pid() const;

  // Throws Error(ErrorKind::program_exited) with its exit status and the
  // tail of its stderr once it has exited.
  void check_alive();

  // SIGTERM to its process group, the grace period, then SIGKILL; reaps it.
  // Safe to call more than once.
  ExitStatus stop();

  // Where its output is: in LaunchOptions::log_dir, or a path that opens
  // the file in memory (/proc/<pid>/fd/<fd>, valid while this Program
  // lives).
  std::filesystem::path stdout_log() const;
  std::filesystem::path stderr_log() const;
  // The last lines of its stderr, each prefixed with "  | ".
  std::string stderr_tail(std::size_t max_lines = 15) const;

 private:
  // `owner`: the process found holding the port's listener, if any.
  void require_own_port(std::optional<pid_t> owner);
  struct State;
  explicit Program(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Replaces "{addr}" and "{port}" in one argument.
std::string substitute_address(std::string argument, const Endpoint& endpoint);

// Picks a loopback TCP port that is free right now (the kernel's choice);
// Program::launch picks again when another process takes it first.
std::uint16_t pick_free_port();

}  // namespace goleakcheck
