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

std::string name_formats(const std::vector<std::string_view>& allowed) {
  std::string names;
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    names += fmt::format("{}{}", i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ", allowed[i]);
  }
  return names;
}

std::vector<ReportTarget> output_targets(const std::vector<std::string>& formats,
                                         const std::vector<std::string_view>& allowed, const std::string& output) {
  const auto known = [&](std::string_view format) {
    return std::find(allowed.begin(), allowed.end(), format) != allowed.end();
  };
  std::vector<ReportTarget> targets;
  bool output_used = false;
  for (const std::string& value : formats) {
    const std::size_t colon = value.find(':');
    ReportTarget target{value.substr(0, colon), colon == std::string::npos ? std::string() : value.substr(colon + 1)};
    if (!known(target.format)) {
      throw Error(ErrorKind::usage, fmt::format("--format {}: the format must be {}", value, name_formats(allowed)));
    }
    if (target.file.empty() && !output.empty() && output != "-" && !output_used) {
      target.file = output;
      output_used = true;
    }
    targets.push_back(std::move(target));
  }
  if (targets.empty()) targets.push_back({std::string(allowed.front()), output == "-" ? std::string() : output});
  const auto to_stdout = std::count_if(targets.begin(), targets.end(), [](const ReportTarget& t) { return t.file.empty(); });
  if (to_stdout > 1) {
    throw Error(ErrorKind::usage, "only one report can go to stdout: give the others a file, e.g. --format junit:leaks.xml");
  }
  return targets;
}

std::vector<ReportTarget> report_targets(const std::vector<std::string>& formats, const std::string& output) {
  return output_targets(formats, {"text", "json", "junit", "html"}, output);
}

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

// no-color.org: any non-empty NO_COLOR turns colour off.
bool colour_for_stdout() {
  const char* no_colour = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) == 1 && (no_colour == nullptr || *no_colour == '\0');
}

namespace {

JunitOptions junit_of(const ReportFlags& flags) {
  JunitOptions junit;
  junit.per_group = flags.junit_per_group;
  return junit;
}

}  // namespace

void write_reports(const std::vector<ReportTarget>& targets, const LeakReport& report, const ReportFlags& flags) {
  const JunitOptions junit = junit_of(flags);
  const bool verbose = flags.verbose;
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
                         const ReportFlags& flags) {
  const JunitOptions junit = junit_of(flags);
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
