// The leak report the report tests share: the eight leaks of Go 1.26's
// captured leakyservice dump, grouped, with fixed figures, and not reading
// the source files (they are on the machine that captured it).
#pragma once

#include "goleakcheck/report.hpp"

namespace goleakcheck::test {

LeakReport report_of_fixture();

}  // namespace goleakcheck::test
