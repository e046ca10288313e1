#include "report/json_writer.hpp"

#include "common/utf8.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

// RAPIDJSON_SSE2 stays off: RapidJSON 1.1.0's SSE2 scan (Debian's) lets
// the control bytes 0x1A-0x1F through unescaped, which is invalid JSON
// (found by tests/fuzz/json_fuzzer.cpp). Names are escaped once each
// anyway (below), so the byte-by-byte escaper is off the hot path.
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace goleakcheck::detail {

namespace {

constexpr std::size_t kFlushAt = std::size_t{64} << 10;

}  // namespace

struct JsonWriter::Impl {
  Impl(std::ostream& o, JsonLayout layout)
      : out(o), indented(layout == JsonLayout::indented), pretty(buffer), compact(buffer) {
    pretty.SetIndent(' ', 2);
  }
  std::ostream& out;
  bool indented;
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> pretty;
  rapidjson::Writer<rapidjson::StringBuffer> compact;
  std::string repaired;

  // Calls `write` with the writer of the layout. The two are distinct
  // types with the same methods, not one virtual interface.
  template <class Write>
  void with_writer(Write write) {
    if (indented) {
      write(pretty);
    } else {
      write(compact);
    }
  }

  // Names as written, quoted and escaped, by the address of their text:
  // a dump's names are interned (dump/name_pool.hpp), so the same few
  // hundred function and file names come back at the same addresses, and
  // keys are literals. Direct-mapped. The address alone identifies a text:
  // key() and name() state the contract that makes this right.
  struct Escaped {
    const char* address = nullptr;
    std::size_t size = 0;
    std::string json;
  };
  static constexpr std::size_t kCacheBits = 12;
  std::vector<Escaped> cache{std::size_t{1} << kCacheBits};
  rapidjson::StringBuffer scratch;
  rapidjson::Writer<rapidjson::StringBuffer> escaper{scratch};

  // The JSON string for `text`: valid UTF-8, quoted and escaped.
  std::string_view escaped(std::string_view text) {
    // An empty text may have any address, null included (an unused entry's).
    if (text.empty()) return "\"\"";
    const auto address = reinterpret_cast<std::uintptr_t>(text.data());
    // Every bit of the address counts: literals are packed a few bytes apart.
    Escaped& entry = cache[(address * 0x9E3779B97F4A7C15ULL) >> (64 - kCacheBits)];
    if (entry.address == text.data() && entry.size == text.size()) return entry.json;
    const std::string_view utf8 = valid(text);
    scratch.Clear();
    escaper.Reset(scratch);
    escaper.String(utf8.data(), static_cast<rapidjson::SizeType>(utf8.size()));
    entry.address = text.data();
    entry.size = text.size();
    entry.json.assign(scratch.GetString(), scratch.GetSize());
    return entry.json;
  }

  void write_name(std::string_view text) { write_raw_value(escaped(text), rapidjson::kStringType); }

  void write_raw_value(std::string_view json, rapidjson::Type type) {
    // RawValue with no text writes only what goes before a value (comma,
    // colon, indentation); the text is then copied in one memcpy, where
    // RawValue would copy it byte by byte.
    with_writer([&](auto& w) { w.RawValue("", 0, type); });
    std::memcpy(buffer.Push(json.size()), json.data(), json.size());
  }

  void write_string(std::string_view text) {
    const std::string_view utf8 = valid(text);
    with_writer([&](auto& w) { w.String(utf8.data(), static_cast<rapidjson::SizeType>(utf8.size())); });
  }

  void flush() {
    out.write(buffer.GetString(), static_cast<std::streamsize>(buffer.GetSize()));
    buffer.Clear();
  }
  std::string_view valid(std::string_view text) { return valid_utf8(text, repaired); }
};

JsonWriter::JsonWriter(std::ostream& out, JsonLayout layout) : impl_(std::make_unique<Impl>(out, layout)) {}
JsonWriter::~JsonWriter() { impl_->flush(); }

void JsonWriter::start_object() {
  impl_->with_writer([](auto& w) { w.StartObject(); });
}
void JsonWriter::end_object() {
  impl_->with_writer([](auto& w) { w.EndObject(); });
}
void JsonWriter::start_array() {
  impl_->with_writer([](auto& w) { w.StartArray(); });
}
void JsonWriter::end_array() {
  impl_->with_writer([](auto& w) { w.EndArray(); });
}
// A key is written as a string is: RapidJSON's writers tell them apart by
// position alone.
void JsonWriter::key(std::string_view key) { impl_->write_name(key); }
void JsonWriter::name(std::string_view text) { impl_->write_name(text); }
void JsonWriter::string(std::string_view value) { impl_->write_string(value); }
void JsonWriter::string_or_null(std::string_view text) {
  if (text.empty()) {
    null();
  } else {
    string(text);
  }
}
void JsonWriter::number(std::uint64_t n) {
  impl_->with_writer([&](auto& w) { w.Uint64(n); });
}
void JsonWriter::number(std::int64_t n) {
  impl_->with_writer([&](auto& w) { w.Int64(n); });
}
void JsonWriter::number(double n) {
  impl_->with_writer([&](auto& w) { w.Double(n); });
}
void JsonWriter::boolean(bool b) {
  impl_->with_writer([&](auto& w) { w.Bool(b); });
}
void JsonWriter::null() {
  impl_->with_writer([](auto& w) { w.Null(); });
}

void JsonWriter::raw_value(std::string_view json) {
  // The type only serves RapidJSON's assertions; an object may stand
  // wherever a value may.
  impl_->write_raw_value(json, rapidjson::kObjectType);
}

void JsonWriter::raw(std::string_view text) {
  std::memcpy(impl_->buffer.Push(text.size()), text.data(), text.size());
}

void JsonWriter::restart() {
  impl_->with_writer([&](auto& w) { w.Reset(impl_->buffer); });
}

void JsonWriter::flush_if_full() {
  if (impl_->buffer.GetSize() >= kFlushAt) impl_->flush();
}

void JsonWriter::flush() { impl_->flush(); }

void JsonWriter::finish() {
  impl_->buffer.Put('\n');
  impl_->flush();
}

}  // namespace goleakcheck::detail
