// The user's source lines, when the files are on this machine: reports
// quote the blocking line and the one before it, and watch tells a channel
// send from a receive by the line's text.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace goleakcheck {

// Reads each file at most once, on first use, and keeps its lines for the
// object's lifetime (one per report or watch). Not thread-safe. A file that
// cannot be read counts as empty: nothing is thrown.
class SourceLines {
 public:
  // Lines `line - 1` and `line` of `file` (1-based) as "  41 | text", the
  // asked-for one marked with '>'; empty when the file cannot be read or
  // has no such line.
  std::vector<std::string> quote(const std::string& file, int line);

  // The text of line `line` of `file`, or empty; valid as long as this
  // object.
  std::string_view text(const std::string& file, int line);

 private:
  const std::vector<std::string>& lines(const std::string& file);

  std::map<std::string, std::vector<std::string>> files_;
};

}  // namespace goleakcheck
