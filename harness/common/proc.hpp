// Reading /proc: the few facts the launch stage needs about processes.
// Linux only; a process that ends meanwhile simply is not found.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace goleakcheck::detail {

// The fields of /proc/PID/stat after the command (which may hold spaces and
// parentheses): field 3 (state) first, field 4 (ppid) second. Empty when
// the process is gone.
std::vector<std::string> stat_fields(pid_t pid);

// The parent of `pid`, or 0.
pid_t parent_of(pid_t pid);

// The pids of every process in /proc.
std::vector<pid_t> all_processes();

// The processes whose parent is this one.
std::vector<pid_t> child_processes();

// True when `pid` is `ancestor` or descends from it (by parent pids).
bool descends_from(pid_t pid, pid_t ancestor);

}  // namespace goleakcheck::detail
