// Reading a small file whole without ever throwing: /proc files of
// processes that may end meanwhile, and source files named by a dump from
// another machine. Not std::ifstream: libstdc++ throws from its read on an
// error (ESRCH from a /proc file whose process ended, EISDIR), whatever
// the stream's exception mask.
#pragma once

#include <cstddef>
#include <string>

namespace goleakcheck::detail {

struct ReadLimits {
  std::size_t max_bytes = std::size_t{16} << 20;  // a larger regular file is not read at all
  bool regular_only = false;                      // refuse directories, devices, pipes
};

// The file's bytes, or what could be read of them before an error; empty
// when it cannot be opened or is refused by `limits`.
std::string read_file_quietly(const std::string& path, ReadLimits limits = {});

}  // namespace goleakcheck::detail
