#include "common/proc.hpp"

#include "common/read_file.hpp"

#include <unistd.h>

#include <filesystem>
#include <sstream>

namespace goleakcheck::detail {

std::vector<std::string> stat_fields(pid_t pid) {
  const std::string text = read_file_quietly("/proc/" + std::to_string(pid) + "/stat");
  const std::size_t close = text.rfind(')');
  std::vector<std::string> fields;
  if (close == std::string::npos) return fields;
  std::istringstream in(text.substr(close + 1));
  for (std::string field; in >> field;) fields.push_back(field);
  return fields;
}

pid_t parent_of(pid_t pid) {
  const std::vector<std::string> fields = stat_fields(pid);
  return fields.size() > 1 ? static_cast<pid_t>(std::stol(fields[1])) : 0;
}

std::vector<pid_t> all_processes() {
  std::vector<pid_t> pids;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") == std::string::npos) pids.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return pids;
}

std::vector<pid_t> child_processes() {
  std::vector<pid_t> children;
  for (pid_t pid : all_processes()) {
    if (parent_of(pid) == ::getpid()) children.push_back(pid);
  }
  return children;
}

bool descends_from(pid_t pid, pid_t ancestor) {
  for (int depth = 0; pid > 1 && depth < 64; ++depth) {
    if (pid == ancestor) return true;
    pid = parent_of(pid);
  }
  return pid == ancestor;
}

}  // namespace goleakcheck::detail
