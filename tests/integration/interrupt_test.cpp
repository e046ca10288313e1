// Nothing is left behind when goleakcheck is interrupted, killed or cut off:
// the real CLI, real signals, real processes. Each test marks everything it
// starts with a token in the environment (inherited by every descendant)
// and its own TMPDIR, so it finds exactly its own processes and files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <boost/process.hpp>

#include "goleakcheck/program.hpp"
#include "goleakcheck/scenario.hpp"
#include "eventually.hpp"
#include "leakyservice.hpp"
#include "processes.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

namespace bp = boost::process;
using test::processes_with;

using test::eventually;

// One interrupted run: the CLI with a token and a TMPDIR of its own.
class InterruptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "goleakcheck-interrupt.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    tmpdir_ = pattern;
  }
  void TearDown() override {
    for (pid_t pid : processes_with(token_)) ::kill(pid, SIGKILL);  // never leave ours behind, even on failure
    std::filesystem::remove_all(tmpdir_);
  }

  // Starts `goleakcheck run [OPTIONS] --scenario SCENARIO -- PROGRAM...`
  // (leakyservice by default).
  bp::child start(const std::string& scenario, bp::pipe* out = nullptr, std::vector<std::string> options = {},
                  std::vector<std::string> program = {GOLEAKCHECK_LEAKYSERVICE_BIN, "-addr", "{addr}"}) {
    bp::environment env = boost::this_process::environment();
    env["GOLEAKCHECK_TEST_TOKEN"] = token_;
    env["TMPDIR"] = tmpdir_.string();
    env["PATH"] = std::filesystem::path(GOLEAKCHECK_HIT_BIN).parent_path().string() + ":" + env["PATH"].to_string();
    std::vector<std::string> args = {"run"};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"--scenario", scenario, "--"});
    args.insert(args.end(), program.begin(), program.end());
    if (out != nullptr) return bp::child(bp::exe = GOLEAKCHECK_CLI_BIN, bp::args = args, env, bp::std_out > *out, bp::std_err > bp::null);
    return bp::child(bp::exe = GOLEAKCHECK_CLI_BIN, bp::args = args, env, bp::std_out > bp::null, bp::std_err > bp::null);
  }

  // The running program and scenario are there: two of ours besides the CLI.
  bool scenario_running(pid_t cli) {
    const auto ours = processes_with(token_);
    std::size_t others = 0;
    for (pid_t pid : ours) others += pid != cli;
    return others >= 3;  // leakyservice, sh and sleep
  }

  int wait_status(bp::child& cli) {
    int status = 0;
    while (::waitpid(cli.id(), &status, 0) < 0 && errno == EINTR) {
    }
    cli.detach();
    return status;
  }

  bool nothing_left() { return processes_with(token_).empty(); }

  // Sends `signal` to the CLI and checks it ends as promised: status
  // 128 + signal, no process of this test's and no temporary file left.
  void expect_stopped_cleanly(bp::child& cli, int signal) {
    ::kill(cli.id(), signal);
    const int status = wait_status(cli);
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 128 + signal);
    EXPECT_TRUE(eventually([&] { return nothing_left(); })) << "left behind: " << left_behind();
    EXPECT_TRUE(no_temp_files());
  }

  // What is left, for a failure message: "pid (command, state)".
  std::string left_behind() { return test::describe_processes(processes_with(token_)); }
  bool no_temp_files() { return std::filesystem::is_empty(tmpdir_); }

  std::string token_ = test::unique_token();
  std::filesystem::path tmpdir_;
};

class SignalTest : public InterruptTest, public ::testing::WithParamInterface<int> {};

// The library decides no exit status: without an exit policy of the
// caller's, a signal stops what the process launched, then the signal's
// own default action ends it (a death by that signal, not an exit).
TEST_P(SignalTest, WithoutAnExitPolicyTheLibraryCleansUpAndDiesOfTheSignal) {
  const int signal = GetParam();
  bp::environment env = boost::this_process::environment();
  env["GOLEAKCHECK_TEST_TOKEN"] = token_;
  env["TMPDIR"] = tmpdir_.string();
  bp::child program(bp::exe = GOLEAKCHECK_DEFAULT_ENDING_BIN, env, bp::std_out > bp::null, bp::std_err > bp::null);
  ASSERT_TRUE(eventually([&] { return processes_with(token_).size() >= 2; })) << "leakyservice never started";
  ::kill(program.id(), signal);
  const int status = wait_status(program);
  ASSERT_TRUE(WIFSIGNALED(status)) << "ended with status " << status << " instead of dying of signal " << signal;
  EXPECT_EQ(WTERMSIG(status), signal);
  EXPECT_TRUE(eventually([&] { return nothing_left(); })) << "left behind: " << left_behind();
  EXPECT_TRUE(no_temp_files());
}

TEST_P(SignalTest, StopsProgramScenarioAndTempFilesThenExitsConventionally) {
  const int signal = GetParam();
  bp::child cli = start("sleep 30");
  ASSERT_TRUE(eventually([&] { return scenario_running(cli.id()); })) << "the scenario never started";
  expect_stopped_cleanly(cli, signal);
}

INSTANTIATE_TEST_SUITE_P(Signals, SignalTest, ::testing::Values(SIGINT, SIGTERM, SIGHUP),
                         [](const ::testing::TestParamInfo<int>& info) { return std::string(sigabbrev_np(info.param)); });

// The same in the other phases: while waiting for the program to be ready,
// and while settling after the scenario.
TEST_F(InterruptTest, ASignalWhileWaitingForReadinessStopsEverything) {
  bp::child cli = start("true", nullptr, {"--ready-timeout", "60s"},
                        {GOLEAKCHECK_HOSTILE_BIN, "-addr", "{addr}", "-mode", "trickle-ready"});
  ASSERT_TRUE(eventually([&] { return processes_with(token_).size() >= 2; })) << "the program never started";
  expect_stopped_cleanly(cli, SIGTERM);
}

TEST_F(InterruptTest, ASignalWhileSettlingStopsEverything) {
  bp::child cli = start("hit \"$GOLEAKCHECK_URL/ncast\"", nullptr, {"--settle", "60s"});
  // Settling: the scenario is done and only the program is left with the CLI.
  ASSERT_TRUE(eventually([&] { return processes_with(token_).size() == 2 && ::kill(cli.id(), 0) == 0; }));
  ASSERT_TRUE(eventually([&] {
    for (pid_t pid : processes_with(token_)) {
      std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
      std::string name;
      comm >> name;
      if (name == "hit" || name == "sh") return false;
    }
    return true;
  }));
  expect_stopped_cleanly(cli, SIGINT);
}

// SIGKILL cannot be handled: the program still dies with its parent
// (PR_SET_PDEATHSIG). What the scenario started, and the temporary
// directory, cannot be cleaned by a process that was killed outright.
TEST_F(InterruptTest, SigkillStillTakesTheProgramDown) {
  bp::child cli = start("sleep 30");
  ASSERT_TRUE(eventually([&] { return scenario_running(cli.id()); }));
  std::vector<pid_t> programs;
  for (pid_t pid : processes_with(token_)) {
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    comm >> name;
    if (name == "leakyservice") programs.push_back(pid);
  }
  ASSERT_EQ(programs.size(), 1u);
  ::kill(cli.id(), SIGKILL);
  wait_status(cli);
  EXPECT_TRUE(eventually([&] { return ::kill(programs[0], 0) != 0; })) << "the program outlived a SIGKILLed goleakcheck";
}

// A grandchild that left the scenario's process group with setsid.
TEST_F(InterruptTest, SetsidGrandchildrenAreStopped) {
  bp::child cli = start("setsid sleep 30 & true");
  const int status = wait_status(cli);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_TRUE(eventually([&] { return nothing_left(); })) << "left behind: " << left_behind();
  EXPECT_TRUE(no_temp_files());
}

// `goleakcheck run ... | head -0`: the report's reader is gone before it is
// written; the program was stopped first.
TEST_F(InterruptTest, AReaderThatGoesAwayCannotCostTheStop) {
  bp::pipe out;
  bp::child cli = start("hit \"$GOLEAKCHECK_URL/ncast\"", &out);
  out.close();  // our ends: no reader is left, so writing the report fails with EPIPE
  const int status = wait_status(cli);
  EXPECT_TRUE(WIFEXITED(status)) << "killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  EXPECT_TRUE(eventually([&] { return nothing_left(); })) << "left behind: " << left_behind();
  EXPECT_TRUE(no_temp_files());
}

// The program and the scenario get stdin, stdout and stderr, and none of the
// harness's other descriptors.
TEST(Descriptors, ChildrenInheritOnlyStdio) {
  const std::filesystem::path marker =
      std::filesystem::temp_directory_path() / ("goleakcheck-marker." + std::to_string(::getpid()));
  const int fd = ::open(marker.c_str(), O_CREAT | O_WRONLY, 0600);  // no O_CLOEXEC, on purpose
  ASSERT_GE(fd, 0);
  const auto links_of = [](pid_t pid) {
    std::vector<std::string> links;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
      std::error_code error;
      links.push_back(std::filesystem::read_symlink(entry.path(), error).string());
    }
    return links;
  };
  {
    Program program = Program::launch(test::leakyservice());
    EXPECT_THAT(links_of(program.pid()), ::testing::Not(::testing::Contains(marker.string())));
  }
  const std::filesystem::path seen =
      std::filesystem::temp_directory_path() / ("goleakcheck-fds-seen." + std::to_string(::getpid()));
  run_scenario(Scenario{"for fd in /proc/$$/fd/*; do readlink \"$fd\"; done > " + seen.string() + "; true", {},
                        std::chrono::seconds(10)});
  EXPECT_THAT(test::read_file(seen), ::testing::Not(::testing::HasSubstr(marker.string())));
  ::close(fd);
  std::filesystem::remove(marker);
  std::filesystem::remove(seen);
}

}  // namespace
}  // namespace goleakcheck
