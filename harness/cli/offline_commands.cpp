#include "offline_commands.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/endpoint.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/report.hpp"

namespace goleakcheck::cli {

namespace {

std::string fetch_dump(const std::string& url) {
  HttpClient client(Endpoint::parse(url));
  return fetch_goroutine_dump(client, FetchLimits{});
}

std::string read_source(const std::string& source) {
  if (source.starts_with("http://") || source.starts_with("https://")) return fetch_dump(source);
  if (source == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream in(source, std::ios::binary);
  if (!in) throw Error(ErrorKind::io, fmt::format("cannot read the dump {}", source));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int parse(const ParseOptions& options) {
  const Snapshot snapshot = parse_dump(read_source(options.source));
  if (snapshot.truncated) {
    std::cerr << "goleakcheck: warning: the dump was cut off; its last goroutine is partial\n";
  }
  std::cout << (options.format == "json" ? render_goroutines_json(snapshot.goroutines) : render_summary(snapshot));
  return 0;
}

int snapshot(const SnapshotOptions& options) {
  const std::string dump = fetch_dump(options.url);
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  out.write(dump.data(), static_cast<std::streamsize>(dump.size()));
  out.close();
  if (!out) throw Error(ErrorKind::io, fmt::format("cannot write the dump to {}", options.output));
  std::cerr << fmt::format("goleakcheck: saved {} bytes to {}\n", dump.size(), options.output);
  return 0;
}

}  // namespace goleakcheck::cli
