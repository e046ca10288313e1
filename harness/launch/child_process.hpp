// A child process in its own process group, owned: whatever happens, the
// group is stopped and the child reaped when this object goes away.
// Internal to the harness; users see Program and the scenario runner.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "goleakcheck/exit_status.hpp"

namespace goleakcheck::detail {

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0] is a path or a name searched on PATH
  std::map<std::string, std::string> extra_env;  // on top of ours
  std::filesystem::path working_dir;             // empty: ours
  // Where its stdout and stderr go. Empty paths: both to our stderr.
  std::filesystem::path stdout_path;
  std::filesystem::path stderr_path;
};

class ChildProcess {
 public:
  // Executes argv directly, no shell, stdin from /dev/null and its output
  // written straight to the files (so a chatty child never blocks on a
  // pipe). Throws Error(ErrorKind::launch_failed) when it cannot start.
  static ChildProcess spawn(const SpawnSpec& spec);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }

  // Its status once it has ended (reaping it), nullopt while it runs.
  std::optional<ExitStatus> poll();

  // Waits up to `timeout` for it to end; nullopt if it still runs.
  std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout);

  // SIGTERM to the group, up to `grace` for it to exit, then SIGKILL to the
  // group; always reaps. Idempotent: later calls return the same status.
  ExitStatus stop(std::chrono::milliseconds grace);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
  // Signals go to the group only once: after that its id may be reused.
  bool stopped_ = false;
};

}  // namespace goleakcheck::detail
