#include "launch/cleanup.hpp"
#include "common/proc.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace goleakcheck::detail {

namespace {

struct Registry {
  std::mutex mutex;
  std::vector<pid_t> groups;
  std::vector<std::filesystem::path> dirs;
};

Registry& registry() {
  static Registry* instance = new Registry;  // never destroyed: a signal may come during exit
  return *instance;
}

template <class T>
void erase_one(std::vector<T>& items, const T& item) {
  const auto found = std::find(items.begin(), items.end(), item);
  if (found != items.end()) items.erase(found);
}

// Reaps what of the groups are our own children, then says whether any
// member is left.
bool any_alive(const std::vector<pid_t>& groups) {
  return std::any_of(groups.begin(), groups.end(), [](pid_t group) {
    while (::waitpid(-group, nullptr, WNOHANG) > 0) {
    }
    return ::kill(-group, 0) == 0;
  });
}

}  // namespace

void register_group(pid_t group) {
  std::lock_guard lock(registry().mutex);
  registry().groups.push_back(group);
}

void unregister_group(pid_t group) {
  std::lock_guard lock(registry().mutex);
  erase_one(registry().groups, group);
}

void register_temp_dir(const std::filesystem::path& dir) {
  std::lock_guard lock(registry().mutex);
  registry().dirs.push_back(dir);
}

void unregister_temp_dir(const std::filesystem::path& dir) {
  std::lock_guard lock(registry().mutex);
  erase_one(registry().dirs, dir);
}

void clean_up_everything(std::chrono::milliseconds grace) {
  std::vector<pid_t> groups;
  std::vector<std::filesystem::path> dirs;
  {
    std::lock_guard lock(registry().mutex);
    groups = registry().groups;
    dirs = registry().dirs;
  }
  // A child spawned a moment ago may run before it is registered.
  for (pid_t child : child_processes()) {
    const pid_t group = ::getpgid(child);
    if (group > 0 && group != ::getpgrp() && std::find(groups.begin(), groups.end(), group) == groups.end()) {
      groups.push_back(group);
    } else if (group == ::getpgrp()) {
      ::kill(child, SIGKILL);  // not in a group of its own yet: only itself to stop
    }
  }
  for (pid_t group : groups) ::kill(-group, SIGTERM);
  // The grace is cut short as soon as every group is gone.
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (any_alive(groups) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (pid_t group : groups) ::kill(-group, SIGKILL);
  for (const auto& dir : dirs) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
}

}  // namespace goleakcheck::detail
