// Launching and stopping the program under test: every failure is a clear
// error, and nothing is ever left running.
#include <sys/wait.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goleakcheck/error.hpp"
#include "goleakcheck/gtest.hpp"
#include "leakyservice.hpp"

namespace goleakcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

Error launch_error(LaunchOptions options) {
  try {
    Program::launch(std::move(options));
  } catch (const Error& e) {
    return e;
  }
  throw std::runtime_error("the launch succeeded");
}

bool reaped(int pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

TEST(Launch, ProgramCrashingAtStartGivesItsStatusAndStderrTail) {
  const Error e = launch_error(test::leakyservice({"-crash-at-start"}));
  EXPECT_EQ(e.kind(), ErrorKind::program_exited);
  EXPECT_THAT(e.what(), HasSubstr("leakyservice exited with status 3 before its pprof endpoint answered; the end of "
                                  "its stderr follows"));
  EXPECT_THAT(e.details(), HasSubstr("  | leakyservice: config error: crash requested by -crash-at-start"));
  EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "the reason must be one line";
}

// What a ProgramPerSuite or ProgramPerTest fixture fails with when the
// program does not start: the reason and the program's own last words.
TEST(Launch, FixturesReportTheLaunchErrorWithItsStderrTail) {
  const Error e = launch_error(test::leakyservice({"-crash-at-start"}));
  const std::string said = testing::describe_launch_failure(e);
  EXPECT_THAT(said, ::testing::StartsWith("leakyservice exited with status 3"));
  EXPECT_THAT(said, HasSubstr("\n  | leakyservice: config error: crash requested by -crash-at-start"));
  EXPECT_EQ(testing::describe_launch_failure(std::runtime_error("plain")), "plain");
}

TEST(Launch, ProgramWithoutPprofSaysHowToEnableIt) {
  const Error e = launch_error(test::leakyservice({"-no-pprof"}));
  EXPECT_EQ(e.kind(), ErrorKind::no_pprof);
  EXPECT_THAT(e.what(), HasSubstr("/debug/pprof/goroutine?debug=1 answered HTTP 404"));
  EXPECT_THAT(e.what(), HasSubstr("register net/http/pprof"));
}

TEST(Launch, ProgramThatNeverListensTimesOutAndIsStopped) {
  LaunchOptions options;
  options.argv = {"/bin/sleep", "41.2718"};  // a marker to look for in /proc
  options.ready_timeout = std::chrono::milliseconds(300);
  const Error e = launch_error(options);
  EXPECT_EQ(e.kind(), ErrorKind::not_ready);
  EXPECT_THAT(e.what(), HasSubstr("nothing answered at http://127.0.0.1:"));
  EXPECT_FALSE(test::process_running_with("41.2718")) << "the program was left running";
}

TEST(Launch, MissingProgramIsALaunchFailure) {
  LaunchOptions options;
  options.argv = {"/nonexistent/goleakcheck-test-program"};
  EXPECT_EQ(launch_error(options).kind(), ErrorKind::launch_failed);
  options.argv = {"goleakcheck-no-such-program-on-path"};
  const Error e = launch_error(options);
  EXPECT_EQ(e.kind(), ErrorKind::launch_failed);
  EXPECT_THAT(e.what(), HasSubstr("not found on PATH"));
}

TEST(Launch, ProgramGetsItsAddressFromTheEnvironmentToo) {
  LaunchOptions options;
  options.argv = {GOLEAKCHECK_LEAKYSERVICE_BIN};  // no -addr: reads GOLEAKCHECK_ADDR
  Program program = Program::launch(options);
  EXPECT_EQ(test::get(program, "/healthz"), "ok\n");
}

TEST(Launch, TwoProgramsAtOnceGetTheirOwnPortsAndLogs) {
  Program a = Program::launch(test::leakyservice());
  Program b = Program::launch(test::leakyservice());
  EXPECT_NE(a.endpoint().port, b.endpoint().port);
  EXPECT_NE(a.stderr_log(), b.stderr_log());
  EXPECT_EQ(test::get(a, "/healthz"), "ok\n");
  EXPECT_EQ(test::get(b, "/healthz"), "ok\n");
}

TEST(Launch, ChattyProgramNeverBlocksOnItsOutput) {
  constexpr int kBytes = 4 << 20;  // far more than a 64 KiB pipe holds
  Program program = Program::launch(test::leakyservice({"-chatty-bytes", std::to_string(kBytes)}));
  testing::LeakGuard guard(program);
  EXPECT_NO_GOROUTINE_LEAKS(guard);
  EXPECT_GE(std::filesystem::file_size(program.stderr_log()), static_cast<std::uintmax_t>(kBytes));
  EXPECT_GE(std::filesystem::file_size(program.stdout_log()), static_cast<std::uintmax_t>(kBytes));
}

TEST(Stop, GracefulStopReapsTheProgram) {
  Program program = Program::launch(test::leakyservice());
  const int pid = program.pid();
  const ExitStatus status = program.stop();
  EXPECT_TRUE(status.success()) << status.describe();  // it handled SIGTERM
  EXPECT_TRUE(reaped(pid)) << "a zombie or a live process was left behind";
  EXPECT_EQ(program.stop().code, status.code);  // idempotent
}

std::string read_whole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// By default the output is held in memory: readable at its path while the
// Program lives, never a file on disk, gone with the Program.
TEST(Logs, HeldInMemoryByDefaultAndGoneWithTheProgram) {
  std::filesystem::path log;
  {
    Program program = Program::launch(test::leakyservice());
    log = program.stderr_log();
    EXPECT_THAT(log.string(), StartsWith("/proc/"));
    EXPECT_THAT(read_whole(log), HasSubstr("leakyservice: serving on http://" + program.endpoint().address()));
    program.stop();
    EXPECT_THAT(read_whole(log), HasSubstr("leakyservice: stopped"));  // written as it exited
    Program moved = std::move(program);
    EXPECT_EQ(moved.stderr_log(), log);
  }
  EXPECT_FALSE(std::filesystem::exists(log)) << log << " outlived its Program";
}

TEST(Logs, GoToTheLogDirWhenGivenAndStayThere) {
  const auto dir = std::filesystem::temp_directory_path() / ("goleakcheck-logs." + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  LaunchOptions options = test::leakyservice();
  options.log_dir = dir / "nested";
  {
    Program program = Program::launch(options);
    EXPECT_EQ(program.stderr_log(), dir / "nested" / "stderr.log");
    EXPECT_EQ(program.stdout_log(), dir / "nested" / "stdout.log");
  }
  EXPECT_THAT(read_whole(dir / "nested" / "stderr.log"), HasSubstr("leakyservice: stopped"));
  EXPECT_TRUE(std::filesystem::exists(dir / "nested" / "stdout.log"));
  std::filesystem::remove_all(dir);
}

TEST(Stop, ProgramIgnoringSigtermIsKilledAfterTheGracePeriod) {
  LaunchOptions options = test::leakyservice({"-ignore-sigterm"});
  options.stop_grace = std::chrono::milliseconds(200);
  Program program = Program::launch(options);
  const int pid = program.pid();
  const ExitStatus status = program.stop();
  EXPECT_EQ(status.signal, SIGKILL) << status.describe();
  EXPECT_TRUE(reaped(pid));
}

TEST(Stop, DestructorStopsTheProgramWhenATestThrows) {
  int pid = 0;
  try {
    Program program = Program::launch(test::leakyservice());
    pid = program.pid();
    throw std::runtime_error("a failing test");
  } catch (const std::runtime_error&) {
  }
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(reaped(pid));
}

TEST(Stop, ProgramThatCrashedIsReportedWithItsStatus) {
  Program program = Program::launch(test::leakyservice());
  ::kill(program.pid(), SIGKILL);
  // Wait until it can be reaped (waitid peeks without reaping), never for a
  // fixed time: under load 50 ms was not enough, and a zombie leader is not
  // yet reapable while its other threads still exit.
  const auto ended = [&] {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(program.pid()), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == program.pid();
  };
  for (const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       !ended() && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  try {
    program.check_alive();
    FAIL() << "check_alive() missed the crash";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), StartsWith("leakyservice was killed by signal 9"));
  }
}

}  // namespace
}  // namespace goleakcheck
