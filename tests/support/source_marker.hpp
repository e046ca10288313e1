// Test helpers shared by the suites.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace goleakcheck::test {

// The 1-based line of `file` that carries the comment "// leak:<name>":
// tests find expected blocking sites this way instead of hard-coding lines.
int marker_line(const std::filesystem::path& file, std::string_view name);

std::string read_file(const std::filesystem::path& file);

// Writes `content` to "<name>.<pid>" in the temporary directory and returns
// its path; the caller removes it.
std::filesystem::path write_temp(const std::string& name, const std::string& content);

inline std::filesystem::path fixture(std::string_view name) {
  return std::filesystem::path(GOLEAKCHECK_FIXTURES_DIR) / name;
}

inline std::filesystem::path leakyservice_source(std::string_view file) {
  return std::filesystem::path(GOLEAKCHECK_LEAKYSERVICE_SRC) / file;
}

}  // namespace goleakcheck::test
