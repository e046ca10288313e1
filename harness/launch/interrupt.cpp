#include "goleakcheck/interrupt.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <utility>
#include <thread>

#include "launch/cleanup.hpp"
#include "common/proc.hpp"

namespace goleakcheck {

namespace {

std::atomic<bool> interrupted{false};
std::mutex handler_mutex;
std::function<void()> handler;  // guarded by handler_mutex

// The first signal goes to the handler, when one is set; any other one
// ends the process.
bool hand_to_handler() {
  std::function<void()> h;
  {
    const std::lock_guard lock(handler_mutex);
    h = std::exchange(handler, nullptr);
  }
  if (!h) return false;
  h();
  return true;
}

}  // namespace

void on_first_interrupt(std::function<void()> stop) {
  const std::lock_guard lock(handler_mutex);
  handler = std::move(stop);
}

void clean_up_on_signals(std::function<void(int)> end_process, std::chrono::milliseconds grace) {
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t stopping;
  sigemptyset(&stopping);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stopping, signal);
  pthread_sigmask(SIG_BLOCK, &stopping, nullptr);
  std::thread([stopping, grace, end_process = std::move(end_process)] {
    int signal = 0;
    while (sigwait(&stopping, &signal) != 0 || hand_to_handler()) {
    }
    interrupted = true;
    detail::clean_up_everything(grace);
    if (end_process) end_process(signal);
    // The signal's own ending: its default action, unblocked here.
    ::signal(signal, SIG_DFL);
    sigset_t just_this;
    sigemptyset(&just_this);
    sigaddset(&just_this, signal);
    pthread_sigmask(SIG_UNBLOCK, &just_this, nullptr);
    ::raise(signal);
    std::_Exit(128 + signal);  // not reached: the default action ends the process
  }).detach();
}

void wait_if_interrupted() {
  while (interrupted) std::this_thread::sleep_for(std::chrono::seconds(1));  // until _Exit
}

bool adopt_orphans() { return ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0; }

int stop_adopted_orphans() {
  // No child at all (the usual case, once the program is stopped): nothing
  // to look for in /proc. WNOWAIT leaves any that exited to their waiters.
  siginfo_t info{};
  if (::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 && errno == ECHILD) return 0;
  const std::vector<pid_t> children = detail::child_processes();
  for (pid_t child : children) {
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
  }
  return static_cast<int>(children.size());
}

}  // namespace goleakcheck
