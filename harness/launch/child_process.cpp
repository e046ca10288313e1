// Boost.Process starts the child (exec errors come back as exceptions); the
// lifecycle after that is plain POSIX. Boost.Process v1's terminate() is
// SIGKILL only and its wait_for() can leave zombies, so the child and its
// group handle are detached at once and we signal and reap with
// kill(-pgid)/waitpid ourselves.
#include "launch/child_process.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstring>

// Boost.Process 1.74 offers vfork (posix::use_vfork) only where the feature
// macros say POSIX before 2008, which no glibc build does, though glibc has
// vfork: it is said here instead.
#ifndef BOOST_POSIX_HAS_VFORK
#define BOOST_POSIX_HAS_VFORK 1
#endif
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <fmt/format.h>

#include "common/backoff.hpp"
#include "launch/cleanup.hpp"
#include "goleakcheck/error.hpp"

namespace goleakcheck {

namespace detail {

namespace bp = boost::process;

ChildProcess ChildProcess::spawn(const SpawnSpec& spec) {
  if (spec.argv.empty()) throw Error(ErrorKind::usage, "no program given to launch");
  boost::filesystem::path program = spec.argv.front();
  if (spec.argv.front().find('/') == std::string::npos) {
    program = bp::search_path(spec.argv.front());
    if (program.empty()) {
      throw Error(ErrorKind::launch_failed,
                  fmt::format("program '{}' not found on PATH; give its path", spec.argv.front()));
    }
  }
  const std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());
  bp::environment env = boost::this_process::environment();
  for (const auto& [key, value] : spec.extra_env) env[key] = value;
  const boost::filesystem::path dir =
      spec.working_dir.empty() ? boost::filesystem::current_path() : boost::filesystem::path(spec.working_dir.string());

  const pid_t parent = ::getpid();
  // In the child, between vfork and exec: system calls only, since it runs
  // in our memory until it executes (vfork spares copying our page tables
  // and the copy-on-write faults after: a third of a millisecond a spawn).
  const auto prepare = [parent](auto&) {
    // Dies with us, even when we are killed with SIGKILL.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);  // we died before prctl took
    // Inherits none of our descriptors but stdio (an HTTP connection, a log
    // file, a test's own files), nor a blocked or ignored signal. Default
    // actions first: no handler of ours may run in our memory once the
    // signals are unblocked.
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
      for (int fd = 3; fd < 65536; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    for (int signal : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) ::signal(signal, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
  };

  // A child whose exec failed has exited by the time its error is seen: it
  // is reaped then, not left a zombie.
  const auto reap_failed = [](auto& executor, const std::error_code&) {
    if (executor.pid > 0) ::waitpid(executor.pid, nullptr, 0);
  };

  try {
    bp::group group;  // puts the child in a new process group of its own
    std::error_code failed;  // set, not thrown, so that reap_failed runs
    const auto start = [&](auto&& out, auto&& err) {
      return bp::child(bp::exe = program, bp::args = args, bp::env = env, bp::start_dir = dir, bp::std_in < bp::null,
                       bp::std_out > out, bp::std_err > err, group, bp::posix::use_vfork, bp::error = failed,
                       bp::extend::on_exec_setup = prepare, bp::extend::on_error = reap_failed);
    };
    bp::child child = spec.stdout_path.empty() ? start(stderr, stderr)
                                               : start(spec.stdout_path.string(), spec.stderr_path.string());
    if (failed) {
      throw Error(ErrorKind::launch_failed, fmt::format("cannot start '{}': {}", program.string(), failed.message()));
    }
    const pid_t pid = child.id();
    child.detach();
    group.detach();
    register_group(pid);
    return ChildProcess(pid);
  } catch (const bp::process_error& e) {
    throw Error(ErrorKind::launch_failed, fmt::format("cannot start '{}': {}", program.string(), e.code().message()));
  }
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      status_(std::exchange(other.status_, std::nullopt)),
      stopped_(other.stopped_) {}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) stop(std::chrono::seconds(5));
}

std::optional<ExitStatus> ChildProcess::poll() {
  if (status_ || pid_ <= 0) return status_;
  int wait_status = 0;
  const pid_t reaped = ::waitpid(pid_, &wait_status, WNOHANG);
  if (reaped == pid_) {
    status_ = ExitStatus::from_wait_status(wait_status);
  } else if (reaped < 0 && errno == ECHILD) {
    status_ = ExitStatus{};  // reaped elsewhere: nothing left to stop
  }
  return status_;
}

std::optional<ExitStatus> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
  if (poll() || pid_ <= 0) return status_;
  // A pidfd turns readable the moment the child exits: the wait ends then,
  // not at the next of a backoff's polls (up to 50 ms later, on every
  // scenario and every stop).
  if (const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)); pidfd >= 0) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!poll()) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd ready{pidfd, POLLIN, 0};
      if (::poll(&ready, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 60'000))) < 0 && errno != EINTR) {
        break;
      }
    }
    ::close(pidfd);
    return status_;
  }
  Backoff backoff(timeout, std::chrono::milliseconds(1), std::chrono::milliseconds(50));  // no pidfds (Linux < 5.3)
  while (!poll() && !backoff.expired()) backoff.sleep();
  return status_;
}

ExitStatus ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0 || stopped_) return status_.value_or(ExitStatus{});
  stopped_ = true;
  // The group outlives its leader when the child started helpers of its own:
  // signal the group even when the leader is already gone.
  ::kill(-pid_, SIGTERM);
  wait_for(grace);
  ::kill(-pid_, SIGKILL);
  if (!status_) {
    int wait_status = 0;
    while (::waitpid(pid_, &wait_status, 0) < 0 && errno == EINTR) {
    }
    status_ = ExitStatus::from_wait_status(wait_status);
  }
  unregister_group(pid_);
  return *status_;
}

}  // namespace detail
}  // namespace goleakcheck
