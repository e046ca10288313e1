// Headless chromium (Debian's) for the tests of HTML pages: a scratch
// directory per test for its profile (never shared between parallel tests),
// and a run on one page.
#pragma once

#include <filesystem>
#include <string>

namespace goleakcheck::test {

// A scratch directory of this test process's own, removed at the end.
class Scratch {
 public:
  Scratch();
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return dir_ / name; }
  const std::filesystem::path& path() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

// Runs headless chromium on `page` with `arguments` (--dump-dom,
// --screenshot=FILE, ...); returns its stdout. A failed run is a test
// failure (EXPECT), with the command.
std::string chromium(const Scratch& scratch, const std::filesystem::path& page, const std::string& arguments);

}  // namespace goleakcheck::test
