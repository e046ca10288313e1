// A fuzz target for both readers. Besides "no crash, no sanitizer report",
// it checks properties every input must keep:
// - the DumpReader gives the same records however the text is split into
//   chunks (the input's first byte picks a split point), and the same
//   records whether it collects them or streams them to a handler;
// - only the last record can be partial, and a partial one makes the
//   snapshot truncated;
// - every name is a view of the NamePool, readable after the text is gone;
// - no record is ever dropped: there are as many records as lines that
//   start one ("goroutine " and a digit), whatever the rest of the line;
// - the reader's caches and guesses change nothing: a text ended by a
//   blank line reads the same the second time it is read.
// Built with libFuzzer by tests/fuzz/run; replayed over saved inputs by the
// fuzz_replay test otherwise.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <vector>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/profile.hpp"
#include "../support/record_starts.hpp"

namespace {

void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "property violated: %s\n", what);
  std::abort();
}

std::size_t touch_names(const goleakcheck::Snapshot& s) {
  std::size_t sum = 0;
  for (const auto& g : s.goroutines) {
    sum += g.state.size() + g.unreadable_header.size();
    for (const auto& l : g.labels) sum += l.key.size() + l.value.size();
    for (const auto& f : g.frames) sum += static_cast<unsigned char>(f.function.empty() ? 0 : f.function.back()) + f.file.size();
  }
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t split = data[0] % size;
  // Copies that die before the snapshots are read: the snapshots must not
  // point into them.
  auto whole_text = std::make_unique<std::string>(reinterpret_cast<const char*>(data) + 1, size - 1);
  const goleakcheck::Snapshot whole = goleakcheck::parse_dump(*whole_text);

  goleakcheck::DumpReader reader;
  reader.feed(std::string_view(*whole_text).substr(0, split));
  reader.feed(std::string_view(*whole_text).substr(std::min(split, whole_text->size())));
  const goleakcheck::Snapshot chunked = reader.finish();

  std::vector<goleakcheck::Goroutine> streamed;
  goleakcheck::DumpReader streaming([&](const goleakcheck::Goroutine& g) { streamed.push_back(g); });
  streaming.feed(std::string_view(*whole_text).substr(0, split));
  streaming.feed(std::string_view(*whole_text).substr(std::min(split, whole_text->size())));
  const goleakcheck::Snapshot streamed_end = streaming.finish();

  // The same text twice, ended by a blank line: read the second time with
  // everything the first left in the reader's caches, it must read the same.
  const std::string ended = *whole_text + "\n\n";
  const goleakcheck::Snapshot once = goleakcheck::parse_dump(ended);
  const goleakcheck::Snapshot twice = goleakcheck::parse_dump(ended + ended);

  const goleakcheck::Profile profile = goleakcheck::parse_profile(*whole_text);
  const std::size_t record_starts = goleakcheck::test::count_record_starts(*whole_text);
  whole_text.reset();

  require(whole.goroutines.size() == record_starts, "a line that starts a record did not become one");
  require(streamed == whole.goroutines && streamed_end.goroutines.empty() && streamed_end.truncated == whole.truncated,
          "streaming the records changes them");
  require(whole.goroutines == chunked.goroutines && whole.truncated == chunked.truncated,
          "chunked reading changes the records");
  require(twice.goroutines.size() == 2 * once.goroutines.size() &&
              std::equal(once.goroutines.begin(), once.goroutines.end(), twice.goroutines.begin()) &&
              std::equal(once.goroutines.begin(), once.goroutines.end(),
                         twice.goroutines.begin() + static_cast<std::ptrdiff_t>(once.goroutines.size())) &&
              twice.unreadable_lines == 2 * once.unreadable_lines,
          "a text read a second time reads differently");
  for (std::size_t i = 0; i + 1 < whole.goroutines.size(); ++i) {
    require(!whole.goroutines[i].partial, "a record before the last is partial");
  }
  if (!whole.goroutines.empty() && whole.goroutines.back().partial) require(whole.truncated, "partial but not truncated");
  volatile std::size_t sink = touch_names(whole);
  for (const auto& stack : profile.stacks) {
    for (const auto& f : stack.frames) sink = sink + f.function.size() + f.file.size();
    for (const auto& l : stack.labels) sink = sink + l.key.size() + l.value.size();
  }
  (void)sink;
  return 0;
}
