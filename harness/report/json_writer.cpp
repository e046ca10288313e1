#include "report/json_writer.hpp"

#include <string>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace goleakcheck::detail {

namespace {

constexpr std::size_t kFlushAt = std::size_t{64} << 10;

// The length of the valid UTF-8 sequence at `s` (1 to 4), or 0.
std::size_t utf8_sequence(const unsigned char* s, std::size_t left) {
  const unsigned char c = s[0];
  if (c < 0x80) return 1;
  std::size_t length = 0;
  unsigned int min = 0;
  if ((c & 0xE0) == 0xC0) {
    length = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    length = 3;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    length = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (length > left) return 0;
  unsigned int code = c & (0xFF >> (length + 1));
  for (std::size_t i = 1; i < length; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    code = (code << 6) | (s[i] & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

struct JsonWriter::Impl {
  explicit Impl(std::ostream& o) : out(o), writer(buffer) { writer.SetIndent(' ', 2); }
  std::ostream& out;
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer;
  std::string repaired;

  void flush() {
    out.write(buffer.GetString(), static_cast<std::streamsize>(buffer.GetSize()));
    buffer.Clear();
  }
  // The text, valid UTF-8: itself when it is, else a copy with each bad
  // byte replaced by U+FFFD.
  std::string_view valid(std::string_view text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    std::size_t i = 0;
    while (i < text.size()) {
      if (s[i] < 0x80) {
        ++i;
        continue;
      }
      const std::size_t n = utf8_sequence(s + i, text.size() - i);
      if (n == 0) break;
      i += n;
    }
    if (i == text.size()) return text;
    repaired.assign(text.substr(0, i));
    while (i < text.size()) {
      const std::size_t n = utf8_sequence(s + i, text.size() - i);
      if (n == 0) {
        repaired += "\xEF\xBF\xBD";
        ++i;
      } else {
        repaired.append(text.substr(i, n));
        i += n;
      }
    }
    return repaired;
  }
};

JsonWriter::JsonWriter(std::ostream& out) : impl_(std::make_unique<Impl>(out)) {}
JsonWriter::~JsonWriter() { impl_->flush(); }

void JsonWriter::start_object() { impl_->writer.StartObject(); }
void JsonWriter::end_object() { impl_->writer.EndObject(); }
void JsonWriter::start_array() { impl_->writer.StartArray(); }
void JsonWriter::end_array() { impl_->writer.EndArray(); }
void JsonWriter::key(std::string_view key) {
  const std::string_view text = impl_->valid(key);
  impl_->writer.Key(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}
void JsonWriter::string(std::string_view value) {
  const std::string_view text = impl_->valid(value);
  impl_->writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}
void JsonWriter::string_or_null(std::string_view text) {
  if (text.empty()) {
    null();
  } else {
    string(text);
  }
}
void JsonWriter::number(std::uint64_t n) { impl_->writer.Uint64(n); }
void JsonWriter::number(std::int64_t n) { impl_->writer.Int64(n); }
void JsonWriter::number(double n) { impl_->writer.Double(n); }
void JsonWriter::boolean(bool b) { impl_->writer.Bool(b); }
void JsonWriter::null() { impl_->writer.Null(); }

void JsonWriter::flush_if_full() {
  if (impl_->buffer.GetSize() >= kFlushAt) impl_->flush();
}

void JsonWriter::finish() {
  impl_->buffer.Put('\n');
  impl_->flush();
}

}  // namespace goleakcheck::detail
