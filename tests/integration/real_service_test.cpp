// Verdicts on services that behave as real ones do (examples/realservice,
// and leakyservice's outbound calls): start-up that goes on after pprof
// answers, a program that is never quiet, lazily created clients, HTTP/2
// connections, a periodic refresher, a Transport per request, and leaks the
// Go runtime can and cannot prove. Each case gets its exact verdict on
// defaults, three times, and the overrides keep working: with
// CheckOptions::repeat = 1 (--scenario-once) they show what a single run
// sees.
#include <algorithm>
#include <chrono>
#include <functional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "goleakcheck/checker.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/gtest.hpp"
#include "goleakcheck/idle_connection.hpp"
#include "goleakcheck/program.hpp"
#include "goleakcheck/report.hpp"
#include "leakyservice.hpp"

namespace goleakcheck {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using std::chrono::milliseconds;

LaunchOptions realservice(std::vector<std::string> flags = {}, const char* binary = GOLEAKCHECK_REALSERVICE_BIN) {
  LaunchOptions options;
  options.argv = {binary, "-addr", "{addr}"};
  options.argv.insert(options.argv.end(), flags.begin(), flags.end());
  return options;
}

// Checks `scenario` with `options` (a short settle, unless set) against a
// freshly launched program.
LeakReport check(const LaunchOptions& launch, CheckOptions options, const std::function<void(Program&)>& scenario) {
  Program program = Program::launch(launch);
  testing::LeakGuard guard(program, [&] { scenario(program); }, std::move(options));
  return guard.check();
}

CheckOptions settle(milliseconds settle) {
  CheckOptions options;
  options.settle = settle;
  return options;
}

// One run of the scenario, judged by the settle time alone: what a check
// without repeats sees.
CheckOptions once(milliseconds settle_time) {
  CheckOptions options = settle(settle_time);
  options.repeat = 1;
  return options;
}

std::function<void(Program&)> get(std::string path) {
  return [path](Program& program) { test::get(program, path); };
}

std::set<std::string> blocking_functions(const LeakReport& report) {
  std::set<std::string> functions;
  for (const LeakGroup& group : report.groups) functions.insert(std::string(group.blocking_site.function));
  return functions;
}

// 20 workers started over 1 s after pprof answers; /healthz says when.
const std::vector<std::string> kStartup = {"-startup-goroutines", "20", "-startup-spread", "1s",
                                           "-ready-after-startup"};

// A scenario that runs while the program is still starting, as a real one
// may: it ends once the program says it has started (bounded by 10 s).
void wait_for_startup(Program& program) {
  httplib::Client client(program.endpoint().host, program.endpoint().port);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto answer = client.Get("/healthz");
    if (answer && answer->status == 200) return;
    std::this_thread::sleep_for(milliseconds(10));  // a poll for a condition, not a wait for time
  }
  FAIL() << "realservice never finished starting";
}

// --- On defaults ------------------------------------------------------------

// One real-service case, checked with CheckOptions{} as a first user would.
struct DefaultsCase {
  const char* name;
  const char* binary;  // empty: not built here (its Go was not fetched)
  std::vector<std::string> flags;
  std::function<void(Program&)> scenario;
  std::size_t leaks;                     // 0: clean
  std::set<std::string> blocked_at;      // the leak groups' blocking functions
  int runs;                              // runs after the baseline the verdict rests on
  friend void PrintTo(const DefaultsCase& c, std::ostream* out) { *out << c.name; }
};

class OnDefaults : public ::testing::TestWithParam<DefaultsCase> {};

// Each case three times, each on a freshly launched program: right on
// every one.
TEST_P(OnDefaults, TheVerdictIsRightWithoutAnyOption) {
  const DefaultsCase& c = GetParam();
  if (std::string(c.binary).empty()) GTEST_SKIP() << c.name << ": this build was not configured (scripts/ fetch its Go)";
  LaunchOptions launch;
  launch.argv = {c.binary, "-addr", "{addr}"};
  launch.argv.insert(launch.argv.end(), c.flags.begin(), c.flags.end());
  for (int attempt = 1; attempt <= 3; ++attempt) {
    const LeakReport report = check(launch, CheckOptions{}, c.scenario);
    const std::string text = render_text(report);
    EXPECT_EQ(report.leak_count(), c.leaks) << "attempt " << attempt << "\n" << text;
    EXPECT_EQ(blocking_functions(report), c.blocked_at) << "attempt " << attempt << "\n" << text;
    EXPECT_EQ(report.runs, c.runs) << "attempt " << attempt << "\n" << text;
    EXPECT_EQ(report.automatic_runs, c.runs > 1) << "attempt " << attempt;
    EXPECT_THAT(text, HasSubstr("note: verdict: " + report.verdict_basis));
  }
}

// What made the first runs wrong, each reproduced: a one-time client or
// subscription, kept connections (HTTP/1 and HTTP/2), a periodic worker,
// start-up still going on, a program never quiet, goroutines that end on
// their own; and real leaks, the runtime's proof or not, and one that only
// grows.
std::vector<DefaultsCase> defaults_cases() {
  const char* rs = GOLEAKCHECK_REALSERVICE_BIN;
  const char* leaky = GOLEAKCHECK_LEAKYSERVICE_BIN;
  return {
      {"NothingNew", rs, {}, get("/healthz"), 0, {}, 1},
      {"LazySharedClient", rs, {}, get("/lazy-client"), 0, {}, 3},
      {"SharedRpcClientConnAndServerKeepalive", rs, {}, get("/rpc"), 0, {}, 3},
      {"ReplySubscriptionOnFirstRequest", rs, {}, get("/request"), 0, {}, 3},
      {"IdleHttp1Pool", leaky, {}, get("/outbound"), 0, {}, 3},
      {"IdleHttp2Connection", rs, {}, get("/h2"), 0, {}, 3},
      {"PeriodicWorkerStartedOnce", rs, {}, get("/refresher"), 0, {}, 3},
      {"StartUpStillGoing", rs, kStartup, wait_for_startup, 0, {}, 3},
      {"NeverQuiet", rs, {"-tick", "10ms"}, get("/h2/echo"), 0, {}, 1},
      {"GoroutinesThatEndOnTheirOwn", rs, {}, get("/linger"), 0, {}, 1},
      {"BlockedUntilATimeout", rs, {}, get("/give-up"), 0, {}, 3},
      {"LeakHeldByAGlobal", rs, {}, get("/global-leak"), 3, {"main.globalLeak.func1"}, 3},
      {"ProvenLeakOnGo127", GOLEAKCHECK_REALSERVICE_GO127_BIN, {}, get("/proven-leak"), 1, {"main.provenLeak.func1"}, 1},
      {"ProvableLeakWithoutTheProof", rs, {}, get("/proven-leak"), 3, {"main.provenLeak.func1"}, 3},
      {"LateBlockingLeak", rs, {}, get("/late-block"), 3, {"main.lateBlock.func1"}, 3},
      {"RpcClientConnPerCall", rs, {}, get("/rpc-per-call"), 15,
       {"example.com/rpc.(*transport).keepalive", "example.com/rpc.(*transport).read",
        "example.com/rpc.(*transport).writer"},
       3},
      {"PubsubClientPerCall", rs, {}, get("/publish-per-call"), 6,
       {"example.com/pubsub.(*Conn).flusher", "example.com/pubsub.(*Conn).readLoop"}, 3},
      {"GrowthOnlyTransportPerCall", leaky, {}, get("/outbound?transport=new"), 9,
       {"net/http.(*connReader).Read", "net/http.(*persistConn).Read", "net/http.(*persistConn).writeLoop"}, 3},
  };
}

INSTANTIATE_TEST_SUITE_P(RealServices, OnDefaults, ::testing::ValuesIn(defaults_cases()),
                         [](const auto& info) { return std::string(info.param.name); });

// --- A quiet baseline -------------------------------------------------------

TEST(QuietBaseline, WithoutItStartUpLooksLikeLeaks) {
  CheckOptions options = once(milliseconds(300));
  options.quiet_timeout = milliseconds(0);
  const LeakReport report = check(realservice(kStartup), options, wait_for_startup);
  EXPECT_FALSE(report.clean());
  EXPECT_EQ(blocking_functions(report), std::set<std::string>{"main.acceptLoop"}) << render_text(report);
}

TEST(QuietBaseline, WaitsUntilStartUpIsOver) {
  const LeakReport report = check(realservice(kStartup), once(milliseconds(300)), wait_for_startup);
  EXPECT_TRUE(report.clean()) << render_text(report);
  EXPECT_EQ(report.baseline_not_quiet, "");
  // The workers start over 1 s from launch: the baseline waited for them.
  EXPECT_GT(report.baseline_quiet_wait, milliseconds(500));
}

TEST(QuietBaseline, AReadyUrlGatesTheBaselineToo) {
  LaunchOptions launch = realservice(kStartup);
  launch.ready_url = "/healthz";
  CheckOptions options = once(milliseconds(300));
  options.quiet_timeout = milliseconds(0);
  const LeakReport report = check(launch, options, wait_for_startup);
  EXPECT_TRUE(report.clean()) << render_text(report);
}

TEST(QuietBaseline, AReadyUrlThatNeverAnswersTwoHundredIsNotReady) {
  LaunchOptions launch = realservice({"-startup-goroutines", "2", "-startup-spread", "30s", "-ready-after-startup"});
  launch.ready_url = "/healthz";
  launch.ready_timeout = milliseconds(500);
  try {
    Program::launch(launch);
    FAIL() << "launch must fail while /healthz answers 503";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::not_ready);
    EXPECT_THAT(e.what(), HasSubstr("/healthz did not answer 2xx within "));
    EXPECT_THAT(e.what(), HasSubstr("(its last answer was HTTP 503); raise --ready-timeout"));
  }
}

TEST(QuietBaseline, AProgramNeverQuietGetsItsBaselineAnywayAndTheReportSaysSo) {
  CheckOptions options = once(milliseconds(500));
  options.quiet_timeout = milliseconds(600);
  const LeakReport report = check(realservice({"-tick", "10ms"}), options, get("/h2/echo"));
  EXPECT_THAT(report.baseline_not_quiet, HasSubstr("the program never went quiet"));
  EXPECT_THAT(render_text(report), HasSubstr("note: baseline: the program never went quiet"));
  // Its workers come and go: none stays, none is a leak.
  EXPECT_TRUE(report.clean()) << render_text(report);
}

// --- Warm-up and repeats ----------------------------------------------------

TEST(LazyClient, RunOnceItsFirstUseLooksLikeALeak) {
  const LeakReport report = check(realservice(), once(milliseconds(300)), get("/lazy-client"));
  EXPECT_EQ(report.leak_count(), 4u) << render_text(report);
  EXPECT_EQ(blocking_functions(report), std::set<std::string>{"main.(*sharedClient).work"});
}

TEST(LazyClient, AWarmUpMakesItPartOfTheBaseline) {
  CheckOptions options = settle(milliseconds(300));
  options.warmup = 1;
  const LeakReport report = check(realservice(), options, get("/lazy-client"));
  EXPECT_TRUE(report.clean()) << render_text(report);
  EXPECT_EQ(report.warmup_runs, 1);
}

TEST(LazyClient, RepeatsShowItBounded) {
  CheckOptions options = settle(milliseconds(300));
  options.repeat = 3;
  const LeakReport report = check(realservice(), options, get("/lazy-client"));
  EXPECT_TRUE(report.clean()) << render_text(report);
  ASSERT_EQ(report.growth.size(), 1u) << render_text(report);
  EXPECT_EQ(report.growth[0].growth, Growth::bounded);
  EXPECT_THAT(report.growth[0].counts, ElementsAre(4, 4, 4));
  EXPECT_THAT(render_text(report), HasSubstr("bounded: appeared, then stayed at 4 (4, 4, 4 after each run)"));
}

TEST(Refresher, RunOnceItOutlivesTheSettleTime) {
  const LeakReport report = check(realservice(), once(milliseconds(300)), get("/refresher"));
  EXPECT_EQ(report.leak_count(), 1u) << render_text(report);
  EXPECT_EQ(blocking_functions(report), std::set<std::string>{"main.refreshLoop"});
}

TEST(Refresher, RepeatsShowItIsOnePerProcess) {
  CheckOptions options = settle(milliseconds(300));
  options.repeat = 3;
  const LeakReport report = check(realservice(), options, get("/refresher"));
  EXPECT_TRUE(report.clean()) << render_text(report);
  ASSERT_EQ(report.growth.size(), 1u);
  EXPECT_THAT(report.growth[0].counts, ElementsAre(1, 1, 1)) << "counted running or parked";
}

// A new Transport per request leaves a kept-alive connection per request:
// idle, each one, but growing with the runs. A shared one is a pool.
TEST(TransportPerRequest, GrowsWithTheRunsAndFails) {
  CheckOptions options = settle(milliseconds(300));
  options.repeat = 4;
  const LeakReport report = check(test::leakyservice(), options, get("/outbound?transport=new"));
  EXPECT_EQ(report.leak_count(), 12u) << render_text(report);
  ASSERT_EQ(report.growth.size(), 3u) << render_text(report);
  std::multiset<IdleConnection> kinds;
  for (const GroupGrowth& growth : report.growth) {
    EXPECT_EQ(growth.growth, Growth::growing);
    EXPECT_TRUE(growth.idle_connection);
    EXPECT_THAT(growth.counts, ElementsAre(1, 2, 3, 4));
    EXPECT_DOUBLE_EQ(growth.per_run(), 1.0);
    kinds.insert(classify_idle_connection(growth.group.example));
  }
  EXPECT_EQ(kinds, (std::multiset<IdleConnection>{IdleConnection::client_read_loop, IdleConnection::client_write_loop,
                                                  IdleConnection::server_awaiting_request}));
  EXPECT_THAT(render_text(report), HasSubstr("+1 per run (1, 2, 3, 4 after each run)"));
}

TEST(TransportPerRequest, ASharedTransportIsABoundedPool) {
  CheckOptions options = settle(milliseconds(300));
  options.repeat = 4;
  const LeakReport report = check(test::leakyservice(), options, get("/outbound"));
  EXPECT_TRUE(report.clean()) << render_text(report);
  EXPECT_EQ(report.idle_connections.size(), 3u);
  for (const GroupGrowth& growth : report.growth) EXPECT_THAT(growth.counts, ElementsAre(1, 1, 1, 1));
}

// A leak that grows with every run is called once its oldest goroutine has
// stayed blocked for the growth stay: the rest of the settle time is not
// waited out (its goroutines never end, so without growth it would be).
TEST(GrowthStay, ALeakThatGrowsIsCalledWithoutWaitingOutTheSettleTime) {
  const LeakReport report = check(realservice(), CheckOptions{}, get("/global-leak"));
  EXPECT_EQ(report.leak_count(), 3u) << render_text(report);
  EXPECT_TRUE(report.decided_by_growth) << render_text(report);
  EXPECT_LT(report.elapsed, CheckOptions{}.settle) << render_text(report);
  EXPECT_THAT(report.verdict_basis, HasSubstr("its oldest goroutine stayed blocked for 400ms"));
  EXPECT_THAT(render_text(report), HasSubstr("(growth over the runs came first)"));
}

// Told to run once, a check has no growth to go by: the settle time decides.
TEST(GrowthStay, ARunAloneWaitsOutTheSettleTime) {
  const LeakReport report = check(realservice(), once(milliseconds(600)), get("/global-leak"));
  EXPECT_EQ(report.leak_count(), 1u) << render_text(report);
  EXPECT_FALSE(report.decided_by_growth);
  EXPECT_GE(report.elapsed, milliseconds(500)) << render_text(report);
}

// --- The settle time bounds the verdict ------------------------------------

// Every dump takes 250 ms. A poll that could not end before the settle
// deadline is not started: the verdict comes within the settle time plus
// the one request that labels leaks, never a poll later.
TEST(SettleDeadline, NoPollIsStartedThatWouldEndPastIt) {
  const auto delay = milliseconds(250);
  const auto settle_time = milliseconds(600);
  const LeakReport report = check(test::leakyservice({"-goroutine-dump-delay", "250ms"}), once(settle_time),
                                  get("/ncast"));
  EXPECT_EQ(report.leak_count(), 2u) << render_text(report);
  EXPECT_LT(report.elapsed, settle_time + delay + milliseconds(100)) << render_text(report);
  EXPECT_THAT(render_text(report), HasSubstr("of 600ms settle time"));
}

// When the first poll is also the last (a dump slower than the settle
// time), everything it saw is the scenario's and is judged: never a
// "clean" for want of a second look.
TEST(SettleDeadline, AFirstPollThatIsAlsoTheLastJudgesEverythingItSaw) {
  const LeakReport report = check(test::leakyservice({"-goroutine-dump-delay", "300ms"}), once(milliseconds(200)),
                                  get("/ncast"));
  EXPECT_EQ(report.snapshots, 1u);
  EXPECT_EQ(report.leak_count(), 2u) << render_text(report);
  EXPECT_EQ(report.first_seen_last, 0u);
}

// A goroutine the scenario started that runs a while and parks only near
// the end of the settle time is the scenario's: judged, not passed off as
// one that started after it.
TEST(SettleDeadline, AGoroutineThatBlocksLateIsStillTheScenarios) {
  CheckOptions options = once(milliseconds(400));
  options.runtime_proof = false;  // the leak must be found by settling alone
  const LeakReport report = check(realservice(), options, get("/late-block?ms=320"));
  EXPECT_EQ(report.leak_count(), 1u) << render_text(report);
  EXPECT_EQ(report.first_seen_last, 0u);
}

// --- HTTP/2 -----------------------------------------------------------------

class Http2Test : public ::testing::TestWithParam<const char*> {};

TEST_P(Http2Test, AnIdleH2cConnectionIsNoLeak) {
  if (std::string(GetParam()).empty()) GTEST_SKIP() << "this build of realservice was not configured (scripts/ fetch its Go)";
  const LeakReport report = check(realservice({}, GetParam()), once(milliseconds(300)), get("/h2"));
  EXPECT_TRUE(report.clean()) << render_text(report);
  std::multiset<IdleConnection> kinds;
  for (const Goroutine& g : report.idle_connections) kinds.insert(classify_idle_connection(g));
  EXPECT_EQ(kinds, (std::multiset<IdleConnection>{IdleConnection::http2_client_read_loop,
                                                  IdleConnection::http2_server_connection,
                                                  IdleConnection::http2_server_frame_reader}))
      << render_text(report);
}

INSTANTIATE_TEST_SUITE_P(Builds, Http2Test,
                         ::testing::Values(GOLEAKCHECK_REALSERVICE_BIN, GOLEAKCHECK_REALSERVICE_GO127_BIN),
                         [](const auto& info) { return info.index == 0 ? std::string("MachineGo") : "Go127"; });

// --- The runtime's proof ----------------------------------------------------

struct ProofBuild {
  const char* name;
  const char* binary;
  bool proves;

  friend void PrintTo(const ProofBuild& build, std::ostream* out) { *out << build.name; }
};

class ProofTest : public ::testing::TestWithParam<ProofBuild> {
 protected:
  void SetUp() override {
    if (std::string(GetParam().binary).empty()) GTEST_SKIP() << GetParam().name << " was not built (scripts/ fetch its Go)";
  }
};

TEST_P(ProofTest, AProvableLeakIsProvenAtOnceWhereTheRuntimeCan) {
  const LeakReport report = check(realservice({}, GetParam().binary), CheckOptions{}, get("/proven-leak"));
  if (GetParam().proves) {
    ASSERT_EQ(report.leak_count(), 1u) << render_text(report);
    EXPECT_TRUE(report.leaks[0].leaked_marker);
    EXPECT_TRUE(report.decided_by_proof);
    EXPECT_EQ(report.runs, 1) << "a proven leak needs no second run";
    EXPECT_LT(report.elapsed, milliseconds(1000)) << "a proven leak needs no settle time";
    EXPECT_THAT(render_text(report), HasSubstr("why         proven leaked by the Go runtime"));
    EXPECT_THAT(report.proof, HasSubstr("the Go runtime proved 1 of the 1 leaks"));
    EXPECT_EQ(report.verdict_basis, "1 run of the scenario: the Go runtime proved every new blocked goroutine leaked");
  } else {
    // Without the proof, more runs tell: growth, and the oldest staying.
    ASSERT_EQ(report.leak_count(), 3u) << render_text(report);
    EXPECT_FALSE(report.leaks[0].leaked_marker);
    EXPECT_TRUE(report.automatic_runs);
    EXPECT_FALSE(report.decided_by_proof);
    EXPECT_TRUE(report.decided_by_growth) << render_text(report);
    EXPECT_THAT(render_text(report), HasSubstr("why         grew over the runs"));
    EXPECT_THAT(report.proof, HasSubstr("does not serve /debug/pprof/goroutineleak?debug=2"));
  }
}

// Run once, a leak the runtime proves and one it cannot: the proof cannot
// end the wait.
TEST_P(ProofTest, ALeakHeldByAGlobalStillWaitsOutTheSettleTime) {
  const LeakReport report = check(realservice({}, GetParam().binary), once(milliseconds(600)), [](Program& program) {
    test::get(program, "/proven-leak");
    test::get(program, "/global-leak");
  });
  ASSERT_EQ(report.leak_count(), 2u) << render_text(report);
  const auto proven = std::count_if(report.leaks.begin(), report.leaks.end(),
                                    [](const Goroutine& g) { return g.leaked_marker; });
  EXPECT_EQ(proven, GetParam().proves ? 1 : 0);
  EXPECT_FALSE(report.decided_by_proof);
  EXPECT_GE(report.elapsed, milliseconds(400));
  EXPECT_THAT(render_text(report), HasSubstr("still blocked after 600ms of settling"));
}

// The pprof requests the program saw after `path` (its -log-requests lines).
std::vector<std::string> pprof_requests_after(const Program& program, const std::string& path) {
  std::vector<std::string> requests;
  bool after = false;
  for (const std::string& request : test::requests_logged(program)) {
    if (after && request.starts_with("/debug/pprof/")) requests.push_back(request);
    if (request == path) after = true;
  }
  return requests;
}

// The proof is asked only once a look finds new blocked goroutines: each
// request runs a garbage collection in the program, wasted on a clean run.
// A build that does not serve it is asked at most once per run.
TEST_P(ProofTest, OnlyNewBlockedGoroutinesAskForTheProof) {
  const auto proof_requests = [](const std::vector<std::string>& seen) {
    return std::count(seen.begin(), seen.end(), "/debug/pprof/goroutineleak?debug=2");
  };
  Program program = Program::launch(realservice({"-log-requests"}, GetParam().binary));
  testing::LeakGuard leak(program, [&] { test::get(program, "/proven-leak"); }, CheckOptions{});
  const LeakReport report = leak.check();
  ASSERT_EQ(report.leak_count(), GetParam().proves ? 1u : 3u) << render_text(report);
  const std::vector<std::string> seen = pprof_requests_after(program, "/proven-leak");
  if (GetParam().proves) {
    EXPECT_GE(proof_requests(seen), 1) << ::testing::PrintToString(seen);
  } else {
    EXPECT_GE(proof_requests(seen), 1) << ::testing::PrintToString(seen);
    EXPECT_LE(proof_requests(seen), report.runs + report.warmup_runs) << ::testing::PrintToString(seen);
  }

  Program quiet = Program::launch(realservice({"-log-requests"}, GetParam().binary));
  testing::LeakGuard clean(quiet, [&] { test::get(quiet, "/healthz"); }, CheckOptions{});
  ASSERT_TRUE(clean.check().clean());
  const std::vector<std::string> quiet_seen = pprof_requests_after(quiet, "/healthz");
  EXPECT_FALSE(quiet_seen.empty());
  EXPECT_EQ(proof_requests(quiet_seen), 0) << ::testing::PrintToString(quiet_seen);
}

INSTANTIATE_TEST_SUITE_P(
    Builds, ProofTest,
    ::testing::Values(ProofBuild{"MachineGo", GOLEAKCHECK_REALSERVICE_BIN, false},
                      ProofBuild{"Go126Experiment", GOLEAKCHECK_REALSERVICE_GO126_LEAKPROFILE_BIN, true},
                      ProofBuild{"Go127", GOLEAKCHECK_REALSERVICE_GO127_BIN, true}),
    [](const auto& info) { return std::string(info.param.name); });

// --- The same from the command line -----------------------------------------

std::string hit(std::string_view path) {
  return std::string(GOLEAKCHECK_HIT_BIN) + " \"$GOLEAKCHECK_URL" + std::string(path) + "\"";
}

test::CliResult run(std::vector<std::string> options, const char* binary = GOLEAKCHECK_REALSERVICE_BIN,
                    std::vector<std::string> flags = {}) {
  std::vector<std::string> args = {"run", "--settle", "300ms"};
  args.insert(args.end(), options.begin(), options.end());
  args.insert(args.end(), {"--", binary, "-addr", "{addr}"});
  args.insert(args.end(), flags.begin(), flags.end());
  return test::run_cli(args);
}

TEST(RealServiceCli, DefaultsWarmupAndRepeatFromTheCommandLine) {
  EXPECT_EQ(run({"--scenario", hit("/lazy-client")}).exit_code, 0);
  const test::CliResult once = run({"--scenario", hit("/lazy-client"), "--scenario-once"});
  EXPECT_EQ(once.exit_code, 1) << once.out << once.err;
  EXPECT_THAT(once.out, HasSubstr("note: verdict: 1 run of the scenario (as repeat asked): new goroutines stayed "
                                  "blocked for the settle time"));
  const test::CliResult warm = run({"--scenario", hit("/lazy-client"), "--scenario-once", "--warmup", "1"});
  EXPECT_EQ(warm.exit_code, 0) << warm.out << warm.err;
  const test::CliResult repeated = run({"--scenario", hit("/outbound?transport=new"), "--repeat", "3", "--format",
                                        "json"},
                                       GOLEAKCHECK_LEAKYSERVICE_BIN);
  ASSERT_EQ(repeated.exit_code, 1) << repeated.out << repeated.err;
  const auto json = nlohmann::json::parse(repeated.out);
  EXPECT_EQ(json["runs"], 3);
  EXPECT_EQ(json["automatic_runs"], false);
  ASSERT_EQ(json["growth"].size(), 3u);
  for (const auto& group : json["growth"]) {
    EXPECT_EQ(group["growth"], "growing");
    EXPECT_EQ(group["counts"], nlohmann::json::array({1, 2, 3}));
  }
  const test::CliResult both = run({"--scenario", hit("/healthz"), "--scenario-once", "--repeat", "2"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.err, HasSubstr("excludes"));
}

TEST(RealServiceCli, QuietBaselineAndReadyUrlFromTheCommandLine) {
  // The scenario runs while the program starts, and ends when it has.
  const std::string until_started =
      "until " + hit("/healthz") + " 2>/dev/null; do sleep 0.01; done";
  const test::CliResult hasty = run({"--scenario-once", "--quiet-timeout", "0", "--scenario", until_started},
                                    GOLEAKCHECK_REALSERVICE_BIN, kStartup);
  EXPECT_EQ(hasty.exit_code, 1) << hasty.out << hasty.err;
  const test::CliResult quiet = run({"--scenario-once", "--scenario", until_started}, GOLEAKCHECK_REALSERVICE_BIN,
                                    kStartup);
  EXPECT_EQ(quiet.exit_code, 0) << quiet.out << quiet.err;
  const test::CliResult ready = run({"--scenario-once", "--quiet-timeout", "0", "--ready-url", "/healthz",
                                     "--scenario", until_started},
                                    GOLEAKCHECK_REALSERVICE_BIN, kStartup);
  EXPECT_EQ(ready.exit_code, 0) << ready.out << ready.err;
  // On defaults, start-up goroutines seen after the first run go into the
  // quiet baseline taken then.
  const test::CliResult defaults = run({"--scenario", until_started}, GOLEAKCHECK_REALSERVICE_BIN, kStartup);
  EXPECT_EQ(defaults.exit_code, 0) << defaults.out << defaults.err;
}

TEST(RealServiceCli, RepeatsWithoutAScenarioAreAUsageError) {
  for (const std::vector<std::string>& options :
       {std::vector<std::string>{"--repeat", "3"}, {"--scenario-once"}, {"--warmup", "1"}}) {
    const test::CliResult r = run(options);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr("--warmup, --repeat and --scenario-once run the --scenario: give one"));
  }
}

TEST(RealServiceCli, TheProofCanBeTurnedOff) {
  if (std::string(GOLEAKCHECK_REALSERVICE_GO127_BIN).empty()) GTEST_SKIP() << "Go 1.27 was not configured";
  const test::CliResult r = run({"--scenario", hit("/proven-leak"), "--no-runtime-proof", "--format", "json"},
                                GOLEAKCHECK_REALSERVICE_GO127_BIN);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["proof"], nullptr);
  EXPECT_EQ(json["groups"][0]["proven"], 0);
}

}  // namespace
}  // namespace goleakcheck
