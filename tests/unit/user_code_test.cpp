// Which frames are the user's, and how a goroutine's story leads to them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goleakcheck/dump.hpp"
#include "goleakcheck/hints.hpp"
#include "goleakcheck/user_code.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

Frame frame(std::string_view function, std::string_view file) { return Frame{function, file, 1}; }

TEST(UserCode, GuessesFromTheFileWhereTheStandardLibraryAndLibrariesAre) {
  const UserCode guess;
  EXPECT_FALSE(guess.owns(frame("net/http.(*conn).serve", "/usr/local/go/src/net/http/server.go")));
  EXPECT_FALSE(guess.owns(frame("net/http.(*conn).serve", "/usr/lib/go-1.19/src/net/http/server.go")));
  // A function linked into another package's directory.
  EXPECT_FALSE(guess.owns(frame("internal/sync.runtime_SemacquireMutex", "/usr/local/go/src/runtime/sema.go")));
  EXPECT_FALSE(guess.owns(frame(
      "net/http.(*conn).serve",
      "/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.27.0.linux-amd64/src/net/http/server.go")));
  EXPECT_FALSE(guess.owns(frame("github.com/nats-io/nats.go.(*Conn).readLoop",
                                "/root/go/pkg/mod/github.com/nats-io/nats.go@v1.37.0/nats.go")));
  EXPECT_FALSE(guess.owns(frame("example.com/pubsub.(*Conn).flusher",
                                "/src/app/vendor/example.com/pubsub/pubsub.go")));
  EXPECT_TRUE(guess.owns(frame("main.publishPerCall", "/work/app/subscribe.go")));
  // GOPATH layouts put your code under src/ too: a module path has a dot.
  EXPECT_TRUE(guess.owns(frame("github.com/acme/shop/cart.(*Cart).Add", "/home/u/go/src/github.com/acme/shop/cart/cart.go")));
  EXPECT_TRUE(guess.owns(frame("main.main", "/home/u/go/src/main/main.go")));
  EXPECT_FALSE(guess.owns(frame("main.main", "")));  // nothing to go by
}

TEST(UserCode, NamedModulesDecideAlone) {
  const UserCode named{{"example.com/pubsub", "main"}};
  EXPECT_TRUE(named.owns(frame("example.com/pubsub.(*Conn).flusher", "/src/app/vendor/example.com/pubsub/pubsub.go")));
  EXPECT_TRUE(named.owns(frame("example.com/pubsub/internal/wire.Read", "/x/wire.go")));
  EXPECT_FALSE(named.owns(frame("example.com/pubsubx.F", "/x/f.go")));  // a prefix of the path, not of a package
  EXPECT_TRUE(named.owns(frame("main.main", "/x/main.go")));
  EXPECT_FALSE(named.owns(frame("github.com/acme/shop.F", "/work/shop/f.go")));
}

// Go 1.27's capture with GODEBUG=tracebackancestors: each goroutine of the
// waitstates service shows the stacks that created it.
TEST(UserOrigin, FollowsCreatorsAndAncestorsToTheFirstUserFrame) {
  const Snapshot s = parse_dump(test::read_file(test::fixture("releases/go1.27/ancestors.debug2.txt")));
  const UserCode guess;
  std::size_t through_ancestors = 0;
  for (const Goroutine& g : s.goroutines) {
    const UserOrigin origin = user_origin(g, guess);
    if (origin.frame == nullptr) continue;
    EXPECT_TRUE(guess.owns(*origin.frame)) << g.id;
    through_ancestors += origin.started_it ? 1 : 0;
  }
  EXPECT_GT(through_ancestors, 0u);
}

TEST(UserOrigin, SaysWhenAncestorsWereNeededAndMissing) {
  const Snapshot s = parse_dump(
      "goroutine 7 [select]:\n"
      "example.com/pubsub.(*Conn).flusher(...)\n\t/app/vendor/example.com/pubsub/pubsub.go:32\n"
      "created by example.com/pubsub.Connect in goroutine 6\n\t/app/vendor/example.com/pubsub/pubsub.go:16 +0xe5\n");
  const UserOrigin origin = user_origin(s.goroutines.front(), UserCode{});
  EXPECT_EQ(origin.frame, nullptr);
  EXPECT_TRUE(origin.ancestors_missing);
  EXPECT_FALSE(leak_hint(s.goroutines.front(), origin).has_value() &&
               leak_hint(s.goroutines.front(), origin)->pattern == "client_per_call")
      << "no evidence of the user's code, no claim about it";
}

TEST(LeakHint, ComesOnlyWithEvidence) {
  const auto hint_for = [](const char* dump, std::string_view line = {}) {
    const Snapshot s = parse_dump(dump);
    return leak_hint(s.goroutines.front(), user_origin(s.goroutines.front(), UserCode{}), line);
  };
  EXPECT_EQ(hint_for("goroutine 7 [chan send (nil chan)]:\nmain.f()\n\t/app/f.go:3\n")->pattern, "nil_channel");
  EXPECT_EQ(hint_for("goroutine 7 [select (no cases)]:\nmain.f()\n\t/app/f.go:3\n")->pattern, "empty_select");
  EXPECT_EQ(hint_for("goroutine 7 [chan receive]:\nmain.f()\n\t/app/f.go:3\n")->pattern, "receive_never_sent");
  EXPECT_EQ(hint_for("goroutine 7 [chan receive]:\nmain.f()\n\t/app/f.go:3\n", "\tfor job := range jobs {")->pattern,
            "range_never_closed");
  EXPECT_EQ(hint_for("goroutine 7 [chan receive]:\nmain.f()\n\t/app/f.go:3\n", "\tv := <-arranged")->pattern,
            "receive_never_sent");
  EXPECT_EQ(hint_for("goroutine 7 [sync.Cond.Wait]:\nmain.f()\n\t/app/f.go:3\n")->pattern, "cond_never_signalled");
  // Before Go 1.21 a lock's wait said only "semacquire": the frames tell.
  EXPECT_EQ(hint_for("goroutine 7 [semacquire]:\nsync.(*Mutex).Lock(...)\n\t/go/src/sync/mutex.go:81\nmain.f()\n"
                     "\t/app/f.go:3\n")->pattern,
            "lock_never_released");
  EXPECT_FALSE(hint_for("goroutine 7 [IO wait]:\nmain.f()\n\t/app/f.go:3\n").has_value());
  EXPECT_FALSE(hint_for("goroutine 7 [sleep]:\ntime.Sleep(0x1)\n\t/go/src/runtime/time.go:3\nmain.f()\n\t/app/f.go:3\n")
                   .has_value());
}

}  // namespace
}  // namespace goleakcheck
