// The end of a program's log, for error messages that show what it said.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace goleakcheck::detail {

// The last `max_lines` lines of a text file, each prefixed with "  | ";
// empty when the file is empty or missing.
std::string tail_lines(const std::filesystem::path& file, std::size_t max_lines);

}  // namespace goleakcheck::detail
