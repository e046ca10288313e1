// `goleakcheck parse` and `goleakcheck snapshot`: work on dumps without a
// check, e.g. to read a customer's saved dump.
#pragma once

#include <string>
#include <vector>

#include "exit_code.hpp"
#include "goleakcheck/http_client.hpp"

namespace goleakcheck::cli {

struct ParseOptions {
  std::string source;           // a file, "-" for stdin, or http://host:port
  std::vector<std::string> formats;  // --format text|json[:FILE], repeatable; none: text
  FetchLimits fetch;            // for a URL
};

struct SnapshotOptions {
  std::string url;     // http://host:port
  std::string output;  // file to write the dump to
  FetchLimits fetch;
};

// Prints the goroutines of a dump.
ExitCode parse(const ParseOptions& options);

// Saves GET URL/debug/pprof/goroutine?debug=2 exactly as served, streamed
// to the file.
ExitCode snapshot(const SnapshotOptions& options);

}  // namespace goleakcheck::cli
