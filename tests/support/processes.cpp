#include "processes.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

namespace goleakcheck::test {

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
    std::ifstream environ(entry.path() / "environ", std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(environ)), {});
    if (text.find(token) != std::string::npos) found.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return found;
}

std::string describe_processes(const std::vector<pid_t>& pids) {
  std::string text;
  for (pid_t pid : pids) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    text += line.substr(0, 60) + "; ";
  }
  return text;
}

}  // namespace goleakcheck::test
