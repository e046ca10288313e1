#include "goleakcheck/program.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "launch/child_process.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/interrupt.hpp"
#include "launch/log_tail.hpp"
#include "common/read_file.hpp"
#include "common/proc.hpp"
#include "goleakcheck/server_identity.hpp"
#include "launch/memory_file.hpp"
#include "launch/temp_dir.hpp"

namespace goleakcheck {

namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

constexpr int kLaunchAttempts = 3;

// The GODEBUG the program gets: the user's (from `env`, else inherited),
// with tracebackancestors added unless the user set it.
std::optional<std::string> godebug_for(const LaunchOptions& options) {
  std::string godebug;
  if (const auto given = options.env.find("GODEBUG"); given != options.env.end()) {
    godebug = given->second;
  } else if (const char* inherited = std::getenv("GODEBUG")) {
    godebug = inherited;
  }
  if (options.traceback_ancestors <= 0 || godebug.find("tracebackancestors=") != std::string::npos) {
    return std::nullopt;
  }
  if (!godebug.empty()) godebug += ',';
  return godebug + "tracebackancestors=" + std::to_string(options.traceback_ancestors);
}

}  // namespace

std::string substitute_address(std::string argument, const Endpoint& endpoint) {
  replace_all(argument, "{addr}", endpoint.address());
  replace_all(argument, "{port}", std::to_string(endpoint.port));
  return argument;
}

struct Program::State {
  LaunchOptions options;
  Endpoint endpoint;
  // Where its output goes; declared before child: they outlive it.
  std::optional<detail::MemoryFile> stdout_memory;
  std::optional<detail::MemoryFile> stderr_memory;
  std::optional<detail::TempDir> temp_dir;  // only where memfds are not offered
  std::filesystem::path stdout_log;
  std::filesystem::path stderr_log;
  std::optional<ReadyAnswer> ready_answer;  // until taken
  void place_logs();
  std::optional<detail::ChildProcess> child;
  bool ready = false;

  std::string name() const { return std::filesystem::path(options.argv.front()).filename().string(); }
};

Program::Program(std::unique_ptr<State> state) : state_(std::move(state)) {}
Program::Program(Program&&) noexcept = default;
Program& Program::operator=(Program&&) noexcept = default;

Program::~Program() {
  if (state_) stop();
}

// The program's output goes to LaunchOptions::log_dir when given, else to
// files in memory: a directory and two files made and removed on an ext4
// disk cost a third of a millisecond a launch, and one killed with us
// would be left behind. A temporary directory only where memfds are not
// offered.
void Program::State::place_logs() {
  if (!options.log_dir.empty()) {
    std::filesystem::create_directories(options.log_dir);
    stdout_log = options.log_dir / "stdout.log";
    stderr_log = options.log_dir / "stderr.log";
    return;
  }
  stdout_memory = detail::MemoryFile::create("stdout.log");
  stderr_memory = detail::MemoryFile::create("stderr.log");
  if (stdout_memory && stderr_memory) {
    stdout_log = stdout_memory->path();
    stderr_log = stderr_memory->path();
    return;
  }
  temp_dir.emplace();
  stdout_log = temp_dir->path() / "stdout.log";
  stderr_log = temp_dir->path() / "stderr.log";
}

Program Program::launch(LaunchOptions options) {
  if (options.argv.empty()) throw Error(ErrorKind::usage, "no program given to launch");
  for (int attempt = 1;; ++attempt) {
    auto state = std::make_unique<State>();
    state->options = options;
    state->endpoint = Endpoint{"127.0.0.1", pick_free_port()};
    state->place_logs();

    detail::SpawnSpec spec;
    for (const std::string& argument : options.argv) spec.argv.push_back(substitute_address(argument, state->endpoint));
    spec.extra_env = options.env;
    if (const std::optional<std::string> godebug = godebug_for(options)) spec.extra_env["GODEBUG"] = *godebug;
    spec.extra_env["GOLEAKCHECK_ADDR"] = state->endpoint.address();
    spec.working_dir = options.working_dir;
    spec.stdout_path = state->stdout_log;
    spec.stderr_path = state->stderr_log;
    state->child.emplace(detail::ChildProcess::spawn(spec));

    Program program(std::move(state));
    try {
      const auto ready_by = std::chrono::steady_clock::now() + options.ready_timeout;
      // Who holds the listener is read while the program makes its first
      // answer: the kernel knows once the connection is accepted.
      std::optional<pid_t> port_owner;
      ReadyAnswer answer = wait_for_pprof(
          program.endpoint(), options.ready_timeout, [&] { program.check_alive(); },
          [&] { port_owner = listening_process(program.endpoint().port, program.pid()); });
      program.require_own_port(port_owner);
      if (!options.ready_url.empty()) {
        wait_for_ready_url(answer, options.ready_url, ready_by, [&] { program.check_alive(); });
      }
      program.state_->ready_answer = std::move(answer);
      program.state_->ready = true;
      return program;
    } catch (const Error& e) {
      // A signal's clean-up stops the program under us, and any error that
      // follows (its listener gone before it exits, say) is that clean-up's:
      // thrown now, it would race the signal's own ending (std::terminate,
      // where nothing catches it).
      wait_if_interrupted();
      // The port was free when picked but another process may take it
      // before the program binds it: pick again rather than fail.
      const bool port_taken = e.kind() == ErrorKind::program_exited &&
                              program.stderr_tail(5).find("address already in use") != std::string::npos;
      if (!port_taken || attempt == kLaunchAttempts) throw;
    }
  }
}

const Endpoint& Program::endpoint() const { return state_->endpoint; }

std::optional<ReadyAnswer> Program::take_ready_answer() { return std::exchange(state_->ready_answer, std::nullopt); }

// "Something answers on the port" is not "our child answers": another
// harness's program, or anything else, may have taken the port between the
// pick and our child's bind. The listening socket must be our child's, or
// a descendant's of it.
void Program::require_own_port(std::optional<pid_t> owner) {
  if (owner && detail::descends_from(*owner, pid())) return;
  check_alive();  // our child may have failed to bind and exited: say that
  std::string who = "no process this harness can see";
  if (owner) {
    std::string command = detail::read_file_quietly("/proc/" + std::to_string(*owner) + "/cmdline");
    std::replace(command.begin(), command.end(), '\0', ' ');
    who = fmt::format("process {} ({})", *owner, command.empty() ? "?" : command.substr(0, command.find_last_not_of(' ') + 1));
  }
  throw Error(ErrorKind::not_our_program,
              fmt::format("{} answers on {}, but the listening socket belongs to {}, not to {} (pid {}) or its "
                          "children; make {} listen on the address the harness gives it ({{addr}}, $GOLEAKCHECK_ADDR)",
                          endpoint().url(), endpoint().address(), who, state_->name(), pid(), state_->name()));
}

int Program::pid() const { return state_->child->pid(); }

void Program::check_alive() {
  const std::optional<ExitStatus> status = state_->child->poll();
  if (!status) return;
  // Stopped by the clean-up on a signal: the process ends in a moment, and
  // an error thrown now would race it (std::terminate, in a program with no
  // handler, kills it first and leaves the temporary files).
  wait_if_interrupted();
  const std::string when = state_->ready ? "during the check" : "before its pprof endpoint answered";
  std::string tail = stderr_tail();
  // The message first: the tail is moved into the error after it is read.
  std::string message = fmt::format("{} {} {}; {}", state_->name(), status->describe(), when,
                                    tail.empty() ? "it printed nothing on stderr" : "the end of its stderr follows");
  throw Error(ErrorKind::program_exited, std::move(message), std::move(tail));
}

ExitStatus Program::stop() { return state_->child->stop(state_->options.stop_grace); }

std::filesystem::path Program::stdout_log() const { return state_->stdout_log; }

std::filesystem::path Program::stderr_log() const { return state_->stderr_log; }

std::string Program::stderr_tail(std::size_t max_lines) const { return detail::tail_lines(stderr_log(), max_lines); }

}  // namespace goleakcheck
