#include "goleakcheck/checker.hpp"

#include <algorithm>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "common/backoff.hpp"

#include "goleakcheck/server_identity.hpp"
#include "settle/settle.hpp"
#include "goleakcheck/diff.hpp"
#include "goleakcheck/dump.hpp"
#include "goleakcheck/duration.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/run_history.hpp"

namespace goleakcheck {

namespace {

constexpr auto kFirstPause = std::chrono::milliseconds(5);
constexpr auto kLongestPause = std::chrono::milliseconds(200);
// How long a goroutine must have been seen blocked, at least, to be judged
// (or half the settle time, when that is shorter).
constexpr auto kLeastStay = std::chrono::milliseconds(100);
// How long a failed request waits to learn whether the program died.
constexpr auto kExitWait = std::chrono::milliseconds(200);
// How many times the last dump and the profile taken right after it may
// disagree (a program still changing) before the check gives up on them.
constexpr int kCrossCheckTries = 3;

// `which` is "baseline" or "after-scenario".
std::string why_ids_not_compared(const Snapshot& cut, std::string_view which) {
  const std::size_t read = cut.goroutines.size();
  return fmt::format("the {} goroutine dump was cut off after {} bytes ({} goroutine{} read){}, so goroutine ids "
                     "cannot be compared; compared debug=1 counts per stack instead",
                     which, cut.bytes, read, read == 1 ? "" : "s",
                     cut.bytes == kRuntimeDumpCap ? ": the runtime's 64 MiB cap" : "");
}

// Whether `head`, the first bytes of an answer, could start a debug=1
// profile: "goroutine profile: total N".
bool could_be_a_profile(std::string_view head) {
  constexpr std::string_view kStart = "goroutine profile: total ";
  const std::size_t n = std::min(head.size(), kStart.size());
  return head.substr(0, n) == kStart.substr(0, n);
}

}  // namespace

Checker::Checker(Endpoint endpoint, CheckOptions options, std::function<void()> check_alive)
    : options_(std::move(options)),
      rules_{rules_in_force(options_.ignores, options_.default_ignores), options_.idle_connections_are_leaks},
      check_alive_(std::move(check_alive)),
      client_(std::make_unique<HttpClient>(std::move(endpoint))) {}

Checker::Checker(Checker&&) noexcept = default;

void Checker::adopt(ReadyAnswer answer) {
  const Endpoint& from = answer.connection.endpoint();
  if (from.url() != endpoint().url()) {
    throw Error(ErrorKind::usage, fmt::format("Checker::adopt: the answer came from {}, not from {}, the endpoint "
                                              "this Checker checks",
                                              from.url(), endpoint().url()));
  }
  *client_ = std::move(answer.connection);
  if (!answer.goroutine_profile.empty()) ready_profile_ = std::move(answer.goroutine_profile);
}
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

Snapshot Checker::snapshot() const { return snapshot_while({}); }

Snapshot Checker::snapshot_while(const std::function<void()>& while_waiting) const {
  return fetch([&] {
    DumpReader reader;
    const HttpResponse response = fetch_pprof(
        *client_, kGoroutineDumpPath, options_.fetch, [&](std::string_view chunk) { reader.feed(chunk); },
        while_waiting);
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

Profile Checker::counts() const { return counts_while({}); }

Profile Checker::counts_while(const std::function<void()>& while_waiting) const {
  return fetch([&] {
    // Kept only while it starts as a profile does: an answer that is no
    // profile (a 2 GiB one, say) is read to the size cap but not held.
    std::string text;
    bool no_profile = false;
    const HttpResponse response =
        fetch_pprof(*client_, kGoroutineProfilePath, options_.fetch, [&](std::string_view chunk) {
          if (no_profile) return;
          text.append(chunk);
          no_profile = !could_be_a_profile(text);
        }, while_waiting);
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

// Leaks with no labels in their headers get them from the debug=1 profile
// (one small request, only when there are such leaks), and then meet the
// ignore rules again: a `label:` rule must work on every Go release.
// `profile` is the one the last dump was cross-checked with.
void label_leaks(const Profile& profile, const TriageRules& rules, LeakReport& report) {
  const bool unlabelled = std::any_of(report.leaks.begin(), report.leaks.end(),
                                      [](const Goroutine& g) { return g.labels.empty(); });
  if (!unlabelled) return;
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

std::optional<Snapshot> Checker::proof_snapshot(std::chrono::milliseconds deadline, std::string& why) const {
  return fetch([&]() -> std::optional<Snapshot> {
    DumpReader reader;
    HttpResponse response;
    try {
      response = client_->get(kGoroutineLeakDumpPath, FetchLimits{deadline, options_.fetch.max_bytes},
                              [&](std::string_view chunk) { reader.feed(chunk); });
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::snapshot_failed) throw;
      why = fmt::format("{} did not answer within {} (each request runs a garbage collection); compared plain dumps "
                        "instead",
                        kGoroutineLeakDumpPath, format_duration(deadline));
      return std::nullopt;
    }
    if (response.status != 200) {
      why = response.status == 404 ? fmt::format("the program does not serve {} (Go before 1.26, or 1.26 built "
                                                  "without GOEXPERIMENT=goroutineleakprofile)",
                                                  kGoroutineLeakDumpPath)
                                    : fmt::format("{} answered HTTP {}", kGoroutineLeakDumpPath, response.status);
      return std::nullopt;
    }
    Snapshot snapshot = reader.finish(response.cut);
    if (snapshot.truncated || response.length_unknown || !why_not_a_live_dump(snapshot).empty()) {
      why = fmt::format("{} did not answer with a whole goroutine dump; compared plain dumps instead",
                        kGoroutineLeakDumpPath);
      return std::nullopt;
    }
    return snapshot;
  });
}

namespace {

// Counts cut off as well as the dump are no evidence: what they miss may
// be the leak. `which` is "baseline" or "after-scenario".
void require_whole(const Profile& profile, std::string_view which, const Endpoint& endpoint) {
  if (!profile.truncated) return;
  throw Error(ErrorKind::incomplete,
              fmt::format("the {} debug=1 profile of {} was cut off too ({} of {} goroutines counted), and the dump "
                          "was: neither can show every goroutine, so there is nothing to judge on; check what stands "
                          "between goleakcheck and the program",
                          which, endpoint.url(), profile.counted(),
                          profile.total ? std::to_string(*profile.total) : std::string("an unknown number")));
}

}  // namespace

// The verdict's dump, checked two ways before it is judged: a fresh runtime
// behind the same pid, or a dump that lost records (with a correct length,
// or none), would pass for "no new goroutine".
std::optional<Profile> Checker::cross_check(const Snapshot& after, const Baseline& baseline, int& failures) const {
  if (std::string why = why_runtime_changed(after, baseline); !why.empty()) {
    throw Error(ErrorKind::not_our_program,
                fmt::format("the program at {} changed during the check: {}; check it again", endpoint().url(), why));
  }
  Profile counted = counts_while([&] { require_same_server(baseline); });
  const CountDisagreement disagreement = compare_dump_with_profile(after, counted);
  if (disagreement.agree()) return counted;
  if (++failures < kCrossCheckTries) {
    std::this_thread::sleep_for(kFirstPause);
    return std::nullopt;
  }
  throw Error(ErrorKind::incomplete,
              fmt::format("the goroutine dumps of {} disagree with its goroutine counts {} times in a row: {}; one of "
                          "the answers lost goroutines (a proxy or a broken server between?), so no verdict can rest "
                          "on them",
                          endpoint().url(), kCrossCheckTries, disagreement.describe()));
}

namespace {

// What the report says of the runtime's proof, once the leaks are known.
std::string describe_proof(const LeakReport& report) {
  const auto proven = static_cast<std::size_t>(std::count_if(
      report.leaks.begin(), report.leaks.end(), [](const Goroutine& g) { return g.leaked_marker; }));
  if (report.leaks.empty()) return "asked the Go runtime for its proof (goroutineleak profile): nothing to prove";
  return fmt::format("the Go runtime proved {} of the {} leaks (goroutineleak profile){}", proven,
                     report.leaks.size(),
                     proven == report.leaks.size() ? std::string()
                                                   : "; the rest were still blocked after settling, which the runtime "
                                                     "cannot prove of goroutines blocked on something still reachable");
}

}  // namespace

LeakReport Checker::check(const Baseline& baseline) const { return *judge(baseline, false); }

namespace {

// The new goroutines a deferred first run leaves to the runs after it, by
// id, sorted: idle connections, and blocked ones that `stays` (those a
// verdict would judge).
template <class Stays>
std::vector<std::uint64_t> left_for_more_runs(const NewGoroutines& sorted, Stays&& stays) {
  std::vector<std::uint64_t> ids;
  for (const Goroutine* g : sorted.blocked) {
    if (stays(*g)) ids.push_back(g->id);
  }
  for (const Goroutine* g : sorted.idle_connections) ids.push_back(g->id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

// One check's polls of debug=2 dumps, compared by goroutine id, until no
// new goroutine remains or the settle time is spent. Each step is a member:
// a poll's dump (with the runtime's proof once it is wanted), the proven
// ids, the deferral of a first run to more runs, and the verdict.
class Checker::IdPolls {
 public:
  // `start`: when the check began (judge's), from which sleepers are waited.
  // `history`: see judge().
  IdPolls(const Checker& checker, const Baseline& baseline, bool may_defer, RunHistory* history,
          Clock::time_point start, detail::Backoff& backoff, Clock::duration& poll_time, LeakReport& report)
      : checker_(checker), options_(checker.options_), baseline_(baseline), may_defer_(may_defer), history_(history),
        backoff_(backoff), poll_time_(poll_time), report_(report), start_(start),
        ask_proof_(options_.runtime_proof),
        proof_deadline_(std::min(options_.proof_timeout, options_.fetch.deadline)) {}

  enum class Outcome { judged, deferred, cut };

  // Polls until the verdict, a deferral or a cut dump (compare counts).
  Outcome settle() {
    detail::settle(backoff_, poll_time_, [&] { return poll(); });
    if (outcome_ != Outcome::judged) return outcome_;
    for (Goroutine& g : report_.leaks) g.leaked_marker = std::binary_search(proven_.begin(), proven_.end(), g.id);
    if (ask_proof_ && proof_wanted_) report_.proof = describe_proof(report_);
    label_leaks(cross_checked_, checker_.rules_, report_);
    return Outcome::judged;
  }

 private:
  // One poll; true when it ends the settling.
  bool poll() {
    const auto poll_start = Clock::now();
    std::optional<Snapshot> after = fetch_dump();
    if (after->truncated) {
      poll_time_ = Clock::now() - poll_start;
      ++report_.snapshots;
      report_.ids_not_compared = why_ids_not_compared(*after, "after-scenario");
      outcome_ = Outcome::cut;
      return true;
    }
    NewGoroutines sorted = new_goroutines(*after, baseline_, checker_.rules_);
    if (ask_proof_ && !proof_wanted_ && !sorted.blocked.empty()) {
      // The first new blocked goroutines: ask for the proof at once, in
      // this same poll, instead of the plain dump.
      proof_wanted_ = true;
      if (std::optional<Snapshot> proved = checker_.proof_snapshot(proof_deadline_, report_.proof)) {
        after = std::move(proved);
        sorted = new_goroutines(*after, baseline_, checker_.rules_);
      } else {
        ask_proof_ = false;
      }
    }
    poll_time_ = Clock::now() - poll_start;
    ++report_.snapshots;
    note_proven(sorted);
    const bool all_proven = all_blocked_proven(sorted);
    const auto seen_at = Clock::now();
    const bool grown = !all_proven && growth_shows_leaks(*after, sorted, seen_at);
    const bool last = sorted.settled() || all_proven || grown || !backoff_.has_room_for(poll_time_);
    note_first_seen(sorted, seen_at);
    // Only goroutines that stay count: the first poll's, and later ones
    // seen for a while (not a never-quiet program's per-tick work).
    const auto stayed_since = seen_at - std::min<Clock::duration>(options_.settle / 2, kLeastStay);
    if (may_defer_ && !all_proven) {
      if (std::optional<bool> done = defer(sorted, seen_at, stayed_since)) return *done;
    }
    if (!last) return false;
    return judge_last(*after, sorted, all_proven, grown, stayed_since);
  }

  // Whether the earlier runs' growth shows every new blocked goroutine of
  // this poll a leak (a check by growth only); when only the stay is
  // missing, the next poll is planned for when it is reached.
  bool growth_shows_leaks(const Snapshot& after, const NewGoroutines& sorted, Clock::time_point now) {
    if (may_defer_ || !history_) return false;
    const std::optional<Clock::time_point> shown =
        when_growth_shows_leaks(sorted, after, *history_, detail::growth_stay(options_));
    if (!shown) return false;
    if (*shown <= now) return true;
    backoff_.wake_by(*shown);
    return false;
  }

  // The poll's dump: the runtime's proof once it is wanted (and served in
  // time), else a plain one.
  std::optional<Snapshot> fetch_dump() {
    std::optional<Snapshot> after;
    if (ask_proof_ && proof_wanted_) {
      after = checker_.proof_snapshot(proof_deadline_, report_.proof);
      ask_proof_ = after.has_value();
    }
    if (!after) after = checker_.snapshot();
    return after;
  }

  void note_proven(const NewGoroutines& sorted) {
    for (const Goroutine* g : sorted.blocked) {
      const auto at = std::lower_bound(proven_.begin(), proven_.end(), g->id);
      if (g->leaked_marker && (at == proven_.end() || *at != g->id)) proven_.insert(at, g->id);
    }
  }

  bool all_blocked_proven(const NewGoroutines& sorted) const {
    return !sorted.blocked.empty() && sorted.active.empty() &&
           std::all_of(sorted.blocked.begin(), sorted.blocked.end(), [&](const Goroutine* g) {
             return std::binary_search(proven_.begin(), proven_.end(), g->id);
           });
  }

  // The first poll's goroutines were there when the scenario ended: the
  // scenario's own, always judged, running then or not. Later polls may
  // find new ones.
  void note_first_seen(const NewGoroutines& sorted, Clock::time_point seen_at) {
    if (report_.snapshots == 1) first_poll_at_ = seen_at;
    for (const auto* seen : {&sorted.blocked, &sorted.active}) {
      for (const Goroutine* g : *seen) seen_at_.try_emplace(g->id, seen_at);
    }
  }

  // When a goroutine counts as first seen, for how long it stayed: the
  // first poll's as long ago as anything (see note_first_seen).
  Clock::time_point first_seen(std::uint64_t id) const {
    const Clock::time_point at = seen_at_.at(id);
    return at == first_poll_at_ ? Clock::time_point::min() : at;
  }

  // A first run that leaves goroutines the runtime did not prove (or idle
  // connections, which may grow) is no verdict yet: once they stop
  // changing, the caller runs the scenario again and judges by growth.
  // Running ones are waited for, and sleepers for half the settle time:
  // they usually end soon (a periodic worker sleeps for ever, though).
  // Returns whether to stop polling, or nullopt when nothing is left for
  // more runs (the poll goes on to a verdict).
  std::optional<bool> defer(const NewGoroutines& sorted, Clock::time_point seen_at, Clock::time_point stayed_since) {
    std::vector<std::uint64_t> left = left_for_more_runs(sorted, [&](const Goroutine& g) {
      return first_seen(g.id) <= stayed_since;
    });
    if (left.empty()) {
      left_last_poll_.clear();
      return std::nullopt;
    }
    const bool sleepers_waited = seen_at - start_ >= options_.settle / 2;
    const bool moving = !sorted.active.empty() ||
                        (!sleepers_waited && std::any_of(sorted.blocked.begin(), sorted.blocked.end(),
                                                         [](const Goroutine* g) { return g->state == "sleep"; }));
    const bool stopped_changing = !moving && left == left_last_poll_;
    left_last_poll_ = std::move(left);
    const bool deferred = stopped_changing || !backoff_.has_room_for(poll_time_);
    if (deferred) {
      outcome_ = Outcome::deferred;
      // What the runs after it are judged with: when each blocked one the
      // first run left was first seen.
      if (history_) {
        for (const Goroutine* g : sorted.blocked) {
          if (std::binary_search(left_last_poll_.begin(), left_last_poll_.end(), g->id)) {
            history_->note(*g, seen_at_.at(g->id));
          }
        }
      }
    }
    return deferred;
  }

  // The last poll: its dump cross-checked, then what stayed is reported.
  // Out of time with goroutines still blocked: a leak is one seen to stay.
  // One that started after the scenario and was first seen only just now
  // (a program's per-tick worker, say) has not been given the time to end:
  // it is named in a note, not judged. Proven ones need no wait.
  bool judge_last(const Snapshot& after, const NewGoroutines& sorted, bool all_proven, bool grown,
                  Clock::time_point stayed_since) {
    std::optional<Profile> counted = checker_.cross_check(after, baseline_, cross_check_failures_);
    if (!counted) return false;  // a program still changing: look again
    cross_checked_ = std::move(*counted);
    NewGoroutines judged = sorted;
    if (!all_proven) {
      std::erase_if(judged.blocked, [&](const Goroutine* g) {
        if (g->leaked_marker || first_seen(g->id) <= stayed_since) return false;
        ++report_.first_seen_last;
        return true;
      });
    }
    record_new_goroutines(judged, after, checker_.rules_, report_);
    report_.decided_by_proof = all_proven && backoff_.has_room_for(poll_time_);
    report_.decided_by_growth = grown && !report_.decided_by_proof && backoff_.has_room_for(poll_time_);
    outcome_ = Outcome::judged;
    return true;
  }

  const Checker& checker_;
  const CheckOptions& options_;
  const Baseline& baseline_;
  const bool may_defer_;
  RunHistory* const history_;
  detail::Backoff& backoff_;
  Clock::duration& poll_time_;
  LeakReport& report_;
  const Clock::time_point start_;
  // Asked only once a poll finds new blocked goroutines: each request runs
  // a garbage collection, wasted on a clean run. Not again once it failed.
  bool ask_proof_;
  bool proof_wanted_ = false;
  const std::chrono::milliseconds proof_deadline_;
  std::vector<std::uint64_t> proven_;  // sorted
  std::unordered_map<std::uint64_t, Clock::time_point> seen_at_;  // new ones, by id: when first seen
  Clock::time_point first_poll_at_;
  int cross_check_failures_ = 0;
  std::vector<std::uint64_t> left_last_poll_;  // may_defer: what the last poll left for more runs
  Profile cross_checked_;  // the profile the verdict's dump was checked against
  Outcome outcome_ = Outcome::judged;
};

std::optional<LeakReport> Checker::judge(const Baseline& baseline, bool may_defer,
                                         RunHistory* history) const {
  const auto start = Clock::now();
  detail::Backoff backoff(options_.settle, kFirstPause, kLongestPause);
  Clock::duration poll_time{};
  LeakReport report;
  report.settle = options_.settle;
  report.user_code = options_.user_code;
  report.baseline_not_quiet = baseline.not_quiet;
  report.baseline_quiet_wait = baseline.quiet_wait;
  bool compare_by_counts = baseline.snapshot().truncated;
  if (compare_by_counts) {
    // No after-dump can be compared with a cut baseline: skip fetching one
    // (for a process this large, each takes tens of seconds).
    report.ids_not_compared = baseline.dump_skipped.empty() ? why_ids_not_compared(baseline.snapshot(), "baseline")
                                                            : baseline.dump_skipped;
  } else {
    // Ids, until no new goroutine remains. Wait for running ones too: a
    // goroutine running now may park a moment later. Idle connections stay
    // open for minutes by design, and ignored goroutines do not matter: no
    // waiting for them. An after-dump that comes back cut hands over to
    // the counts, with what is left of the settle time. The runtime's
    // proof, while it is served and fast, ends the wait as soon as every
    // new blocked goroutine is proven.
    switch (IdPolls(*this, baseline, may_defer, history, start, backoff, poll_time, report).settle()) {
      case IdPolls::Outcome::deferred: return std::nullopt;
      case IdPolls::Outcome::cut: compare_by_counts = true; break;
      case IdPolls::Outcome::judged: break;
    }
  }
  if (compare_by_counts) settle_by_counts(baseline, backoff, poll_time, report);
  finish_report(baseline, start, report);
  return report;
}

// Counts per stack, until no stack has more goroutines than before.
void Checker::settle_by_counts(const Baseline& baseline, detail::Backoff& backoff, Clock::duration& poll_time,
                               LeakReport& report) const {
  require_whole(baseline.counts(), "baseline", endpoint());
  detail::settle(backoff, poll_time, [&] {
    const auto poll_start = Clock::now();
    const Profile after = counts();
    poll_time = Clock::now() - poll_start;
    ++report.snapshots;
    require_whole(after, "after-scenario", endpoint());
    std::vector<StackGrowth> grown = reported_growth(baseline.counts(), after, rules_);
    const bool last = grown.empty() || !backoff.has_room_for(poll_time);
    if (last) {
      report.grown_stacks = std::move(grown);
      report.final_goroutines = after.total.value_or(after.counted());
      report.names.push_back(after.names);
    }
    return last;
  });
  // Goroutine ids start again in a new process, and so do its counts: a
  // restart is an error, never a verdict. (The polls by id check while
  // their cross-check's counts are made.)
  require_same_server(baseline);
}

void Checker::finish_report(const Baseline& baseline, Clock::time_point start, LeakReport& report) const {
  report.groups = group_leaks(report.leaks);
  report.baseline_goroutines = baseline.snapshot().goroutines.size();
  // A cut baseline dump read only some; its profile has the true total.
  if (!report.ids_not_compared.empty() && baseline.counts().total) {
    report.baseline_goroutines = *baseline.counts().total;
  }
  report.elapsed = Clock::now() - start;
}

void Checker::require_same_server(const Baseline& baseline) const {
  if (!baseline.server || still_serving(*baseline.server)) return;
  const std::optional<ServerIdentity> now = server_identity(endpoint());
  const bool same_pid = now && now->pid == baseline.server->pid;
  throw Error(ErrorKind::not_our_program,
              fmt::format("the program at {} changed during the check (pid {} when the baseline was taken, {}): it "
                          "{}, so goroutine ids cannot be compared; check it again",
                          endpoint().url(), baseline.server->pid,
                          now ? fmt::format("pid {} now", now->pid) : std::string("none listening now"),
                          same_pid ? "executed itself anew (a fresh Go runtime behind the same pid)" : "restarted"));
}

}  // namespace goleakcheck
