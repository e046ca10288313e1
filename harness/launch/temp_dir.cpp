#include "launch/temp_dir.hpp"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "goleakcheck/error.hpp"
#include "launch/cleanup.hpp"

namespace goleakcheck::detail {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/goleakcheck.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Error(ErrorKind::io, fmt::format("cannot create a temporary directory {}: {}", pattern, std::strerror(errno)));
  }
  path_ = pattern;
  register_temp_dir(path_);
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  unregister_temp_dir(path_);
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace goleakcheck::detail
