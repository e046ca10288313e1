#include "goleakcheck/source.hpp"

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include "goleakcheck/error.hpp"

namespace goleakcheck {

std::string source_name(const std::string& source) { return source == "-" ? "standard input" : source; }

std::string read_start(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::string start(4096, '\0');
  file.read(start.data(), static_cast<std::streamsize>(start.size()));
  start.resize(static_cast<std::size_t>(file.gcount()));
  return start;
}

std::uint64_t size_worth_reading_in_pieces(const std::string& source, std::uint64_t least) {
  std::error_code error;
  if (source == "-" || source.find("://") != std::string::npos || !std::filesystem::is_regular_file(source, error)) {
    return 0;
  }
  const std::uint64_t size = std::filesystem::file_size(source, error);
  return !error && size >= least ? size : 0;
}

unsigned pieces_for_this_machine() { return std::max(1U, std::min(4U, std::thread::hardware_concurrency())); }

bool looks_like_profile(std::string_view start) {
  return start.substr(0, start.find('\n')).find(" profile: total ") != std::string_view::npos;
}

bool read_source(const std::string& source, const FetchLimits& limits, const BodyReceiver& receive) {
  if (source.starts_with("http://") || source.starts_with("https://")) {
    HttpClient client(Endpoint::parse(source));
    return fetch_pprof(client, kGoroutineDumpPath, limits, receive).cut;
  }
  std::ifstream file;
  if (source != "-") file = open_dump(source);
  std::istream& in = source == "-" ? std::cin : file;
  // The same cap as a fetch: a pipe or a device (/dev/zero) may never end.
  const std::uint64_t read = read_chunks(in, limits.max_bytes, receive, source);
  return read == limits.max_bytes && in.peek() != std::char_traits<char>::eof();
}

std::ifstream open_dump(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(ErrorKind::io, fmt::format("cannot read the dump {}: {}", path, std::strerror(errno)));
  return file;
}

std::uint64_t read_chunks(std::istream& in, std::uint64_t limit, const std::function<void(std::string_view)>& receive,
                          const std::string& name) {
  // Not zeroed: a vector's 1 MiB of zeros was most of what a small dump's
  // parse touched (256 page faults, a fifth of its peak RSS).
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  const auto buffer = std::make_unique_for_overwrite<char[]>(kChunk);
  std::uint64_t read = 0;
  while (read < limit && in) {
    in.read(buffer.get(), static_cast<std::streamsize>(std::min<std::uint64_t>(kChunk, limit - read)));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got > 0) receive(std::string_view(buffer.get(), got));
    read += got;
  }
  if (in.bad()) throw Error(ErrorKind::io, fmt::format("reading the dump {} failed", name));
  return read;
}

std::vector<std::uint64_t> record_aligned_cuts(const std::string& path, std::uint64_t size, unsigned parts,
                                               double first_weight) {
  constexpr std::string_view kRecordStart = "\n\ngoroutine ";
  std::vector<std::uint64_t> starts{0};
  std::ifstream file = open_dump(path);
  std::string window(std::size_t{256} << 10, '\0');  // far more than one record
  for (unsigned k = 1; k < parts; ++k) {
    const double share = (first_weight + (k - 1)) / (first_weight + (parts - 1));
    const auto from = static_cast<std::uint64_t>(static_cast<double>(size) * share);
    if (from <= starts.back()) continue;
    file.clear();
    file.seekg(static_cast<std::streamoff>(from));
    file.read(window.data(), static_cast<std::streamsize>(window.size()));
    const std::string_view seen(window.data(), static_cast<std::size_t>(file.gcount()));
    const std::size_t at = seen.find(kRecordStart);
    if (at != std::string_view::npos) starts.push_back(from + at + 2);
  }
  return starts;
}

Error dump_changed_while_read(const std::string& path) {
  return Error(ErrorKind::io, fmt::format("the dump {} changed while it was read (it is shorter now, or a part of it "
                                          "could not be read); read it again once nothing writes to it",
                                          path));
}

void feed_file_range(const std::string& path, std::uint64_t begin, std::uint64_t end, DumpReader& reader) {
  std::ifstream file = open_dump(path);
  file.seekg(static_cast<std::streamoff>(begin));
  const std::uint64_t read = read_chunks(file, end - begin, [&](std::string_view chunk) { reader.feed(chunk); }, path);
  if (read < end - begin) {
    throw dump_changed_while_read(path);
  }
}

Snapshot combine_pieces(std::span<const Snapshot> ends) {
  Snapshot whole;
  for (const Snapshot& end : ends) {
    whole.bytes += end.bytes;
    whole.records_read += end.records_read;
    whole.stray_bytes += end.stray_bytes;
    whole.stray_lines += end.stray_lines;
    whole.binary_stray_bytes += end.binary_stray_bytes;
    if (whole.unreadable_lines == 0) whole.first_unreadable_line = end.first_unreadable_line;
    whole.unreadable_lines += end.unreadable_lines;
  }
  whole.truncated = !ends.empty() && ends.back().truncated;
  return whole;
}

void for_each_piece_at_once(std::size_t pieces, const std::function<void(std::size_t)>& read_piece) {
  std::vector<std::exception_ptr> errors(pieces);
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 1; i < pieces; ++i) {
      threads.emplace_back([&, i] {
        try {
          read_piece(i);
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }
    try {
      if (pieces > 0) read_piece(0);  // this thread reads the first piece
    } catch (...) {
      errors[0] = std::current_exception();
    }
  }  // joins
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace goleakcheck
