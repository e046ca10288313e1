#include "goleakcheck/interrupt.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>

#include "launch/cleanup.hpp"

namespace goleakcheck {

namespace {

std::atomic<bool> interrupted{false};

}  // namespace

void clean_up_on_signals(std::chrono::milliseconds grace) {
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t stopping;
  sigemptyset(&stopping);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stopping, signal);
  pthread_sigmask(SIG_BLOCK, &stopping, nullptr);
  std::thread([stopping, grace] {
    int signal = 0;
    while (sigwait(&stopping, &signal) != 0) {
    }
    interrupted = true;
    detail::clean_up_everything(grace);
    std::_Exit(128 + signal);
  }).detach();
}

void wait_if_interrupted() {
  while (interrupted) std::this_thread::sleep_for(std::chrono::seconds(1));  // until _Exit
}

bool adopt_orphans() { return ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0; }

int stop_adopted_orphans() {
  int stopped = 0;
  const std::string self = std::to_string(::getpid());
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    // "pid (comm) state ppid ...": comm may hold spaces, so read after ')'.
    std::ifstream stat(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const std::size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(text.substr(close + 1));
    std::string state, ppid;
    fields >> state >> ppid;
    if (ppid != self) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(name));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    ++stopped;
  }
  return stopped;
}

}  // namespace goleakcheck
