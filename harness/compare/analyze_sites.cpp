#include <fmt/format.h>

#include "goleakcheck/compare.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/source.hpp"

namespace goleakcheck {

SiteAnalysis analyze_sites(const std::string& source, const AnalyzeOptions& options) {
  SiteRules rules = options.rules;
  rules.ignores = rules_in_force(rules.ignores, options.default_ignores);
  SiteAnalyzer analyzer(std::move(rules));
  DumpReader reader([&](const Goroutine& g) { analyzer.add(g); });
  const bool cut = read_source(source, options.fetch, [&](std::string_view chunk) { reader.feed(chunk); });
  const Snapshot end = reader.finish(cut);
  if (const std::string why = why_not_a_dump(end); !why.empty()) {
    throw Error(ErrorKind::not_a_dump,
                fmt::format("{} is not a goroutine dump: {}; give a debug=2 dump", source_name(source), why));
  }
  return analyzer.finish(end);
}

}  // namespace goleakcheck
