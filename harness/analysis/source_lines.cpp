#include "goleakcheck/source_lines.hpp"

#include "common/read_file.hpp"

#include <sstream>

#include <fmt/format.h>

namespace goleakcheck {

const std::vector<std::string>& SourceLines::lines(const std::string& file) {
  auto [it, inserted] = files_.try_emplace(file);
  if (inserted) {
    // A report names files from another machine as often as from this
    // one: a file that is not here is no error, only nothing to quote.
    std::istringstream in(detail::read_file_quietly(file, detail::ReadLimits{.regular_only = true}));
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

}  // namespace goleakcheck
