// Times the dump reader on one dump file:
//   parse_bench FILE [--runs N] [--mode memory|stream]
// memory: the text is read into memory first and parse_dump is timed, as a
//         parser is usually compared;
// stream: the file is read in 1 MiB chunks into a DumpReader, as
//         `goleakcheck parse FILE` and a snapshot fetch do; the peak RSS of
//         this mode is the reader's real footprint.
// Prints one line of key=value figures; tests/bench/run puts them side by
// side with gostackparse and wc -l.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "goleakcheck/dump.hpp"

namespace {

using Clock = std::chrono::steady_clock;

goleakcheck::Snapshot read_streaming(const char* path) {
  std::FILE* file = std::fopen(path, "rb");
  if (file == nullptr) {
    std::perror(path);
    std::exit(2);
  }
  std::vector<char> buffer(std::size_t{1} << 20);
  goleakcheck::DumpReader reader;
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file)) {
    reader.feed(std::string_view(buffer.data(), n));
  }
  std::fclose(file);
  return reader.finish();
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: parse_bench FILE [--runs N] [--mode memory|stream]\n");
    return 2;
  }
  const char* path = argv[1];
  int runs = 11;
  std::string mode = "memory";
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--mode") == 0) mode = argv[i + 1];
  }

  std::string text;
  if (mode == "memory") {
    std::ifstream in(path, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }

  std::vector<double> seconds;
  std::size_t goroutines = 0, frames = 0, bytes = 0;
  bool truncated = false;
  for (int run = 0; run < runs; ++run) {
    const auto start = Clock::now();
    const goleakcheck::Snapshot snapshot = mode == "memory" ? goleakcheck::parse_dump(text) : read_streaming(path);
    seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    goroutines = snapshot.goroutines.size();
    frames = 0;
    for (const auto& g : snapshot.goroutines) frames += g.frames.size();
    bytes = snapshot.bytes;
    truncated = snapshot.truncated;
  }
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds[seconds.size() / 2];
  std::printf("mode=%s runs=%d bytes=%zu goroutines=%zu frames=%zu truncated=%s median_s=%.4f min_s=%.4f "
              "mib_per_s=%.0f peak_rss_mib=%.1f\n",
              mode.c_str(), runs, bytes, goroutines, frames, truncated ? "yes" : "no", median, seconds.front(),
              static_cast<double>(bytes) / (1 << 20) / median, peak_rss_mib());
  return 0;
}
