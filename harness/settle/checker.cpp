#include "goleakcheck/checker.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/backoff.hpp"
#include "launch/socket_owner.hpp"
#include "settle/settle.hpp"
#include "goleakcheck/diff.hpp"
#include "goleakcheck/dump.hpp"
#include "goleakcheck/error.hpp"

namespace goleakcheck {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kFirstPause = std::chrono::milliseconds(5);
constexpr auto kLongestPause = std::chrono::milliseconds(200);
// How long a failed request waits to learn whether the program died.
constexpr auto kExitWait = std::chrono::milliseconds(200);

// `which` is "baseline" or "after-scenario".
std::string why_ids_not_compared(const Snapshot& cut, std::string_view which) {
  const std::size_t read = cut.goroutines.size();
  return fmt::format("the {} goroutine dump was cut off after {} bytes ({} goroutine{} read){}, so goroutine ids "
                     "cannot be compared; compared debug=1 counts per stack instead",
                     which, cut.bytes, read, read == 1 ? "" : "s",
                     cut.bytes == kRuntimeDumpCap ? ": the runtime's 64 MiB cap" : "");
}

}  // namespace

Checker::Checker(Endpoint endpoint, CheckOptions options, std::function<void()> check_alive)
    : options_(std::move(options)),
      rules_{rules_in_force(options_.ignores, options_.default_ignores), options_.idle_connections_are_leaks},
      check_alive_(std::move(check_alive)),
      client_(std::make_unique<HttpClient>(std::move(endpoint))) {}

Checker::Checker(Checker&&) noexcept = default;
Checker::~Checker() = default;

template <class Fetch>
auto Checker::fetch(Fetch&& fetch) const {
  if (check_alive_) check_alive_();
  try {
    return fetch();
  } catch (const Error&) {
    // A failed request is often the program dying: say that instead. Its
    // sockets close a moment before it can be reaped, so look for a while.
    if (check_alive_) {
      for (detail::Backoff backoff(kExitWait, kFirstPause, kFirstPause); !backoff.expired(); backoff.sleep()) {
        check_alive_();
      }
    }
    throw;
  }
}

Snapshot Checker::snapshot() const {
  return fetch([&] {
    DumpReader reader;
    const HttpResponse response = fetch_pprof(*client_, kGoroutineDumpPath, options_.fetch,
                                              [&](std::string_view chunk) { reader.feed(chunk); });
    Snapshot snapshot = reader.finish(response.cut);
    // A verdict is only ever made of real dumps: zero new goroutines in
    // something that is no dump would read as "clean".
    if (const std::string why = why_not_a_live_dump(snapshot); !why.empty()) {
      throw Error(ErrorKind::not_a_dump,
                  fmt::format("{}{} answered 200 but is not a goroutine dump: {} ({}); is {} the program's pprof "
                              "address?",
                              endpoint().url(), kGoroutineDumpPath, why, describe_answer(response), endpoint().url()));
    }
    return snapshot;
  });
}

Profile Checker::counts() const {
  return fetch([&] {
    std::string text;
    const HttpResponse response = fetch_pprof(*client_, kGoroutineProfilePath, options_.fetch,
                                              [&](std::string_view chunk) { text.append(chunk); });
    Profile profile = parse_profile(text);
    if (response.cut) profile.truncated = true;
    if (!profile.total) {
      throw Error(ErrorKind::not_a_dump,
                  fmt::format("{}{} answered 200 but is not a goroutine profile: it has no 'goroutine profile: "
                              "total N' line ({}); is {} the program's pprof address?",
                              endpoint().url(), kGoroutineProfilePath, describe_answer(response), endpoint().url()));
    }
    return profile;
  });
}

namespace {

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

// Who listens at the endpoint, when this machine can tell.
std::optional<ServerIdentity> server_identity(const Endpoint& endpoint) {
  if (!is_loopback(endpoint.host)) return std::nullopt;
  return detail::listening_identity(endpoint.port);
}

}  // namespace

Baseline Checker::baseline() const {
  // The counts cost one more small request; they are what a check falls back
  // to when a dump is cut off, and the after-dump may be cut when this one
  // was not.
  // A launched program is our child: its death is seen by check_alive, and
  // its port was proven ours at launch. Any other may restart unseen.
  const std::optional<ServerIdentity> server = check_alive_ ? std::nullopt : server_identity(endpoint());
  Snapshot snapshot = this->snapshot();
  Baseline baseline(std::move(snapshot), counts());
  baseline.server = server;
  return baseline;
}

namespace {

// What a check records of the last ids poll.
void record(const NewGoroutines& sorted, const Snapshot& after, const TriageRules& rules, LeakReport& report) {
  const auto copy_out = [](const std::vector<const Goroutine*>& goroutines) {
    std::vector<Goroutine> copies;
    copies.reserve(goroutines.size());
    for (const Goroutine* g : goroutines) copies.push_back(*g);
    return copies;
  };
  report.leaks = copy_out(sorted.blocked);
  report.still_running = copy_out(sorted.active);
  report.idle_connections = copy_out(sorted.idle_connections);
  report.ignored = sorted.ignored;
  report.ignore_uses.clear();
  for (std::size_t i = 0; i < rules.ignores.size(); ++i) {
    report.ignore_uses.push_back({rules.ignores[i].name, rules.ignores[i].origin, sorted.hits[i]});
  }
  report.final_goroutines = after.goroutines.size();
  report.names.push_back(after.names);
}

// Leaks with no labels in their headers get them from the debug=1 profile
// (one small request, only when there are such leaks), and then meet the
// ignore rules again: a `label:` rule must work on every Go release.
void label_leaks(const Checker& checker, const TriageRules& rules, LeakReport& report) {
  const bool unlabelled = std::any_of(report.leaks.begin(), report.leaks.end(),
                                      [](const Goroutine& g) { return g.labels.empty(); });
  if (!unlabelled) return;
  const Profile profile = checker.counts();
  if (attach_profile_labels(report.leaks, profile) == 0) return;
  report.names.push_back(profile.names);
  std::erase_if(report.leaks, [&](const Goroutine& g) {
    const Triage t = triage(g, rules);
    if (t.kind != Triage::ignored) return false;
    ++report.ignored;
    ++report.ignore_uses[t.rule].hits;
    return true;
  });
}

}  // namespace

LeakReport Checker::check(const Baseline& baseline) const {
  const auto start = Clock::now();
  detail::Backoff backoff(options_.settle, kFirstPause, kLongestPause);
  LeakReport report;
  bool compare_by_counts = baseline.snapshot().truncated;
  if (compare_by_counts) {
    // No after-dump can be compared with a cut baseline: skip fetching one
    // (for a process this large, each takes tens of seconds).
    report.ids_not_compared = why_ids_not_compared(baseline.snapshot(), "baseline");
  } else {
    // Ids, until no new goroutine remains. Wait for running ones too: a
    // goroutine running now may park a moment later. Idle connections stay
    // open for minutes by design, and ignored goroutines do not matter: no
    // waiting for them. An after-dump that comes back cut hands over to
    // the counts, with what is left of the settle time.
    detail::settle(backoff, [&] {
      Snapshot after = snapshot();
      ++report.snapshots;
      if (after.truncated) {
        report.ids_not_compared = why_ids_not_compared(after, "after-scenario");
        compare_by_counts = true;
        return true;
      }
      const NewGoroutines sorted = new_goroutines(after, baseline, rules_);
      const bool last = sorted.settled() || backoff.expired();
      if (last) record(sorted, after, rules_, report);
      return last;
    });
    if (!compare_by_counts) label_leaks(*this, rules_, report);
  }
  if (compare_by_counts) {
    // Counts per stack, until no stack has more goroutines than before.
    detail::settle(backoff, [&] {
      const Profile after = counts();
      ++report.snapshots;
      std::vector<StackGrowth> grown = reported_growth(baseline.counts(), after, rules_);
      const bool last = grown.empty() || backoff.expired();
      if (last) {
        report.grown_stacks = std::move(grown);
        report.final_goroutines = after.total.value_or(after.counted());
        report.names.push_back(after.names);
      }
      return last;
    });
  }
  // Goroutine ids start again in a new process: compared with the old
  // one's, they prove nothing. A restart is an error, never a verdict.
  if (baseline.server && !detail::still_serving(*baseline.server)) {
    const std::optional<ServerIdentity> now = server_identity(endpoint());
    throw Error(ErrorKind::not_our_program,
                fmt::format("the program at {} changed during the check (pid {} when the baseline was taken, {}): it "
                            "restarted, so goroutine ids cannot be compared; check it again",
                            endpoint().url(), baseline.server->pid,
                            now ? fmt::format("pid {} now", now->pid) : std::string("none listening now")));
  }
  report.groups = group_leaks(report.leaks);
  report.baseline_goroutines = baseline.snapshot().goroutines.size();
  // A cut baseline dump read only some; its profile has the true total.
  if (!report.ids_not_compared.empty() && baseline.counts().total) {
    report.baseline_goroutines = *baseline.counts().total;
  }
  report.elapsed = Clock::now() - start;
  return report;
}

}  // namespace goleakcheck
