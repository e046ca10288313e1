// Runs the fuzz target over saved inputs, so the regressions the fuzzer
// found (and the captured fixtures) are checked by every ordinary build.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

// Usage: fuzz_replay [--raw DIR]... [DIR]...
// --raw: inputs as the fuzzer saves them (the first byte picks the split).
// Otherwise: dump texts, each read at many split points.
int main(int argc, char** argv) {
  std::size_t inputs = 0;
  for (int i = 1; i < argc; ++i) {
    const bool raw = std::string(argv[i]) == "--raw" && i + 1 < argc;
    if (raw) ++i;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[i])) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string text((std::istreambuf_iterator<char>(in)), {});
      ++inputs;
      if (raw) {
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
        continue;
      }
      // Every split point of small inputs; a few of large ones.
      const std::size_t step = text.size() < 512 ? 1 : text.size() / 61 + 1;
      for (std::size_t split = 0; split < 256 && split <= text.size(); split += step) {
        std::vector<std::uint8_t> input(text.size() + 1);
        input[0] = static_cast<std::uint8_t>(split);
        std::copy(text.begin(), text.end(), input.begin() + 1);
        LLVMFuzzerTestOneInput(input.data(), input.size());
      }
    }
  }
  std::printf("replayed %zu inputs\n", inputs);
  return inputs > 0 ? 0 : 1;
}
