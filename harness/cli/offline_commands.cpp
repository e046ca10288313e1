#include "offline_commands.hpp"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "mapped_range.hpp"
#include "on_error.hpp"
#include "report_output.hpp"
#include "goleakcheck/diff.hpp"
#include "goleakcheck/dump.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/http_client.hpp"
#include "goleakcheck/compare.hpp"
#include "goleakcheck/profile.hpp"
#include "goleakcheck/source.hpp"
#include "goleakcheck/summary.hpp"

namespace goleakcheck::cli {

namespace {

// One piece of a dump as it was read: its records went to `on_record`;
// this keeps what the warnings need and the pool the records point into.
struct Piece {
  std::size_t unreadable = 0;
  std::string first_unreadable;
  Snapshot end;  // DumpReader::finish: bytes, truncated, names

  // A reader that counts unreadable headers, then hands records on.
  DumpReader reader(RecordHandler on_record) {
    return DumpReader([this, on_record = std::move(on_record)](const Goroutine& g) {
      if (!g.unreadable_header.empty() && unreadable++ == 0) first_unreadable = g.unreadable_header;
      on_record(g);
    });
  }
};

// What the pieces say together: an error when they are no dump, else
// warnings on stderr. Only the last piece can be cut.
void check_and_warn(const std::string& source, const std::vector<Piece>& pieces) {
  std::size_t unreadable = 0;
  const std::string* first_unreadable = nullptr;
  std::vector<Snapshot> ends;
  for (const Piece& piece : pieces) {
    unreadable += piece.unreadable;
    if (first_unreadable == nullptr && piece.unreadable > 0) first_unreadable = &piece.first_unreadable;
    ends.push_back(piece.end);
  }
  const Snapshot whole = combine_pieces(ends);
  const std::size_t bytes = whole.bytes;
  if (const std::string why = why_not_a_dump(whole); !why.empty()) {
    throw Error(ErrorKind::not_a_dump,
                fmt::format("{} is not a goroutine dump: {}; give a debug=2 dump, a debug=1 profile or a crash log",
                            source_name(source), why));
  }
  if (pieces.back().end.truncated) {
    std::cerr << fmt::format(
        "goleakcheck: warning: the dump was cut off after {} bytes{}; its last goroutine may be partial and later ones "
        "are missing\n",
        bytes, bytes == kRuntimeDumpCap ? " (the runtime's 64 MiB cap)" : "");
  }
  if (whole.stray_lines > 0) {
    std::cerr << fmt::format("goleakcheck: note: {} line{} ({} bytes) around or inside the goroutine records are no "
                             "part of them (a log around a crash, say), and were skipped\n",
                             whole.stray_lines, whole.stray_lines == 1 ? "" : "s", whole.stray_bytes);
  }
  if (whole.unreadable_lines > 0) {
    std::cerr << fmt::format("goleakcheck: warning: {} line{} inside goroutine records could not be read, first '{}'; "
                             "what {} would say is missing from {} record{}\n",
                             whole.unreadable_lines, whole.unreadable_lines == 1 ? "" : "s",
                             whole.first_unreadable_line, whole.unreadable_lines == 1 ? "it" : "they",
                             whole.unreadable_lines == 1 ? "its" : "their", whole.unreadable_lines == 1 ? "" : "s");
  }
  if (unreadable > 0) {
    std::cerr << fmt::format(
        "goleakcheck: warning: {} goroutine record{} had a header goleakcheck could not read, first '{}'; they are "
        "kept with their ids and frames and count as blocked (please report the Go version that wrote it)\n",
        unreadable, unreadable == 1 ? "" : "s", *first_unreadable);
  }
}

// The summary of a large file, each piece read by its own core.
void summarize_in_pieces(const std::string& path, std::uint64_t size) {
  const std::vector<std::uint64_t> cuts =
      record_aligned_cuts(path, size, pieces_for_this_machine());
  std::vector<Piece> pieces(cuts.size());
  std::vector<DumpSummary> summaries(cuts.size());
  for_each_piece_at_once(cuts.size(), [&](std::size_t i) {
    const bool last = i + 1 == cuts.size();
    DumpReader reader = pieces[i].reader([&summary = summaries[i]](const Goroutine& g) { summary.add(g); });
    feed_mapped_range(path, cuts[i], last ? size : cuts[i + 1], reader);
    // Only the whole file can be at the runtime's cap.
    pieces[i].end = reader.finish(last && size == kRuntimeDumpCap);
  });
  for (std::size_t i = 1; i < summaries.size(); ++i) summaries[0].merge(std::move(summaries[i]));
  check_and_warn(path, pieces);
  write_summary(std::cout, std::move(summaries[0]), pieces.back().end);
}

// An anonymous temporary file in $TMPDIR (else /tmp), unlinked as soon as
// it is made, so that nothing is left behind however the process ends.
struct TempFile {
  std::FILE* file = nullptr;
  TempFile() {
    const char* tmpdir = std::getenv("TMPDIR");
    const std::string dir = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
    std::string path = (std::filesystem::path(dir) / "goleakcheck-json.XXXXXX").string();
    const int fd = ::mkstemp(path.data());
    if (fd >= 0) {
      ::unlink(path.c_str());
      file = ::fdopen(fd, "w+");
      if (file == nullptr) ::close(fd);
    }
    if (file == nullptr) {
      throw Error(ErrorKind::io, fmt::format("cannot make a temporary file for the JSON records in {}: {}; set TMPDIR "
                                             "to a writable directory",
                                             dir, std::strerror(errno)));
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() { std::fclose(file); }

  // Writes the whole file to standard output, after what std::cout holds:
  // by sendfile(2), in the kernel, where it can; else through a buffer.
  void copy_to_stdout() {
    std::cout.flush();
    if (std::fflush(file) != 0) throw Error(ErrorKind::io, "cannot write the temporary file of JSON records");
    const int in = ::fileno(file);
    const off_t size = ::lseek(in, 0, SEEK_END);
    off_t offset = 0;
    while (offset < size) {
      const ssize_t n = ::sendfile(STDOUT_FILENO, in, &offset, static_cast<std::size_t>(size - offset));
      if (n > 0) continue;
      if (n < 0 && errno == EINTR) continue;
      if (offset == 0 && n < 0 && (errno == EINVAL || errno == ENOSYS)) break;  // e.g. stdout in append mode
      throw Error(ErrorKind::io, fmt::format("cannot write the JSON records: {}", std::strerror(errno)));
    }
    if (offset == size) return;
    copy_to(std::cout);
  }

  // Writes the whole file to `out`.
  void copy_to(std::ostream& out) {
    std::rewind(file);
    constexpr std::size_t kChunk = std::size_t{1} << 20;
    const auto chunk = std::make_unique_for_overwrite<char[]>(kChunk);  // not zeroed: fread fills it
    while (const std::size_t n = std::fread(chunk.get(), 1, kChunk, file)) {
      out.write(chunk.get(), static_cast<std::streamsize>(n));
    }
    if (std::ferror(file)) throw Error(ErrorKind::io, "cannot read back the temporary file of JSON records");
  }
};

// A stdio FILE as an std::ostream, unbuffered on our side: the JSON
// writer already writes in 64 KiB blocks. An std::ofstream on the file
// instead made `parse --format json` of the 64 MiB dump about 35% slower
// (medians of 31 interleaved runs: 0.140 s against 0.102 s).
class FileOutput : public std::streambuf {
 public:
  explicit FileOutput(std::FILE* file) : file_(file) {}

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    return static_cast<std::streamsize>(std::fwrite(s, 1, static_cast<std::size_t>(n), file_));
  }
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    return std::fputc(c, file_) == EOF ? traits_type::eof() : c;
  }

 private:
  std::FILE* file_;
};

// Every record of a large file as JSON, each piece read and written by its
// own core: the first piece straight to stdout, the others each to a
// temporary file, copied out in order once all are read. Memory stays flat
// in the number of records; the temporary files hold all but the first
// piece's share of the output.
void write_json_in_pieces(const std::string& path, std::uint64_t size) {
  // A spilled piece costs about 2.2 times one written straight out: its
  // output is written to the file and later copied, and with records
  // mostly copied from one like them (RecordCache), the kernel's write is
  // most of its cost. Wall time of the 64 MiB dump's JSON to /dev/null,
  // medians of 11, two rounds: weights 1.3, 1.7, 2.2, 3.0 gave 37.3-38.0,
  // 32.9-33.4, 30.3-30.8, 31.3-32.7 ms.
  constexpr double kDirectPieceWeight = 2.2;
  const std::vector<std::uint64_t> cuts = record_aligned_cuts(
      path, size, pieces_for_this_machine(), kDirectPieceWeight);
  std::vector<Piece> pieces(cuts.size());
  std::vector<std::unique_ptr<TempFile>> spills;
  std::vector<std::unique_ptr<FileOutput>> spill_buffers;
  std::vector<std::unique_ptr<std::ostream>> spill_streams;
  for (std::size_t i = 1; i < cuts.size(); ++i) {
    spills.push_back(std::make_unique<TempFile>());
    spill_buffers.push_back(std::make_unique<FileOutput>(spills.back()->file));
    spill_streams.push_back(std::make_unique<std::ostream>(spill_buffers.back().get()));
  }
  std::vector<std::uint64_t> records(cuts.size());
  // On an error, what was printed is closed into a whole array: stdout
  // holds nothing, or valid JSON (records reach it only whole).
  std::atomic<bool> opened_on_stdout = false;
  const OnError close_array([&] {
    if (opened_on_stdout) std::cout << "\n]\n" << std::flush;
  });
  for_each_piece_at_once(cuts.size(), [&](std::size_t i) {
    const bool last = i + 1 == cuts.size();
    // The first piece opens the array with its first record, so that input
    // that proves to be no dump prints nothing.
    std::optional<GoroutineJsonStream> stream;
    DumpReader reader = pieces[i].reader([&](const Goroutine& g) {
      if (!stream) {
        if (i == 0) {
          std::cout << '[';
          opened_on_stdout = true;
        }
        stream.emplace(GoroutineJsonStream::records_only(i == 0 ? std::cout : *spill_streams[i - 1]));
      }
      stream->add(g);
    });
    feed_mapped_range(path, cuts[i], last ? size : cuts[i + 1], reader);
    if (stream) {
      stream->finish();
      records[i] = stream->records();
    }
    pieces[i].end = reader.finish(last && size == kRuntimeDumpCap);
  });
  check_and_warn(path, pieces);
  bool opened = records[0] > 0;
  opened_on_stdout = false;  // from here on, the array is closed below
  for (std::size_t i = 1; i < cuts.size(); ++i) {
    if (records[i] == 0) continue;
    std::cout << (opened ? ',' : '[');
    opened = true;
    spills[i - 1]->copy_to_stdout();
  }
  std::cout << (opened ? "\n]\n" : "[]\n");
}

}  // namespace

namespace {

// For `parse --format FORMAT:FILE`: standard output goes to FILE while this
// lives, so that every writer (and sendfile(2)) writes there.
class StdoutToFile {
 public:
  explicit StdoutToFile(const std::string& file) {
    std::cout.flush();
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) throw Error(ErrorKind::io, fmt::format("cannot write {}: {}", file, std::strerror(errno)));
    saved_ = ::dup(STDOUT_FILENO);
    ::dup2(fd, STDOUT_FILENO);
    ::close(fd);
  }
  StdoutToFile(const StdoutToFile&) = delete;
  StdoutToFile& operator=(const StdoutToFile&) = delete;
  ~StdoutToFile() {
    std::cout.flush();
    std::fflush(stdout);
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
  }

 private:
  int saved_ = -1;
};

}  // namespace

ExitCode parse(const ParseOptions& options) {
  const std::vector<ReportTarget> targets = output_targets(options.formats, {"text", "json"});
  if (targets.size() > 1) throw Error(ErrorKind::usage, "parse writes one format: give --format once");
  std::optional<StdoutToFile> to_file;
  if (!targets.front().file.empty()) to_file.emplace(targets.front().file);
  const bool json = targets.front().format == "json";
  if (const std::uint64_t size = size_worth_reading_in_pieces(options.source);
      size > 0 && !looks_like_profile(read_start(options.source))) {
    if (json) {
      write_json_in_pieces(options.source, size);
    } else {
      summarize_in_pieces(options.source, size);
    }
    return ExitCode::clean;
  }
  // One pass: records are summarised or written as they are read, never
  // all kept.
  DumpSummary summary;
  // Made only for JSON, and only once the input is known to be a dump: it
  // opens its array at once.
  std::optional<GoroutineJsonStream> json_records;
  // On an error after the array was opened, it is closed: stdout holds
  // nothing, or valid JSON.
  const OnError close_array([&] {
    if (json_records) json_records->finish();
  });
  std::vector<Piece> whole(1);
  DumpReader dump = whole[0].reader([&](const Goroutine& g) {
    if (json) {
      if (!json_records) json_records.emplace(std::cout);
      json_records->add(g);
    } else {
      summary.add(g);
    }
  });
  std::string profile_text;
  std::optional<bool> is_profile;  // decided by the first chunk
  const bool cut = read_source(options.source, options.fetch, [&](std::string_view chunk) {
    if (!is_profile) is_profile = looks_like_profile(chunk);
    if (*is_profile) {
      profile_text.append(chunk);
    } else {
      dump.feed(chunk);
    }
  });
  if (is_profile.value_or(false)) {
    const Profile profile = parse_profile(profile_text);
    if (profile.truncated) std::cerr << "goleakcheck: warning: the profile was cut off; counts are missing\n";
    if (json) {
      write_profile_json(std::cout, profile);
    } else {
      write_profile_summary(std::cout, profile);
    }
    return ExitCode::clean;
  }
  whole[0].end = dump.finish(cut);
  check_and_warn(options.source, whole);
  if (json) {
    if (!json_records) json_records.emplace(std::cout);
    json_records->finish();
  } else {
    write_summary(std::cout, std::move(summary), whole[0].end);
  }
  return ExitCode::clean;
}

ExitCode snapshot(const SnapshotOptions& options) {
  const SavedDump saved = save_dump(options.url, options.output, options.fetch);
  std::cerr << fmt::format("goleakcheck: saved {} bytes to {}{}\n", saved.bytes, options.output,
                           saved.cut ? " (cut at the size cap)" : "");
  return ExitCode::clean;
}

}  // namespace goleakcheck::cli
