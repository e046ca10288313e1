// RapidJSON's writer over an std::ostream: values are written as they are
// made, never built into a tree, through a buffer flushed every 64 KiB.
// Strings are checked as UTF-8 on the way: a dump's names and labels may
// hold any bytes, and invalid ones become U+FFFD rather than an error.
// Names are escaped once each and then copied (key(), name()), which is
// what lets a 64 MiB dump be written as records at close to the speed of
// reading it (tests/bench/run).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string_view>

namespace goleakcheck::detail {

// indented: 2 spaces a level, one value per line, for reports people read.
// compact: no whitespace at all, for long streams of records, where new
// lines go between records (raw()).
enum class JsonLayout { indented, compact };

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out, JsonLayout layout = JsonLayout::indented);
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;
  // Flushes what is buffered.
  ~JsonWriter();

  void start_object();
  void end_object();
  void start_array();
  void end_array();
  // A key, and a name from a dump (a function, a file, a state, a label).
  // Each is escaped once and then found by its address: the text must stay
  // at that address, unchanged, while the writer lives. Literals and the
  // views of a NamePool that outlives the writer do; a temporary must go
  // through string().
  void key(std::string_view key);
  void name(std::string_view text);
  // Any text, escaped each time.
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

  // A value already written as compact JSON, where a value may go.
  void raw_value(std::string_view json);
  // Text written as it is, where no value is open: between top-level values
  // after restart(), e.g. the brackets and separators of a stream of records.
  void raw(std::string_view text);
  // Forgets that a top-level value was written, so that another may follow
  // (one record after another in compact layout, joined by raw() text).
  void restart();

  // Writes the buffer out when it holds 64 KiB or more: call between
  // values, e.g. after each record of a long array.
  void flush_if_full();
  // Writes the buffer out.
  void flush();
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
