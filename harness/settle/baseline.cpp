// The baseline: taken once the program is quiet, and from counts alone
// when a dump of it would be cut off anyway.
#include <algorithm>
#include <functional>
#include <thread>

#include <fmt/format.h>

#include "goleakcheck/server_identity.hpp"
#include "goleakcheck/checker.hpp"
#include "goleakcheck/dump.hpp"
#include "goleakcheck/duration.hpp"
#include "goleakcheck/error.hpp"

namespace goleakcheck {

namespace {

using Clock = std::chrono::steady_clock;

std::string describe_wait(Clock::duration waited) {
  return format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(waited));
}

// Fetches again `quiet_period` after the last fetch, until two in a row
// show the same goroutines or `timeout` has passed since `start`. Returns
// why the program was not quiet, or empty; `last` is the last fetch.
template <class Taken, class Fetch>
std::string wait_until_quiet(Taken& last, Fetch&& fetch, const CheckOptions& options, Clock::time_point start) {
  if (options.quiet_timeout <= std::chrono::milliseconds::zero()) return {};
  const Clock::time_point deadline = start + options.quiet_timeout;
  while (true) {
    std::this_thread::sleep_for(
        std::min<Clock::duration>(options.quiet_period, std::max<Clock::duration>(deadline - Clock::now(), {})));
    Taken next = fetch();
    const std::size_t changed = goroutines_changed(last, next);
    last = std::move(next);
    if (changed == 0) return {};
    if (Clock::now() >= deadline) {
      return fmt::format("the program never went quiet: {} goroutine{} started or ended in the last {} of the {} "
                         "waited (--quiet-timeout); goroutines it starts on its own may show up as new",
                         changed, changed == 1 ? "" : "s", format_duration(options.quiet_period),
                         describe_wait(Clock::now() - start));
    }
  }
}

}  // namespace

Profile Checker::counts_for_baseline(const std::function<void()>& while_waiting) const {
  if (ready_profile_) {
    Profile adopted = parse_profile(*ready_profile_);
    ready_profile_.reset();
    if (adopted.total && !adopted.truncated) return adopted;  // else not a whole profile: ask
  }
  return counts_while(while_waiting);
}

Baseline Checker::baseline() const { return take_baseline(true); }

Baseline Checker::baseline_at_once() const { return take_baseline(false); }

Baseline Checker::take_baseline(bool wait_for_quiet) const {
  CheckOptions options = options_;
  if (!wait_for_quiet) options.quiet_timeout = std::chrono::milliseconds::zero();
  const auto start = Clock::now();
  // Who serves, so that a check sees a restart. A launched program's death
  // is seen by check_alive, but not an exec of itself: same pid, a fresh
  // Go runtime whose goroutine ids start again.
  // Read from the kernel while the program makes the baseline's first
  // answer (on this thread: a thread of its own cost more to start than
  // the read), or after the last when none was asked for.
  std::optional<ServerIdentity> server;
  bool server_read = false;
  const std::function<void()> read_server = [&] {
    if (server_read) return;
    server = server_identity(endpoint());
    server_read = true;
  };
  // The counts first: one small request, which tells whether a dump would
  // pass the runtime's cap. When it would, no dump is taken at all: at
  // 200,000 goroutines it takes most of the check, and is never used. The
  // program's first answer, when adopted, is such counts taken just now.
  Profile counts = counts_for_baseline(read_server);
  // The runtime cuts a dump at 64 MiB, and our own size cap may cut sooner.
  const std::size_t cap = std::min(kRuntimeDumpCap, options_.fetch.max_bytes);
  const std::size_t least = least_dump_bytes(counts);
  Snapshot snapshot;
  std::string not_quiet;
  std::string dump_skipped;
  if (least >= cap) {
    not_quiet = wait_until_quiet(counts, [&] { return this->counts(); }, options, start);
    snapshot.truncated = true;  // no dump: ids cannot be compared
    dump_skipped = fmt::format(
        "the baseline's {} goroutines need at least {} as a debug=2 dump, past {}, so no dump was taken and "
        "goroutine ids cannot be compared; compared debug=1 counts per stack instead",
        counts.total.value_or(counts.counted()),
        least >= (std::size_t{1} << 20) ? fmt::format("{} MiB", least >> 20) : fmt::format("{} bytes", least),
        cap == kRuntimeDumpCap ? std::string("the runtime's 64 MiB cap")
                               : fmt::format("the size cap of {} bytes (CheckOptions::fetch.max_bytes)", cap));
  } else {
    snapshot = snapshot_while(read_server);
    not_quiet = wait_until_quiet(snapshot, [&] { return this->snapshot(); }, options, start);
    // The counts are what a check falls back to when an after-dump is cut;
    // taken again when the wait for quiet took more dumps.
    if (options.quiet_timeout > std::chrono::milliseconds::zero()) counts = this->counts();
  }
  if (!options_.allow_ignore_all) {
    const std::string why = why_a_rule_ignores_everything(options_.ignores, snapshot,
                                                          "--allow-ignore-all (CheckOptions::allow_ignore_all)");
    if (!why.empty()) {
      throw Error(ErrorKind::bad_rule, why);
    }
  }
  Baseline baseline(std::move(snapshot), std::move(counts));
  read_server();
  baseline.server = std::move(server);
  baseline.not_quiet = std::move(not_quiet);
  baseline.dump_skipped = std::move(dump_skipped);
  baseline.quiet_wait = Clock::now() - start;
  return baseline;
}

}  // namespace goleakcheck
