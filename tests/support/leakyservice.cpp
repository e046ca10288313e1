#include "leakyservice.hpp"

#include <stdlib.h>

#include <stdexcept>

#include <boost/process.hpp>
#include <httplib.h>

#include "source_marker.hpp"

namespace goleakcheck::test {

LaunchOptions leakyservice(std::vector<std::string> extra_flags) {
  LaunchOptions options;
  options.argv = {GOLEAKCHECK_LEAKYSERVICE_BIN, "-addr", "{addr}"};
  options.argv.insert(options.argv.end(), extra_flags.begin(), extra_flags.end());
  return options;
}

std::string get(const Program& program, std::string_view path) {
  httplib::Client client(program.endpoint().host, program.endpoint().port);
  auto result = client.Get(std::string(path));
  if (!result) throw std::runtime_error("GET " + std::string(path) + " failed: " + httplib::to_string(result.error()));
  if (result->status != 200) throw std::runtime_error("GET " + std::string(path) + ": HTTP " + std::to_string(result->status));
  return result->body;
}

bool process_running_with(std::string_view text) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline;
    try {
      cmdline = read_file(entry.path() / "cmdline");
    } catch (const std::exception&) {
      continue;  // it ended while we looked
    }
    for (char& c : cmdline) {
      if (c == '\0') c = ' ';
    }
    if (cmdline.find(text) != std::string::npos) return true;
  }
  return false;
}

CliResult run_cli(const std::vector<std::string>& args, const std::filesystem::path& stdin_file) {
  namespace bp = boost::process;
  std::string pattern = (std::filesystem::temp_directory_path() / "goleakcheck-cli-test.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  const std::filesystem::path dir = pattern;
  CliResult result;
  {
    const std::string in = stdin_file.empty() ? std::string("/dev/null") : stdin_file.string();
    bp::child cli(bp::exe = GOLEAKCHECK_CLI_BIN, bp::args = args, bp::std_in < in,
                  bp::std_out > (dir / "out").string(), bp::std_err > (dir / "err").string());
    cli.wait();
    result.exit_code = cli.exit_code();
  }
  result.out = read_file(dir / "out");
  result.err = read_file(dir / "err");
  std::filesystem::remove_all(dir);
  return result;
}

}  // namespace goleakcheck::test
