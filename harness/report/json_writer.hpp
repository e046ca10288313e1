// RapidJSON's writer over an std::ostream: values are written as they are
// made, never built into a tree, through a buffer flushed every 64 KiB.
// Strings are checked as UTF-8 on the way: a dump's names and labels may
// hold any bytes, and invalid ones become U+FFFD rather than an error.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string_view>

namespace goleakcheck::detail {

class JsonWriter {
 public:
  // Indented by 2 spaces, one value per line.
  explicit JsonWriter(std::ostream& out);
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;
  // Flushes what is buffered.
  ~JsonWriter();

  void start_object();
  void end_object();
  void start_array();
  void end_array();
  void key(std::string_view key);
  void string(std::string_view text);
  void number(std::uint64_t n);
  void number(std::int64_t n);
  void number(int n) { number(static_cast<std::int64_t>(n)); }
  void number(double n);
  void boolean(bool b);
  void null();
  // A string, or null when empty.
  void string_or_null(std::string_view text);

  template <class T>
  void field(std::string_view name, const T& value) {
    key(name);
    write(value);
  }

  // Writes the buffer out when it holds 64 KiB or more: call between
  // values, e.g. after each record of a long array.
  void flush_if_full();
  // Writes the buffer out, and a final newline after the top value.
  void finish();

 private:
  void write(std::string_view v) { string(v); }
  void write(const char* v) { string(v); }
  void write(bool v) { boolean(v); }
  void write(std::uint64_t v) { number(v); }
  void write(std::int64_t v) { number(v); }
  void write(int v) { number(v); }
  void write(double v) { number(v); }
  template <class T>
  void write(const std::optional<T>& v) {
    if (v) {
      write(*v);
    } else {
      null();
    }
  }

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace goleakcheck::detail
