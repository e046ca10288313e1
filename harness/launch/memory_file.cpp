#include "launch/memory_file.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <string>

namespace goleakcheck::detail {

std::optional<MemoryFile> MemoryFile::create(const char* name) {
  // Close-on-exec: a child gets it only as the stdout or stderr it is given.
  const int fd = ::memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) return std::nullopt;
  return MemoryFile(fd);
}

MemoryFile::~MemoryFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::filesystem::path MemoryFile::path() const {
  return "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(fd_);
}

}  // namespace goleakcheck::detail
