#include "goleakcheck/server_identity.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/read_file.hpp"
#include "common/proc.hpp"

namespace goleakcheck {

namespace {

constexpr const char* kListen = "0A";  // TCP_LISTEN in /proc/net/tcp

// The inodes of sockets listening on `port` in one /proc/net table.
void read_listening_inodes(const char* table, std::uint16_t port, std::set<std::string>& inodes) {
  std::istringstream in(detail::read_file_quietly(table));
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
  for (pid_t pid : detail::all_processes()) {
    if (auto inode = held_socket("/proc/" + std::to_string(pid), inodes)) return std::pair{pid, *inode};
  }
  return std::nullopt;
}

std::optional<std::uint64_t> start_ticks(pid_t pid) {
  const std::vector<std::string> fields = detail::stat_fields(pid);
  constexpr std::size_t kStartTime = 22 - 3;  // field 22, counted from field 3
  if (fields.size() <= kStartTime) return std::nullopt;
  return std::stoull(fields[kStartTime]);
}

// Field 28 of /proc/PID/stat, startstack (see ServerIdentity::exec_mark),
// or 0.
std::uint64_t exec_mark(pid_t pid) {
  const std::vector<std::string> fields = detail::stat_fields(pid);
  constexpr std::size_t kStartStack = 28 - 3;  // counted from field 3
  if (fields.size() <= kStartStack) return 0;
  std::uint64_t mark = 0;
  std::from_chars(fields[kStartStack].data(), fields[kStartStack].data() + fields[kStartStack].size(), mark);
  return mark;
}

// The inodes of TCP sockets of `family` listening on `port`, asked of the
// kernel over NETLINK_SOCK_DIAG: it answers with listening sockets only,
// where /proc/net/tcp makes it format every socket (TIME_WAIT ones
// included: milliseconds of kernel time on a busy host, on every launch).
// False when the kernel does not answer (no sock_diag): read /proc then.
bool ask_listening_inodes(int family, std::uint16_t port, std::set<std::string>& inodes) {
  const int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return false;
  struct {
    nlmsghdr header;
    inet_diag_req_v2 request;
  } ask{};
  ask.header.nlmsg_len = sizeof ask;
  ask.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  ask.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  ask.request.sdiag_family = static_cast<std::uint8_t>(family);
  ask.request.sdiag_protocol = IPPROTO_TCP;
  ask.request.idiag_states = 1U << TCP_LISTEN;
  bool answered = false;
  if (::send(fd, &ask, sizeof ask, 0) == static_cast<ssize_t>(sizeof ask)) {
    alignas(nlmsghdr) char buffer[16384];
    for (bool done = false; !done;) {
      const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      int left = static_cast<int>(got);
      for (auto* message = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(message, left);
           message = NLMSG_NEXT(message, left)) {
        if (message->nlmsg_type == NLMSG_DONE) {
          answered = done = true;
          break;
        }
        if (message->nlmsg_type == NLMSG_ERROR) {
          done = true;
          break;
        }
        const auto* socket = static_cast<const inet_diag_msg*>(NLMSG_DATA(message));
        if (ntohs(socket->id.idiag_sport) == port) inodes.insert(std::to_string(socket->idiag_inode));
      }
    }
  }
  ::close(fd);
  return answered;
}

std::set<std::string> listening_inodes(std::uint16_t port) {
  std::set<std::string> inodes;
  if (!ask_listening_inodes(AF_INET, port, inodes)) read_listening_inodes("/proc/net/tcp", port, inodes);
  if (!ask_listening_inodes(AF_INET6, port, inodes)) read_listening_inodes("/proc/net/tcp6", port, inodes);
  return inodes;
}

// The process last found listening on each port, and its socket: looked
// at first next time. A socket is one inode for as long as it is open, so
// that process still holding it is still that listener, and the read of
// /proc/net/tcp (milliseconds of kernel time on a busy host) is skipped:
// a launch finds its program, and the baseline reuses what it found.
class LastHolders {
 public:
  std::optional<std::pair<pid_t, std::string>> get(std::uint16_t port) {
    std::lock_guard lock(mutex_);
    const auto found = holders_.find(port);
    if (found == holders_.end()) return std::nullopt;
    return found->second;
  }
  void set(std::uint16_t port, std::pair<pid_t, std::string> holder) {
    std::lock_guard lock(mutex_);
    holders_[port] = std::move(holder);
  }

 private:
  std::mutex mutex_;
  std::map<std::uint16_t, std::pair<pid_t, std::string>> holders_;
};

LastHolders& last_holders() {
  static LastHolders holders;
  return holders;
}

std::optional<std::pair<pid_t, std::string>> holder_of(std::uint16_t port, pid_t likely) {
  if (auto last = last_holders().get(port); last && (likely <= 0 || last->first == likely)) {
    if (held_socket("/proc/" + std::to_string(last->first), {last->second})) return last;
  }
  const std::set<std::string> inodes = listening_inodes(port);
  if (inodes.empty()) return std::nullopt;
  auto found = holder(inodes, likely);
  if (found) last_holders().set(port, *found);
  return found;
}

}  // namespace

std::optional<pid_t> listening_process(std::uint16_t port, pid_t likely) {
  const auto found = holder_of(port, likely);
  if (!found) return std::nullopt;
  return found->first;
}

std::optional<ServerIdentity> listening_identity(std::uint16_t port, pid_t likely) {
  const auto found = holder_of(port, likely);
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

std::optional<ServerIdentity> server_identity(const Endpoint& endpoint) {
  if (!is_loopback(endpoint.host)) return std::nullopt;
  return listening_identity(endpoint.port);
}

}  // namespace goleakcheck
