#include "goleakcheck/program.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include "launch/child_process.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/interrupt.hpp"
#include "launch/log_tail.hpp"
#include "common/read_file.hpp"
#include "common/proc.hpp"
#include "goleakcheck/server_identity.hpp"
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
  std::optional<detail::TempDir> temp_dir;  // declared before child: outlives it
  std::filesystem::path log_dir;
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

Program Program::launch(LaunchOptions options) {
  if (options.argv.empty()) throw Error(ErrorKind::usage, "no program given to launch");
  for (int attempt = 1;; ++attempt) {
    auto state = std::make_unique<State>();
    state->options = options;
    state->endpoint = Endpoint{"127.0.0.1", pick_free_port()};
    if (options.log_dir.empty()) {
      state->temp_dir.emplace();
      state->log_dir = state->temp_dir->path();
    } else {
      std::filesystem::create_directories(options.log_dir);
      state->log_dir = options.log_dir;
    }

    detail::SpawnSpec spec;
    for (const std::string& argument : options.argv) spec.argv.push_back(substitute_address(argument, state->endpoint));
    spec.extra_env = options.env;
    if (const std::optional<std::string> godebug = godebug_for(options)) spec.extra_env["GODEBUG"] = *godebug;
    spec.extra_env["GOLEAKCHECK_ADDR"] = state->endpoint.address();
    spec.working_dir = options.working_dir;
    spec.stdout_path = state->log_dir / "stdout.log";
    spec.stderr_path = state->log_dir / "stderr.log";
    state->child.emplace(detail::ChildProcess::spawn(spec));

    Program program(std::move(state));
    try {
      const auto ready_by = std::chrono::steady_clock::now() + options.ready_timeout;
      wait_for_pprof(program.endpoint(), options.ready_timeout, [&] { program.check_alive(); });
      program.require_own_port();
      if (!options.ready_url.empty()) {
        wait_for_ready_url(program.endpoint(), options.ready_url, ready_by, [&] { program.check_alive(); });
      }
      program.state_->ready = true;
      return program;
    } catch (const Error& e) {
      // The port was free when picked but another process may take it
      // before the program binds it: pick again rather than fail.
      const bool port_taken = e.kind() == ErrorKind::program_exited &&
                              program.stderr_tail(5).find("address already in use") != std::string::npos;
      if (!port_taken || attempt == kLaunchAttempts) throw;
    }
  }
}

const Endpoint& Program::endpoint() const { return state_->endpoint; }

// "Something answers on the port" is not "our child answers": another
// harness's program, or anything else, may have taken the port between the
// pick and our child's bind. The listening socket must be our child's, or
// a descendant's of it.
void Program::require_own_port() {
  const std::optional<pid_t> owner = listening_process(state_->endpoint.port, pid());
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

std::filesystem::path Program::stdout_log() const { return state_->log_dir / "stdout.log"; }

std::filesystem::path Program::stderr_log() const { return state_->log_dir / "stderr.log"; }

std::string Program::stderr_tail(std::size_t max_lines) const { return detail::tail_lines(stderr_log(), max_lines); }

}  // namespace goleakcheck
