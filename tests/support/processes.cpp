#include "processes.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <random>

namespace goleakcheck::test {

namespace {

// A /proc file, or what could be read of it. Not std::ifstream: its read
// throws when the process ends between open and read (ESRCH).
std::string read_proc_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR);) {
    if (n > 0) text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace

std::string unique_token() {
  std::random_device random;
  return "goleakcheck-test-" + std::to_string(::getpid()) + "-" + std::to_string(random());
}

std::vector<pid_t> processes_with(const std::string& token) {
  std::vector<pid_t> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string text = read_proc_file(entry.path() / "environ");
    if (text.find(token) != std::string::npos) found.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return found;
}

std::string describe_processes(const std::vector<pid_t>& pids) {
  std::string text;
  for (pid_t pid : pids) {
    const std::string stat = read_proc_file("/proc/" + std::to_string(pid) + "/stat");
    text += stat.substr(0, std::min<std::size_t>(stat.find('\n'), 60)) + "; ";
  }
  return text;
}

}  // namespace goleakcheck::test
