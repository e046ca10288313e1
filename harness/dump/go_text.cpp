#include "dump/go_text.hpp"

#include <cstdint>
#include <cstring>

namespace goleakcheck::detail {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

namespace {

// `digits` hex digits at the start of `text` as a number; false if fewer.
bool read_hex(std::string_view& text, int digits, std::uint32_t& value) {
  if (text.size() < static_cast<std::size_t>(digits)) return false;
  value = 0;
  for (int i = 0; i < digits; ++i) {
    const int v = hex_value(text[static_cast<std::size_t>(i)]);
    if (v < 0) return false;
    value = value * 16 + static_cast<std::uint32_t>(v);
  }
  text.remove_prefix(static_cast<std::size_t>(digits));
  return true;
}

void append_utf8(std::string& out, std::uint32_t rune) {
  if (rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) rune = 0xFFFD;
  if (rune < 0x80) {
    out += static_cast<char>(rune);
  } else if (rune < 0x800) {
    out += static_cast<char>(0xC0 | (rune >> 6));
    out += static_cast<char>(0x80 | (rune & 0x3F));
  } else if (rune < 0x10000) {
    out += static_cast<char>(0xE0 | (rune >> 12));
    out += static_cast<char>(0x80 | ((rune >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (rune & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (rune >> 18));
    out += static_cast<char>(0x80 | ((rune >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((rune >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (rune & 0x3F));
  }
}

// A Go-quoted string at the start of `text` (runtime's `quoted` and
// strconv.Quote alike), decoded into `out`; `text` is left past the quote.
bool read_quoted(std::string_view& text, std::string& out) {
  out.clear();
  if (text.empty() || text.front() != '"') return false;
  text.remove_prefix(1);
  while (!text.empty()) {
    const std::size_t special = text.find_first_of("\"\\");
    if (special == std::string_view::npos) return false;
    out.append(text.substr(0, special));
    const char c = text[special];
    text.remove_prefix(special + 1);
    if (c == '"') return true;
    if (text.empty()) return false;
    const char escape = text.front();
    text.remove_prefix(1);
    std::uint32_t value = 0;
    switch (escape) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\\': case '"': case '\'': out += escape; break;
      case 'x':
        if (!read_hex(text, 2, value)) return false;
        out += static_cast<char>(value);  // a raw byte, as Go's \x means
        break;
      case 'u':
        if (!read_hex(text, 4, value)) return false;
        append_utf8(out, value);
        break;
      case 'U':
        if (!read_hex(text, 8, value)) return false;
        append_utf8(out, value);
        break;
      default: return false;
    }
  }
  return false;
}

// The runtime leaves a label bare only when it holds nothing but letters,
// digits, '.', '/' and '_' (tracebackStringNeedsQuoting).
bool is_bare(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '/' ||
         c == '_';
}

bool read_label_text(std::string_view& text, std::string_view& out, NamePool& names, std::string& scratch) {
  if (!text.empty() && text.front() == '"') {
    if (!read_quoted(text, scratch)) return false;
    out = names.intern(scratch);
    return true;
  }
  // Bare, possibly empty: the runtime prints an empty key or value as nothing.
  std::size_t end = 0;
  while (end < text.size() && is_bare(text[end])) ++end;
  out = names.intern(text.substr(0, end));
  text.remove_prefix(end);
  return true;
}

bool skip(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

}  // namespace

bool read_labels(std::string_view& text, std::vector<Label>& out, NamePool& names, std::string& scratch) {
  if (skip(text, '}')) return true;
  while (true) {
    Label label;
    if (!read_label_text(text, label.key, names, scratch) || !skip(text, ':')) return false;
    skip(text, ' ');
    if (!read_label_text(text, label.value, names, scratch)) return false;
    out.push_back(label);
    if (skip(text, '}')) return true;
    if (!skip(text, ',')) return false;
    skip(text, ' ');
  }
}

}  // namespace goleakcheck::detail

namespace goleakcheck {

std::string unescape_go_symbol(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '%' && i + 2 < name.size() && detail::hex_value(name[i + 1]) >= 0 && detail::hex_value(name[i + 2]) >= 0) {
      out += static_cast<char>(detail::hex_value(name[i + 1]) * 16 + detail::hex_value(name[i + 2]));
      i += 2;
    } else {
      out += name[i];
    }
  }
  return out;
}

}  // namespace goleakcheck

namespace goleakcheck::detail {

std::string_view intern_symbol(std::string_view name, NamePool& names, std::string& scratch) {
  if (std::memchr(name.data(), '%', name.size()) == nullptr) return names.intern(name);
  scratch = unescape_go_symbol(name);
  return names.intern(scratch);
}

}  // namespace goleakcheck::detail
