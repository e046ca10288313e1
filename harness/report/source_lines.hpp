// Quoting the user's source in reports: the line and the one before it,
// when the file is on this machine.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace goleakcheck::detail {

// Reads each file once per report. Not thread-safe.
class SourceLines {
 public:
  // Lines `line - 1` and `line` of `file` (1-based) as "  41 | text", the
  // asked-for one marked with '>'; empty when the file cannot be read or
  // has no such line.
  std::vector<std::string> quote(const std::string& file, int line);

  // The text of line `line` of `file`, or empty.
  std::string_view text(const std::string& file, int line);

 private:
  const std::vector<std::string>& lines(const std::string& file);

  std::map<std::string, std::vector<std::string>> files_;
};

}  // namespace goleakcheck::detail
