// An anonymous file in memory (memfd) that a child can write its output
// to: nothing on disk, so nothing to remove, even when we are killed.
#pragma once

#include <filesystem>
#include <optional>
#include <utility>

namespace goleakcheck::detail {

class MemoryFile {
 public:
  // nullopt where the kernel offers no memfd_create (before Linux 3.17, or
  // a sandbox that forbids it): the caller falls back to a real file.
  static std::optional<MemoryFile> create(const char* name);

  MemoryFile(MemoryFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  MemoryFile& operator=(MemoryFile&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~MemoryFile();

  // /proc/<our pid>/fd/<fd>: opening it opens this file (another process
  // of the same user may too), while this object lives.
  std::filesystem::path path() const;

 private:
  explicit MemoryFile(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace goleakcheck::detail
