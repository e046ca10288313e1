// Escaping text for the markup reports (HTML and JUnit XML).
#pragma once

#include <string>
#include <string_view>

namespace goleakcheck::detail {

// Text safe in an element or a quoted attribute of HTML and XML alike: the
// five escapes, and the control bytes XML 1.0 forbids (all below 0x20 but
// tab, newline and return) as U+FFFD. Other bytes are kept as they are.
std::string escape_markup(std::string_view text);

// The look both HTML pages (the report, watch's charts) share: the page,
// its title and the verdict bar. Each page's own rules follow it.
inline constexpr std::string_view kPageStyle = R"(
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #1a1a1a; max-width: 1100px; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
.verdict { padding: .8em 1em; border-radius: 6px; font-weight: 600; }
.verdict.leak { background: #fde8e8; border: 1px solid #e0a0a0; }
.verdict.clean { background: #e6f4ea; border: 1px solid #9ccaa8; }
)";

}  // namespace goleakcheck::detail
