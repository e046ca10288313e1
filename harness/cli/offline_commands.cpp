#include "offline_commands.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <vector>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/endpoint.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/profile.hpp"
#include "goleakcheck/report.hpp"

namespace goleakcheck::cli {

namespace {

// Hands a dump from a URL, a file or stdin ("-") to `receive` in chunks, so
// a large one is never held whole. Returns true when it was cut at the
// fetch's size cap.
bool fetch_dump(const std::string& url, const FetchLimits& limits, const BodyReceiver& receive) {
  HttpClient client(Endpoint::parse(url));
  return fetch_pprof(client, kGoroutineDumpPath, limits, receive);
}

bool read_source(const ParseOptions& options, const BodyReceiver& receive) {
  const std::string& source = options.source;
  if (source.starts_with("http://") || source.starts_with("https://")) return fetch_dump(source, options.fetch, receive);
  std::ifstream file;
  if (source != "-") {
    file.open(source, std::ios::binary);
    if (!file) throw Error(ErrorKind::io, fmt::format("cannot read the dump {}: {}", source, std::strerror(errno)));
  }
  std::istream& in = source == "-" ? std::cin : file;
  std::vector<char> buffer(std::size_t{1} << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) receive(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) throw Error(ErrorKind::io, fmt::format("reading the dump {} failed", source));
  return false;
}

// debug=1 starts "goroutine profile: total N"; debug=2 with a record.
bool looks_like_profile(std::string_view start) {
  return start.substr(0, start.find('\n')).find(" profile: total ") != std::string_view::npos;
}

}  // namespace

int parse(const ParseOptions& options) {
  const bool json = options.format == "json";
  // Records are summarised or written as they are read, never all kept.
  DumpSummary summary;
  GoroutineJsonStream json_records(std::cout);
  std::size_t unreadable = 0;
  std::string first_unreadable;
  DumpReader dump([&](const Goroutine& g) {
    if (!g.unreadable_header.empty() && unreadable++ == 0) first_unreadable = g.unreadable_header;
    if (json) {
      json_records.add(g);
    } else {
      summary.add(g);
    }
  });
  std::string profile_text;
  std::optional<bool> is_profile;  // decided by the first chunk
  const bool cut = read_source(options, [&](std::string_view chunk) {
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
    std::cout << (json ? render_profile_json(profile) : render_profile_summary(profile));
    return 0;
  }
  const Snapshot finished = dump.finish(cut);
  if (finished.truncated) {
    std::cerr << fmt::format(
        "goleakcheck: warning: the dump was cut off after {} bytes{}; its last goroutine may be partial and later ones "
        "are missing\n",
        finished.bytes, finished.bytes == kRuntimeDumpCap ? " (the runtime's 64 MiB cap)" : "");
  }
  if (unreadable > 0) {
    std::cerr << fmt::format(
        "goleakcheck: warning: {} goroutine record{} had a header goleakcheck could not read, first '{}'; they are "
        "kept with their ids and frames and count as blocked (please report the Go version that wrote it)\n",
        unreadable, unreadable == 1 ? "" : "s", first_unreadable);
  }
  if (json) {
    json_records.finish();
  } else {
    std::cout << render_summary(std::move(summary), finished);
  }
  return 0;
}

int snapshot(const SnapshotOptions& options) {
  Endpoint::parse(options.url);  // a bad URL is a usage error before any file is made
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(ErrorKind::io, fmt::format("cannot write the dump to {}: {}", options.output, std::strerror(errno)));
  std::size_t bytes = 0;
  const bool cut = fetch_dump(options.url, options.fetch, [&](std::string_view chunk) {
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    bytes += chunk.size();
  });
  out.close();
  if (!out) throw Error(ErrorKind::io, fmt::format("cannot write the dump to {}", options.output));
  std::cerr << fmt::format("goleakcheck: saved {} bytes to {}{}\n", bytes, options.output,
                           cut ? " (cut at the size cap)" : "");
  return 0;
}

}  // namespace goleakcheck::cli
