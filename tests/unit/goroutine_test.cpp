#include <gtest/gtest.h>

#include "goleakcheck/checker.hpp"
#include "goleakcheck/footprint.hpp"
#include "goleakcheck/dump.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

TEST(GoroutineState, WaitReasonsAreBlockedStatusesAreNot) {
  for (const char* state : {"chan send", "chan receive", "select", "select (no cases)", "semacquire",
                            "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.WaitGroup.Wait", "sync.Cond.Wait",
                            "IO wait", "sleep", "chan receive (nil chan)", "select (durable)", "waiting"}) {
    EXPECT_TRUE(Goroutine::is_blocked_state(state)) << state;
  }
  for (const char* state : {"running", "runnable", "syscall", "idle", "dead", "copystack", "preempted", ""}) {
    EXPECT_FALSE(Goroutine::is_blocked_state(state)) << state;
  }
}

TEST(BlockingSite, PlumbingIsEveryPrefixAndNothingThatOnlySharesItsFirstLetter) {
  for (const char* function : {"runtime.gopark", "sync.(*Mutex).Lock", "internal/poll.(*FD).Read", "net.(*conn).Read",
                               "bufio.(*Reader).fill", "io.ReadFull", "os.(*File).Read", "syscall.Syscall",
                               "crypto/tls.(*Conn).Read", "time.Sleep"}) {
    EXPECT_TRUE(is_blocking_plumbing(function)) << function;
  }
  for (const char* function : {"", "main.main", "github.com/nats-io/nats.go.(*Conn).readLoop", "google.golang.org/grpc.x",
                               "time.AfterFunc", "timer.Wait", "runtimex.F", "syncer.Run", "netx.Dial", "iox.Copy",
                               "osx.Open", "bufiox.Read", "crypto/rand.Read", "internalx.F", "a", "z.F"}) {
    EXPECT_FALSE(is_blocking_plumbing(function)) << function;
  }
}

TEST(BlockingSite, SkipsRuntimeSyncAndInternalFrames) {
  const Snapshot s = parse_dump(test::read_file(test::fixture("go1.26-leakyservice.debug2.txt")));
  const Frame* lock_site = s.find(35)->blocking_site();
  ASSERT_NE(lock_site, nullptr);
  EXPECT_EQ(lock_site->function, "main.(*cache).refresh");
  const Frame* wait_site = s.find(55)->blocking_site();
  ASSERT_NE(wait_site, nullptr);
  EXPECT_EQ(wait_site->function, "main.waitGroupPattern.func2");
  EXPECT_EQ(s.find(9)->blocking_site()->function, "main.timeoutPattern.func1");
}

TEST(BlockingSite, TimeSleepIsPlumbingAndAllPlumbingFallsBackToTheTop) {
  const Snapshot s = parse_dump(
      "goroutine 4 [sleep]:\ntime.Sleep(0x3b9aca00)\n\t/go/src/runtime/time.go:300 +0x1\n"
      "main.poll()\n\t/src/a.go:5 +0x1\n\n"
      "goroutine 5 [GC worker (idle)]:\nruntime.gopark(0x0?)\n\t/go/src/runtime/proc.go:1 +0x1\n\n"
      "goroutine 6 [running]:\n");
  EXPECT_EQ(s.goroutines[0].blocking_site()->function, "main.poll");
  EXPECT_EQ(s.goroutines[1].blocking_site()->function, "runtime.gopark");
  EXPECT_EQ(s.goroutines[2].blocking_site(), nullptr);
}

TEST(SnapshotFootprint, ThePprofWriterAndConnectionReaderAreTheDumpsOwn) {
  const Snapshot s = parse_dump(test::read_file(test::fixture("go1.26-leakyservice.debug2.txt")));
  EXPECT_TRUE(is_snapshot_footprint(*s.find(36)));   // writeGoroutineStacks
  EXPECT_TRUE(is_snapshot_footprint(*s.find(37)));   // backgroundRead of that connection
  EXPECT_FALSE(is_snapshot_footprint(*s.find(1)));   // the listener
  EXPECT_FALSE(is_snapshot_footprint(*s.find(23)));  // a leak
}

TEST(BaselineIds, ContainsExactlyTheSnapshotsIds) {
  const Baseline baseline(parse_dump(test::read_file(test::fixture("go1.26-leakyservice.debug2.txt"))));
  for (std::uint64_t id : {1, 6, 9, 13, 15, 20, 23, 24, 32, 35, 36, 37, 55}) EXPECT_TRUE(baseline.contains(id)) << id;
  for (std::uint64_t id : {0, 2, 7, 10, 54, 56, 1000}) EXPECT_FALSE(baseline.contains(id)) << id;
}

}  // namespace
}  // namespace goleakcheck
