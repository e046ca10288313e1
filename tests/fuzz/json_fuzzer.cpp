// A fuzz target for the JSON records of `parse --format json`: whatever a
// dump holds (any bytes in names and labels, cut records, unknown headers),
// - the stream is valid JSON and valid UTF-8, an array of exactly the
//   records the reader gave, one per line;
// - the same records written as two records_only pieces and joined as the
//   CLI joins them are the whole stream, byte for byte;
// - a stream given up after any record, as the CLI gives it up on an error
//   (the input proved no dump, a read failed), is closed into valid JSON:
//   finish() on a whole stream, "\n]\n" after a first piece, whose flushed
//   part always ends with a whole record;
// - each of the first 64 records is written as it is when written alone,
//   in a stream of its own (records like one written before are copied
//   from it but for the id, RecordCache).
// The writer finds names by address (JsonWriter::name): these properties
// are what a wrong cache hit would break. Built with libFuzzer by
// tests/fuzz/run SECONDS json; replayed over the fixtures and the saved
// findings otherwise.
#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/summary.hpp"

namespace {

void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "property violated: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte says how many records go to the first piece.
  const std::size_t split = data[0] % 8;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::ostringstream whole;
  std::ostringstream first;
  std::ostringstream second;
  std::size_t records = 0;
  // The second byte says after how many records the error comes.
  const std::size_t error_after = size > 1 ? data[1] % 16 : 0;
  std::ostringstream given_up;
  std::ostringstream given_up_piece;
  std::vector<goleakcheck::Goroutine> given;
  std::shared_ptr<const goleakcheck::NamePool> names;
  {
    goleakcheck::GoroutineJsonStream all(whole);
    goleakcheck::GoroutineJsonStream a = goleakcheck::GoroutineJsonStream::records_only(first);
    goleakcheck::GoroutineJsonStream b = goleakcheck::GoroutineJsonStream::records_only(second);
    std::size_t seen = 0;
    {
      goleakcheck::GoroutineJsonStream cut(given_up);
      goleakcheck::GoroutineJsonStream piece = goleakcheck::GoroutineJsonStream::records_only(given_up_piece);
      goleakcheck::DumpReader early([&](const goleakcheck::Goroutine& g) {
        if (seen++ >= error_after) return;
        cut.add(g);
        piece.add(g);
      });
      early.feed(text);
      early.finish();
      cut.finish();  // what CloseArrayOnError does for one pass
      piece.finish();
    }
    goleakcheck::DumpReader reader([&](const goleakcheck::Goroutine& g) {
      all.add(g);
      (records++ < split ? a : b).add(g);
      given.push_back(g);
    });
    reader.feed(text);
    names = reader.finish().names;  // what the records given point into
    all.finish();
    a.finish();
    b.finish();
    // Joined as the CLI joins a large file's pieces.
    std::string joined = "[";
    if (a.records() > 0) joined += first.str();
    if (b.records() > 0) joined += (a.records() > 0 ? "," : "") + second.str();
    joined += records > 0 ? "\n]\n" : "]\n";
    require(joined == whole.str(), "pieces joined are the whole stream");
  }
  const std::string json = whole.str();
  rapidjson::Document document;
  document.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  require(!document.HasParseError(), "the stream is valid JSON and UTF-8");
  require(document.IsArray() && document.Size() == records, "one array element per record");
  const std::size_t kept = std::min(error_after, records);
  for (const std::string& closed : {given_up.str(), "[" + given_up_piece.str() + "\n]\n"}) {
    rapidjson::Document partial;
    partial.Parse<rapidjson::kParseValidateEncodingFlag>(closed.data(), closed.size());
    require(!partial.HasParseError(), "a stream given up on an error is closed into valid JSON");
    require(partial.IsArray() && partial.Size() == kept, "it holds the records written before the error");
  }
  std::size_t lines = 0;
  for (const char c : json) lines += c == '\n';
  require(lines == (records == 0 ? 1 : records + 2), "one record per line");
  // A stream of its own per record costs its caches' set-up (half a MiB):
  // the first 64 records are checked, which is every record of most
  // inputs, and keeps the fuzzer's pace.
  if (given.size() > 64) given.resize(64);
  std::size_t line_start = json.find('\n') + 1;
  for (const goleakcheck::Goroutine& g : given) {
    std::size_t line_end = json.find('\n', line_start);
    std::string_view line(json.data() + line_start, line_end - line_start);
    if (line.ends_with(',')) line.remove_suffix(1);
    std::ostringstream alone;
    {
      goleakcheck::GoroutineJsonStream one(alone);
      one.add(g);
      one.finish();
    }
    require(alone.str() == "[\n" + std::string(line) + "\n]\n", "a record reads as it does written alone");
    line_start = line_end + 1;
  }
  return 0;
}
