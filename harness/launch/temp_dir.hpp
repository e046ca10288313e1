// A unique directory under $TMPDIR (or /tmp), removed when destroyed unless
// released: two harnesses on one machine never share files.
#pragma once

#include <filesystem>
#include <string>
#include <utility>

namespace goleakcheck::detail {

class TempDir {
 public:
  TempDir();  // throws Error(ErrorKind::io)
  TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace goleakcheck::detail
