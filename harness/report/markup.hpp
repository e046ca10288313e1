// Escaping text for the markup reports (HTML and JUnit XML).
#pragma once

#include <string>
#include <string_view>

namespace goleakcheck::detail {

// Text safe in an element or a quoted attribute of HTML and XML alike: the
// five escapes, and the control bytes XML 1.0 forbids (all below 0x20 but
// tab, newline and return) as U+FFFD. Other bytes are kept as they are.
std::string escape_markup(std::string_view text);

}  // namespace goleakcheck::detail
