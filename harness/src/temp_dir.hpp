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

// The last `max_lines` lines of a text file, each prefixed with "  | ";
// empty when the file is empty or missing.
std::string tail_lines(const std::filesystem::path& file, std::size_t max_lines);

}  // namespace goleakcheck::detail
