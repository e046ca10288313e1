// How a child process ended.
#pragma once

#include <string>

namespace goleakcheck {

struct ExitStatus {
  int code = 0;    // exit status, when it exited
  int signal = 0;  // the signal that ended it, or 0 when it exited

  bool success() const { return signal == 0 && code == 0; }
  // "exited with status 3", "was killed by signal 9 (SIGKILL)".
  std::string describe() const;
  static ExitStatus from_wait_status(int wait_status);
};

}  // namespace goleakcheck
