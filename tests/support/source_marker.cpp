#include "source_marker.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace goleakcheck::test {

int marker_line(const std::filesystem::path& file, std::string_view name) {
  std::ifstream in(file);
  const std::string marker = "// leak:" + std::string(name);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.ends_with(marker)) return number;
  }
  throw std::runtime_error("no '" + marker + "' in " + file.string());
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path write_temp(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / (name + "." + std::to_string(::getpid()));
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace goleakcheck::test
