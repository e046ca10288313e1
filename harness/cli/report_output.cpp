#include "report_output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <functional>
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

bool is_report_format(std::string_view format) {
  return format == "text" || format == "json" || format == "junit" || format == "html";
}

std::vector<ReportTarget> report_targets(const std::vector<std::string>& formats, const std::string& output) {
  std::vector<ReportTarget> targets;
  bool output_used = false;
  for (const std::string& value : formats) {
    const std::size_t colon = value.find(':');
    ReportTarget target{value.substr(0, colon), colon == std::string::npos ? std::string() : value.substr(colon + 1)};
    if (!is_report_format(target.format)) {
      throw Error(ErrorKind::usage, fmt::format("--format {}: the format must be text, json, junit or html", value));
    }
    if (target.file.empty() && !output.empty() && output != "-" && !output_used) {
      target.file = output;
      output_used = true;
    }
    targets.push_back(std::move(target));
  }
  if (targets.empty()) targets.push_back({"text", output == "-" ? std::string() : output});
  const auto to_stdout = std::count_if(targets.begin(), targets.end(), [](const ReportTarget& t) { return t.file.empty(); });
  if (to_stdout > 1) {
    throw Error(ErrorKind::usage, "only one report can go to stdout: give the others a file, e.g. --format junit:leaks.xml");
  }
  return targets;
}

namespace {

void write_to(const ReportTarget& target, const std::function<void(std::ostream&)>& write) {
  if (target.file.empty() || target.file == "-") {
    errno = 0;
    write(std::cout);
    std::cout << std::flush;
    if (!std::cout || std::ferror(stdout)) {
      throw Error(ErrorKind::io, fmt::format("cannot write the {} report to stdout ({}): the report is lost; give "
                                             "--output FILE or make room",
                                             target.format, std::strerror(errno != 0 ? errno : EIO)));
    }
    return;
  }
  std::ofstream out(target.file, std::ios::binary | std::ios::trunc);
  write(out);
  out.close();
  if (!out) throw Error(ErrorKind::io, fmt::format("cannot write the {} report to {}", target.format, target.file));
}

}  // namespace

namespace {

// no-color.org: any non-empty NO_COLOR turns colour off.
bool colour_for_stdout() {
  const char* no_colour = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) == 1 && (no_colour == nullptr || *no_colour == '\0');
}

}  // namespace

void write_reports(const std::vector<ReportTarget>& targets, const LeakReport& report, const JunitOptions& junit,
                   bool verbose) {
  for (const ReportTarget& target : targets) {
    write_to(target, [&](std::ostream& out) {
      if (target.format == "json") {
        write_json(out, report);
      } else if (target.format == "junit") {
        write_junit(out, report, junit);
      } else if (target.format == "html") {
        write_html(out, report);
      } else {
        write_text(out, report, TextOptions{verbose, target.file.empty() && colour_for_stdout()});
      }
    });
  }
}

void write_error_reports(const std::vector<ReportTarget>& targets, std::string_view message, std::string_view details,
                         const JunitOptions& junit) {
  for (const ReportTarget& target : targets) {
    if (target.format != "junit" || target.file.empty()) continue;
    write_to(target, [&](std::ostream& out) { write_junit_error(out, message, details, junit); });
  }
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
