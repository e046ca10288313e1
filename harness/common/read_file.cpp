#include "common/read_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace goleakcheck::detail {

std::string read_file_quietly(const std::string& path, ReadLimits limits) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string text;
  struct stat info {};
  const bool stat_ok = ::fstat(fd, &info) == 0;
  // /proc files report size 0: only a regular file's size can refuse it.
  const bool refused = !stat_ok || (limits.regular_only && !S_ISREG(info.st_mode)) ||
                       (S_ISREG(info.st_mode) && static_cast<std::size_t>(info.st_size) > limits.max_bytes);
  if (!refused) {
    char buffer[65536];
    while (text.size() < limits.max_bytes) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the end, or the process went away meanwhile
      text.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return text;
}

}  // namespace goleakcheck::detail
