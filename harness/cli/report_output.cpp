#include "report_output.hpp"

#include <fstream>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "goleakcheck/error.hpp"

namespace goleakcheck::cli {

std::vector<Ignore> user_rules(const std::vector<std::string>& files, const std::vector<std::string>& rules) {
  std::vector<Ignore> all;
  for (const std::string& file : files) {
    std::vector<Ignore> from_file = load_ignore_file(file);
    std::move(from_file.begin(), from_file.end(), std::back_inserter(all));
  }
  for (const std::string& rule : rules) all.push_back(parse_ignore_rule(rule));
  return all;
}

void write_report(const std::string& format, const std::string& output, const LeakReport& report) {
  const auto write = [&](std::ostream& out) {
    if (format == "json") {
      write_json(out, report);
    } else {
      write_text(out, report);
    }
  };
  if (output.empty() || output == "-") {
    write(std::cout);
    std::cout << std::flush;
    return;
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  write(out);
  out.close();
  if (!out) throw Error(ErrorKind::io, fmt::format("cannot write the report to {}", output));
}

void warn_unused_ignores(const LeakReport& report) {
  for (const auto& use : report.ignore_uses) {
    if (use.hits == 0 && use.origin != "default") {
      std::cerr << fmt::format("goleakcheck: warning: {}: ignore rule '{}' matched no goroutine; remove it if it is stale\n",
                               use.origin, use.rule);
    }
  }
}

}  // namespace goleakcheck::cli
