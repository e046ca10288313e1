// Property: any goroutine records, printed the way the runtime prints them,
// read back as the same records, whatever the chunking. Records are drawn
// at random (fixed seeds, so a failure repeats) from the forms Go writes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "goleakcheck/dump.hpp"

namespace goleakcheck {
namespace {

// What a record is made of, owning its strings (the parsed side is views).
struct FrameSpec {
  std::string function, file;
  int line = 0;
  bool inlined = false;
};

struct RecordSpec {
  std::uint64_t id = 0;
  std::string state;
  std::optional<int> minutes;
  bool locked = false, leaked = false, scan = false;
  std::optional<std::uint64_t> bubble;
  // Decoded key and value, each with the text the runtime prints for it.
  struct LabelSpec {
    std::string key, value, printed_key, printed_value;
  };
  std::vector<LabelSpec> labels;
  bool labels_in_brackets = false;  // Go 1.26's form, else Go 1.27's
  std::vector<FrameSpec> frames;
  std::optional<std::uint64_t> elided;  // 0: the old form without a count
  std::optional<FrameSpec> creator;
  std::optional<std::uint64_t> creator_id;
};

class RecordGenerator {
 public:
  explicit RecordGenerator(unsigned seed) : rng_(seed) {}

  RecordSpec record(std::uint64_t id) {
    RecordSpec r;
    r.id = id;
    r.state = pick({"chan send", "chan receive", "select", "sync.Mutex.Lock", "IO wait", "running", "runnable",
                    "chan receive (nil chan)", "sync.WaitGroup.Wait (durable)", "GC worker (idle)", "semacquire"});
    if (chance(3)) r.minutes = between(1, 100000);
    r.locked = chance(5);
    r.leaked = chance(6);
    r.scan = chance(8);
    if (chance(6)) r.bubble = between(1, 9);
    if (chance(5)) {
      r.labels_in_brackets = chance(2);
      const int count = between(1, 3);
      for (int i = 0; i < count; ++i) r.labels.push_back(label(r.labels_in_brackets));
    }
    const int depth = between(1, 12);
    for (int i = 0; i < depth; ++i) r.frames.push_back(frame());
    if (chance(8)) r.elided = chance(2) ? 0 : between(1, 500);
    if (!chance(6)) {
      r.creator = frame();
      r.creator->inlined = false;
      if (chance(2)) r.creator_id = between(1, 1 << 20);
    }
    return r;
  }

 private:
  // Go 1.27 quotes a label only when it holds more than [A-Za-z0-9./_];
  // Go 1.26 always quotes. Values a header reader must survive.
  RecordSpec::LabelSpec label(bool always_quoted) {
    struct Text {
      const char* raw;
      const char* quoted;
      bool bare;
    };
    static const Text texts[] = {
        {"labelled", R"("labelled")", true},
        {"/api/v1.2_x", R"("/api/v1.2_x")", true},
        {"", R"("")", true},
        {"a b", R"("a b")", false},
        {"x]:\n\ngoroutine 999 [running]:", R"("x]:\n\ngoroutine 999 [running]:")", false},
        {"say \"hi\" {ok}, \\ done", R"("say \"hi\" {ok}, \\ done")", false},
        {"gr\u00fc\u00dfe \u4e16", R"("gr\u00fc\u00dfe \u4e16")", false},
        {"}]:", R"("}]:")", false},
        {"tab\there", R"("tab\there")", false},
    };
    const Text& key = texts[between(0, 3)];
    const Text& value = texts[between(0, 8)];
    const auto printed = [&](const Text& t) { return t.bare && !always_quoted ? std::string(t.raw) : t.quoted; };
    return {key.raw, value.raw, printed(key), printed(value)};
  }

  FrameSpec frame() {
    FrameSpec f;
    f.function = pick({"main.main", "main.(*cache).refresh", "main.worker.func1", "main.F.func1.2",
                       "example.com/x/pkg.(*Box[...]).Wait", "pkg.T.M", "main.start.gowrap1", "main.loop-range1",
                       "sync.(*Mutex).Lock", "runtime.gopark", "main.glob..func5", "main.init.0", "panic",
                       "net/http.(*persistConn).readLoop"});
    f.file = pick({"/src/main.go", "/usr/local/go/src/runtime/proc.go", "C:/Users/dev/box.go",
                   "/home/a b/proj/main.go", "_testmain.go", "/go/pkg/mod/example.com/x@v1.2.3/pkg/box.go"});
    f.line = between(1, 99999);
    f.inlined = chance(5);
    return f;
  }

  bool chance(int one_in) { return std::uniform_int_distribution<int>(1, one_in)(rng_) == 1; }
  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::string pick(std::initializer_list<const char*> options) {
    return *(options.begin() + between(0, static_cast<int>(options.size()) - 1));
  }

  std::mt19937 rng_;
};

std::string render(const RecordSpec& r, bool crlf) {
  const std::string nl = crlf ? "\r\n" : "\n";
  std::string reason = r.state + (r.scan ? " (scan)" : "") + (r.leaked ? " (leaked)" : "");
  std::string parts;
  if (r.minutes) parts += fmt::format(", {} minutes", *r.minutes);
  if (r.locked) parts += ", locked to thread";
  if (r.bubble) parts += fmt::format(", synctest bubble {}", *r.bubble);
  std::string labels;
  for (const auto& l : r.labels) labels += (labels.empty() ? "" : ", ") + l.printed_key + ": " + l.printed_value;
  const std::string in_brackets = r.labels.empty() || !r.labels_in_brackets ? "" : " labels:{" + labels + "}";
  const std::string after = r.labels.empty() || r.labels_in_brackets ? "" : " {" + labels + "}";
  std::string text = fmt::format("goroutine {} [{}{}{}]{}:{}", r.id, reason, parts, in_brackets, after, nl);
  const auto location = [&](const FrameSpec& f, bool offset) {
    return fmt::format("\t{}:{}{}{}", f.file, f.line, offset ? " +0x1d" : "", nl);
  };
  for (std::size_t i = 0; i < r.frames.size(); ++i) {
    const FrameSpec& f = r.frames[i];
    text += f.function + (f.inlined ? "(...)" : "(0xc000012345, {0x7b1, 0x3}, 0x0?)") + nl + location(f, !f.inlined);
    if (r.elided && i == r.frames.size() / 2) {
      text += (*r.elided == 0 ? std::string("...additional frames elided...") : fmt::format("...{} frames elided...", *r.elided)) + nl;
    }
  }
  if (r.creator) {
    text += "created by " + r.creator->function + (r.creator_id ? fmt::format(" in goroutine {}", *r.creator_id) : "") +
            nl + location(*r.creator, true);
  }
  return text;
}

void expect_same(const RecordSpec& want, const Goroutine& got) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.wait_minutes, want.minutes);
  EXPECT_EQ(got.locked_to_thread, want.locked);
  EXPECT_EQ(got.leaked_marker, want.leaked);
  EXPECT_EQ(got.synctest_bubble, want.bubble);
  EXPECT_TRUE(got.unreadable_header.empty()) << got.unreadable_header;
  ASSERT_EQ(got.labels.size(), want.labels.size());
  for (std::size_t i = 0; i < want.labels.size(); ++i) {
    EXPECT_EQ(got.labels[i].key, want.labels[i].key);
    EXPECT_EQ(got.labels[i].value, want.labels[i].value);
  }
  ASSERT_EQ(got.frames.size(), want.frames.size());
  for (std::size_t i = 0; i < want.frames.size(); ++i) {
    EXPECT_EQ(got.frames[i].function, want.frames[i].function);
    EXPECT_EQ(got.frames[i].file, want.frames[i].file);
    EXPECT_EQ(got.frames[i].line, want.frames[i].line);
    EXPECT_EQ(got.frames[i].inlined, want.frames[i].inlined);
  }
  EXPECT_EQ(got.frames_elided, want.elided.has_value());
  EXPECT_EQ(got.elided_frame_count, want.elided.value_or(0));
  ASSERT_EQ(got.created_by.has_value(), want.creator.has_value());
  if (want.creator) {
    EXPECT_EQ(got.created_by->function, want.creator->function);
    EXPECT_EQ(got.created_by->file, want.creator->file);
    EXPECT_EQ(got.created_by->line, want.creator->line);
  }
  EXPECT_EQ(got.creator_id, want.creator_id);
  EXPECT_FALSE(got.partial);
}

TEST(DumpRoundTrip, RandomRecordsReadBackAsTheSameRecords) {
  for (unsigned seed = 1; seed <= 200; ++seed) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    RecordGenerator generator(seed);
    std::vector<RecordSpec> records;
    const bool crlf = seed % 4 == 0;
    std::string text = seed % 3 == 0 ? "panic: a crash log starts here\n\n" : "";
    const int count = 1 + static_cast<int>(seed % 17);
    for (int i = 0; i < count; ++i) {
      records.push_back(generator.record(static_cast<std::uint64_t>(seed) * 1000 + static_cast<std::uint64_t>(i)));
      text += render(records.back(), crlf) + (crlf ? "\r\n" : "\n");
    }

    DumpReader reader;  // chunks of a size that changes with the seed
    const std::size_t chunk = 1 + seed % 97;
    for (std::size_t at = 0; at < text.size(); at += chunk) reader.feed(std::string_view(text).substr(at, chunk));
    const Snapshot s = reader.finish();

    EXPECT_FALSE(s.truncated);
    ASSERT_EQ(s.goroutines.size(), records.size());
    for (std::size_t i = 0; i < records.size(); ++i) expect_same(records[i], s.goroutines[i]);
    if (HasFailure()) break;  // one seed's report is enough
  }
}

}  // namespace
}  // namespace goleakcheck
