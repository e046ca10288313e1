// What `run` and `diff` share: the user's ignore rules, and writing the
// report where and how it was asked for.
#pragma once

#include <string>
#include <vector>

#include "goleakcheck/ignore.hpp"
#include "goleakcheck/report.hpp"

namespace goleakcheck::cli {

// The user's rules, from files and then --ignore; the defaults are added
// by the check itself (rules_in_force), in the same order as from C++.
// Throws Error(usage) for a bad rule, before anything is launched.
std::vector<Ignore> user_rules(const std::vector<std::string>& files, const std::vector<std::string>& rules);

// Writes `report` as `format` (text or json) to `output` (empty or "-":
// stdout). Throws Error(io) when the file cannot be written.
void write_report(const std::string& format, const std::string& output, const LeakReport& report);

// On stderr, each of the user's rules that matched no goroutine.
void warn_unused_ignores(const LeakReport& report);

}  // namespace goleakcheck::cli
