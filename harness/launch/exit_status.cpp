#include "goleakcheck/exit_status.hpp"

#include <sys/wait.h>

#include <cstring>

#include <fmt/format.h>

namespace goleakcheck {

std::string ExitStatus::describe() const {
  if (signal != 0) {
    const char* name = sigabbrev_np(signal);
    return fmt::format("was killed by signal {} (SIG{})", signal, name != nullptr ? name : "?");
  }
  return fmt::format("exited with status {}", code);
}

ExitStatus ExitStatus::from_wait_status(int wait_status) {
  ExitStatus status;
  if (WIFSIGNALED(wait_status)) {
    status.signal = WTERMSIG(wait_status);
  } else if (WIFEXITED(wait_status)) {
    status.code = WEXITSTATUS(wait_status);
  }
  return status;
}

}  // namespace goleakcheck
