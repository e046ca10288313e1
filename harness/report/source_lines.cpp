#include "report/source_lines.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include <fmt/format.h>

namespace goleakcheck::detail {

namespace {

constexpr std::size_t kLargestSource = std::size_t{16} << 20;

// A regular file's text, or empty. Not std::ifstream: its read throws on
// an error (a directory, say), and a report must never fail on a path
// from another machine.
std::string read_source(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  struct stat info {};
  std::string text;
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && static_cast<std::size_t>(info.st_size) <= kLargestSource) {
    char buffer[65536];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR);) {
      if (n > 0) text.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return text;
}

}  // namespace

const std::vector<std::string>& SourceLines::lines(const std::string& file) {
  auto [it, inserted] = files_.try_emplace(file);
  if (inserted) {
    // A report names files from another machine as often as from this
    // one: a file that is not here is no error, only nothing to quote.
    std::istringstream in(read_source(file));
    for (std::string text; std::getline(in, text);) it->second.push_back(std::move(text));
  }
  return it->second;
}

std::string_view SourceLines::text(const std::string& file, int line) {
  const std::vector<std::string>& all = lines(file);
  if (line < 1 || static_cast<std::size_t>(line) > all.size()) return {};
  return all[static_cast<std::size_t>(line - 1)];
}

std::vector<std::string> SourceLines::quote(const std::string& file, int line) {
  const std::vector<std::string>& lines = this->lines(file);
  std::vector<std::string> quoted;
  if (line < 1 || static_cast<std::size_t>(line) > lines.size()) return quoted;
  for (int n = std::max(1, line - 1); n <= line; ++n) {
    std::string text = lines[static_cast<std::size_t>(n - 1)];
    for (char& c : text) {
      if (c == '\t') c = ' ';
    }
    quoted.push_back(fmt::format("{} {:>5} | {}", n == line ? '>' : ' ', n, text));
  }
  return quoted;
}

}  // namespace goleakcheck::detail
