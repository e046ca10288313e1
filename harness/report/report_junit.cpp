// JUnit XML, as Jenkins' JUnit plugin and GitLab read it:
// <testsuites><testsuite name tests failures errors time><testcase
// classname name time><failure message type>...</failure></testcase>.
// tests/junit/junit.xsd states that contract; the tests validate against it.
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "goleakcheck/report.hpp"
#include "common/markup.hpp"

namespace goleakcheck {

namespace {

std::string xml_escape(std::string_view text) { return detail::escape_markup(text); }

struct TestCase {
  std::string name;
  std::string failure_message;  // empty: passed
  std::string failure_text;
};

std::string group_summary(const LeakGroup& group) {
  return fmt::format("{} goroutine{} [{}] at {} {}:{}", group.count(), group.count() == 1 ? "" : "s", group.state,
                     group.blocking_site.function, group.blocking_site.file, group.blocking_site.line);
}

}  // namespace

void write_junit(std::ostream& out, const LeakReport& report, const JunitOptions& options) {
  const double seconds = std::chrono::duration<double>(report.elapsed).count();
  std::vector<TestCase> cases;
  const std::string text = render_text(report);
  if (options.per_group && !report.groups.empty()) {
    for (std::size_t i = 0; i < report.groups.size(); ++i) {
      const LeakGroup& group = report.groups[i];
      // Numbered: two groups may share a summary (same site, other creator).
      cases.push_back({fmt::format("leak #{}: {}", i + 1, group_summary(group)), group_summary(group), text});
    }
  } else {
    TestCase only{options.name, {}, {}};
    if (!report.clean()) {
      only.failure_message = text.substr(0, text.find('\n'));
      only.failure_text = text;
    }
    cases.push_back(std::move(only));
  }
  std::size_t failures = 0;
  for (const TestCase& c : cases) failures += c.failure_message.empty() ? 0 : 1;
  const std::string suite = xml_escape(options.suite);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3f}\">\n", suite,
                     cases.size(), failures, seconds);
  out << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3f}\">\n", suite,
                     cases.size(), failures, seconds);
  // What rules ignored is said in every testcase, clean ones too: a rule
  // that ignores too much must not pass unseen.
  const std::string ignored = describe_ignored(report);
  for (const TestCase& c : cases) {
    out << fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"", suite, xml_escape(c.name), seconds);
    if (c.failure_message.empty() && ignored.empty()) {
      out << "/>\n";
      continue;
    }
    out << ">\n";
    if (!c.failure_message.empty()) {
      out << fmt::format("      <failure message=\"{}\" type=\"goroutine leak\">{}</failure>\n",
                         xml_escape(c.failure_message), xml_escape(c.failure_text));
    }
    if (!ignored.empty()) out << fmt::format("      <system-out>{}</system-out>\n", xml_escape(ignored));
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

void write_junit_error(std::ostream& out, std::string_view message, std::string_view details,
                       const JunitOptions& options) {
  const std::string suite = xml_escape(options.suite);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format("<testsuites name=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\" time=\"0.000\">\n", suite);
  out << fmt::format("  <testsuite name=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\" time=\"0.000\">\n", suite);
  out << fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0.000\">\n", suite, xml_escape(options.name));
  out << fmt::format("      <error message=\"{}\" type=\"check not made\">{}</error>\n", xml_escape(message),
                     xml_escape(details));
  out << "    </testcase>\n  </testsuite>\n</testsuites>\n";
}

std::string render_junit(const LeakReport& report, const JunitOptions& options) {
  std::ostringstream xml;
  write_junit(xml, report, options);
  return xml.str();
}

}  // namespace goleakcheck
