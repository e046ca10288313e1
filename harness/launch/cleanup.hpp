// What must not outlive a harness that is interrupted: the process groups
// of the children it started and its temporary directories. ChildProcess
// and TempDir register themselves here while they live; the signal handler
// of clean_up_on_signals (goleakcheck/interrupt.hpp) stops and removes
// whatever is registered when a signal arrives. Thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>

namespace goleakcheck::detail {

void register_group(pid_t group);
void unregister_group(pid_t group);
void register_temp_dir(const std::filesystem::path& dir);
void unregister_temp_dir(const std::filesystem::path& dir);

// SIGTERM to every registered group and to the group of every child of
// this process (one may have just been started, not registered yet), up to
// `grace` for them to exit, then SIGKILL; then every registered directory is
// removed. For shutdown: the objects that registered them are not told.
void clean_up_everything(std::chrono::milliseconds grace);

}  // namespace goleakcheck::detail
