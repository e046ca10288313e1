#include "launch/log_tail.hpp"

#include <fstream>
#include <iterator>
#include <vector>

#include <fmt/format.h>

namespace goleakcheck::detail {

std::string tail_lines(const std::filesystem::path& file, std::size_t max_lines) {
  constexpr std::streamoff kMaxBytes = 16 * 1024;  // enough for the last lines
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  const std::streamoff start = size > kMaxBytes ? size - kMaxBytes : 0;
  in.seekg(start);
  std::string text(static_cast<std::size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));

  std::vector<std::string_view> lines;
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t newline = rest.find('\n');
    lines.push_back(rest.substr(0, newline));
    rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
  }
  if (start > 0 && !lines.empty()) lines.erase(lines.begin());  // a partial first line
  const std::size_t first = lines.size() > max_lines ? lines.size() - max_lines : 0;
  std::string tail;
  for (std::size_t i = first; i < lines.size(); ++i) fmt::format_to(std::back_inserter(tail), "  | {}\n", lines[i]);
  return tail;
}

}  // namespace goleakcheck::detail
