#include "browser.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "source_marker.hpp"

namespace goleakcheck::test {

Scratch::Scratch() {
  std::string pattern = (std::filesystem::temp_directory_path() / "goleakcheck-html.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
}

Scratch::~Scratch() { std::filesystem::remove_all(dir_); }

std::string chromium(const Scratch& scratch, const std::filesystem::path& page, const std::string& arguments) {
  const auto out = scratch / "chromium.out";
  const std::string command = fmt::format(
      "timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir='{}' {} 'file://{}' "
      "> '{}' 2>/dev/null",
      (scratch / "profile").string(), arguments, page.string(), out.string());
  const int status = std::system(command.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
  return read_file(out);
}

}  // namespace goleakcheck::test
