// Finding the processes a test started, by a token in their environment
// (inherited by every descendant), to prove none is left behind.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace goleakcheck::test {

// A token no other test or run uses.
std::string unique_token();

// Processes (not zombies) whose environment holds `token`.
std::vector<pid_t> processes_with(const std::string& token);

// "pid (command) state ..." of each, for failure messages.
std::string describe_processes(const std::vector<pid_t>& pids);

}  // namespace goleakcheck::test
