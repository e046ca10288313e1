// Decoding the bits of text the Go runtime escapes: pprof labels (quoted
// only when needed in Go 1.27's headers, always in Go 1.26's and in
// debug=1 profiles) and the %XX escapes in symbol names ("nats%2ego").
// Decoded text is interned, so it lives as long as the snapshot.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "goleakcheck/goroutine.hpp"
#include "dump/name_pool.hpp"

namespace goleakcheck::detail {

// Reads `key: value, key: value}` (the text after a '{'), each key and value
// bare or a Go-quoted string, and appends the decoded pairs to `out`. On
// success `text` is left just past the '}'; false on anything else, with
// `out` as far as it was read.
//
// Forms read: Go 1.27's header `{k: v, "k 2": "v\n"}`, Go 1.26's
// `labels:{"k": "v"}` and debug=1's `{"k":"v", "k2":"v2"}`. Worst case linear
// in the text; `scratch` is reused for quoted values.
bool read_labels(std::string_view& text, std::vector<Label>& out, NamePool& names, std::string& scratch);

// The value of one hex digit, or -1.
int hex_value(char c);

// unescape_go_symbol(name), interned; names without '%' are interned as
// they are, with no copy.
std::string_view intern_symbol(std::string_view name, NamePool& names, std::string& scratch);

}  // namespace goleakcheck::detail
