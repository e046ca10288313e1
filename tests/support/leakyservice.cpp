#include "leakyservice.hpp"

#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <boost/process.hpp>
#include <gtest/gtest.h>
#include <httplib.h>

#include "processes.hpp"
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

std::vector<std::string> requests_logged(const Program& program) {
  constexpr std::string_view kMark = "request: ";
  std::ifstream log(program.stderr_log());
  std::vector<std::string> requests;
  for (std::string line; std::getline(log, line);) {
    const std::size_t at = line.find(kMark);
    if (at != std::string::npos) requests.push_back(line.substr(at + kMark.size()));
  }
  return requests;
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

CliResult run_cli(const std::vector<std::string>& args, const std::filesystem::path& stdin_file,
                  const std::map<std::string, std::string>& env_overrides, const std::filesystem::path& stdout_file) {
  namespace bp = boost::process;
  std::string pattern = (std::filesystem::temp_directory_path() / "goleakcheck-cli-test.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  const std::filesystem::path dir = pattern;
  CliResult result;
  // Everything the CLI starts carries the token, and its temporary files
  // go to a TMPDIR of its own: afterwards, neither may be left.
  const std::string token = unique_token();
  const std::filesystem::path tmpdir = dir / "tmp";
  std::filesystem::create_directory(tmpdir);
  {
    bp::environment env = boost::this_process::environment();
    env["GOLEAKCHECK_TEST_TOKEN"] = token;
    env["TMPDIR"] = tmpdir.string();
    for (const auto& [name, value] : env_overrides) env[name] = value;
    const std::string in = stdin_file.empty() ? std::string("/dev/null") : stdin_file.string();
    bp::child cli(bp::exe = GOLEAKCHECK_CLI_BIN, bp::args = args, env, bp::std_in < in,
                  bp::std_out > (stdout_file.empty() ? dir / "out" : stdout_file).string(),
                  bp::std_err > (dir / "err").string());
    cli.wait();
    result.exit_code = cli.exit_code();
  }
  if (stdout_file.empty()) result.out = read_file(dir / "out");
  result.err = read_file(dir / "err");
  std::vector<pid_t> left = processes_with(token);
  for (const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
       !left.empty() && std::chrono::steady_clock::now() < deadline; left = processes_with(token)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // a process the CLI killed may take a moment to go
  }
  if (!left.empty()) ADD_FAILURE() << "goleakcheck left processes behind: " << describe_processes(left);
  if (!std::filesystem::is_empty(tmpdir)) ADD_FAILURE() << "goleakcheck left temporary files in " << tmpdir;
  for (pid_t pid : left) ::kill(pid, SIGKILL);
  std::filesystem::remove_all(dir);
  return result;
}

}  // namespace goleakcheck::test
