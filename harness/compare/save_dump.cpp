#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "goleakcheck/compare.hpp"
#include "goleakcheck/endpoint.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/source.hpp"

namespace goleakcheck {

SavedDump save_dump(const std::string& url, const std::string& file, const FetchLimits& limits) {
  const Endpoint endpoint = Endpoint::parse(url);  // a bad URL is a usage error before any file is made
  // Written beside the target and renamed over it only once whole: a failed
  // fetch leaves an existing file as it was, and no partial file.
  const std::filesystem::path target(file);
  std::string temp = (target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path()) /
                     ("." + target.filename().string() + ".XXXXXX");
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) throw Error(ErrorKind::io, fmt::format("cannot write the dump to {}: {}", file, std::strerror(errno)));
  ::close(fd);
  struct RemoveUnlessRenamed {
    std::string path;
    ~RemoveUnlessRenamed() {
      if (!path.empty()) std::filesystem::remove(path);
    }
  } guard{temp};
  std::ofstream out(temp, std::ios::binary | std::ios::trunc);
  std::size_t bytes = 0;
  // Read as it is saved, records handed over and dropped: what is no dump
  // (an HTML page, random bytes) replaces nothing.
  bool writer_seen = false;
  DumpReader reader([&](const Goroutine& g) { writer_seen = writer_seen || writes_the_dump(g); });
  const bool cut = read_source(url, limits, [&](std::string_view chunk) {
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    reader.feed(chunk);
    bytes += chunk.size();
  });
  out.close();
  if (!out) throw Error(ErrorKind::io, fmt::format("cannot write the dump to {}", file));
  if (const std::string why = why_not_a_live_dump(reader.finish(cut), writer_seen); !why.empty()) {
    throw Error(ErrorKind::not_a_dump,
                fmt::format("{}{} answered 200 but is not a goroutine dump: {}; {} was left as it was; is {} the "
                            "program's pprof address?",
                            endpoint.url(), kGoroutineDumpPath, why, file, endpoint.url()));
  }
  std::filesystem::rename(temp, target);
  guard.path.clear();
  return {bytes, cut};
}

}  // namespace goleakcheck
