#include "launch/socket_owner.hpp"

#include "common/read_file.hpp"
#include "launch/proc.hpp"

#include <charconv>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace goleakcheck::detail {

namespace {

constexpr const char* kListen = "0A";  // TCP_LISTEN in /proc/net/tcp

// The inodes of sockets listening on `port` in one /proc/net table.
void read_listening_inodes(const char* table, std::uint16_t port, std::set<std::string>& inodes) {
  std::istringstream in(read_file_quietly(table));
  std::string line;
  std::getline(in, line);  // the column names
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
    const std::size_t colon = local.rfind(':');
    if (colon == std::string::npos || state != kListen) continue;
    if (std::stoul(local.substr(colon + 1), nullptr, 16) == port) inodes.insert(inode);
  }
}

// Which of the sockets the process at `process` (/proc/PID) holds, if any.
std::optional<std::string> held_socket(const std::filesystem::path& process, const std::set<std::string>& inodes) {
  std::error_code unreadable;  // another user's process, or one that just ended
  for (const auto& fd : std::filesystem::directory_iterator(process / "fd", unreadable)) {
    const std::string target = std::filesystem::read_symlink(fd.path(), unreadable).string();
    if (!target.starts_with("socket:[")) continue;
    std::string inode = target.substr(8, target.size() - 9);
    if (inodes.contains(inode)) return inode;
  }
  return std::nullopt;
}

// The first process (from `likely`, then all of /proc) holding one of the
// sockets, with the inode it holds.
std::optional<std::pair<pid_t, std::string>> holder(const std::set<std::string>& inodes, pid_t likely) {
  if (likely > 0) {
    if (auto inode = held_socket("/proc/" + std::to_string(likely), inodes)) return std::pair{likely, *inode};
  }
  for (pid_t pid : all_processes()) {
    if (auto inode = held_socket("/proc/" + std::to_string(pid), inodes)) return std::pair{pid, *inode};
  }
  return std::nullopt;
}

std::optional<std::uint64_t> start_ticks(pid_t pid) {
  const std::vector<std::string> fields = stat_fields(pid);
  constexpr std::size_t kStartTime = 22 - 3;  // field 22, counted from field 3
  if (fields.size() <= kStartTime) return std::nullopt;
  return std::stoull(fields[kStartTime]);
}

// Field 28 of /proc/PID/stat, startstack (see ServerIdentity::exec_mark),
// or 0.
std::uint64_t exec_mark(pid_t pid) {
  const std::vector<std::string> fields = stat_fields(pid);
  constexpr std::size_t kStartStack = 28 - 3;  // counted from field 3
  if (fields.size() <= kStartStack) return 0;
  std::uint64_t mark = 0;
  std::from_chars(fields[kStartStack].data(), fields[kStartStack].data() + fields[kStartStack].size(), mark);
  return mark;
}

std::set<std::string> listening_inodes(std::uint16_t port) {
  std::set<std::string> inodes;
  read_listening_inodes("/proc/net/tcp", port, inodes);
  read_listening_inodes("/proc/net/tcp6", port, inodes);
  return inodes;
}

}  // namespace

std::optional<pid_t> listening_process(std::uint16_t port, pid_t likely) {
  const std::set<std::string> inodes = listening_inodes(port);
  if (inodes.empty()) return std::nullopt;
  const auto found = holder(inodes, likely);
  if (!found) return std::nullopt;
  return found->first;
}

std::optional<ServerIdentity> listening_identity(std::uint16_t port, pid_t likely) {
  const std::set<std::string> inodes = listening_inodes(port);
  if (inodes.empty()) return std::nullopt;
  const auto found = holder(inodes, likely);
  if (!found) return std::nullopt;
  const std::optional<std::uint64_t> started = start_ticks(found->first);
  if (!started) return std::nullopt;
  return ServerIdentity{found->first, *started, std::stoull(found->second), exec_mark(found->first)};
}

bool still_serving(const ServerIdentity& server) {
  const auto pid = static_cast<pid_t>(server.pid);
  return start_ticks(pid) == server.start_ticks && exec_mark(pid) == server.exec_mark &&
         held_socket("/proc/" + std::to_string(pid), {std::to_string(server.socket_inode)}).has_value();
}

bool descends_from(pid_t pid, pid_t ancestor) {
  for (int depth = 0; pid > 1 && depth < 64; ++depth) {
    if (pid == ancestor) return true;
    pid = parent_of(pid);
  }
  return pid == ancestor;
}

}  // namespace goleakcheck::detail
