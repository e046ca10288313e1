// Saves dumps of leakyservice before and after /ncast (two goroutines leaked
// per request at main.ncastPattern.func1), and profiles as it keeps leaking;
// then judges them through the library alone. Exits 0 when every call says
// what the command says of the same files, else 1 with what differed.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "goleakcheck/compare.hpp"
#include "goleakcheck/error.hpp"
#include "goleakcheck/program.hpp"
#include "goleakcheck/source.hpp"
#include "goleakcheck/watcher.hpp"

namespace {

int failures = 0;

void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::cerr << "FAIL: " << what << "\n";
    ++failures;
  }
}

void save(const std::string& url, const std::filesystem::path& file) {
  std::ofstream out(file, std::ios::binary);
  goleakcheck::read_source(url, {}, [&](std::string_view chunk) { out.write(chunk.data(), chunk.size()); });
}

void save_profile(goleakcheck::HttpClient& client, const std::filesystem::path& file) {
  std::ofstream out(file, std::ios::binary);
  goleakcheck::fetch_pprof(client, goleakcheck::kGoroutineProfilePath, {},
                           [&](std::string_view chunk) { out.write(chunk.data(), chunk.size()); });
}

void leak(goleakcheck::HttpClient& client) {
  const goleakcheck::HttpResponse response = client.get("/ncast", {}, [](std::string_view) {});
  expect(response.status == 200, "GET /ncast answered " + std::to_string(response.status));
}

std::size_t ncast_leaks(const goleakcheck::LeakReport& report) {
  std::size_t n = 0;
  for (const goleakcheck::LeakGroup& group : report.groups) {
    if (group.blocking_site.function == "main.ncastPattern.func1") n += group.count();
  }
  return n;
}

}  // namespace

int main() try {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("goleakcheck-offline-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "samples");
  struct RemoveDir {
    std::filesystem::path dir;
    ~RemoveDir() { std::filesystem::remove_all(dir); }
  } remove_dir{dir};

  goleakcheck::Program program = goleakcheck::Program::launch({.argv = {LEAKYSERVICE, "-addr", "{addr}"}});
  goleakcheck::HttpClient client(program.endpoint());
  save(program.url(), dir / "before.txt");
  leak(client);

  // diff: the two leaked goroutines, once they have parked (a condition,
  // polled: each try saves the dump afresh).
  goleakcheck::LeakReport diffed;
  for (const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       std::chrono::steady_clock::now() < until;) {
    save(program.url(), dir / "after.txt");
    diffed = goleakcheck::diff_dumps((dir / "before.txt").string(), (dir / "after.txt").string());
    if (ncast_leaks(diffed) == 2) break;
  }
  expect(ncast_leaks(diffed) == 2, "diff_dumps found " + std::to_string(ncast_leaks(diffed)) + " ncast leaks, not 2");
  expect(!diffed.clean(), "diff_dumps called two leaked goroutines clean");
  const goleakcheck::LeakReport same = goleakcheck::diff_dumps((dir / "after.txt").string(), (dir / "after.txt").string());
  expect(same.clean(), "a dump diffed with itself is not clean");

  // analyze: the site, flagged once the count rule is low enough.
  goleakcheck::AnalyzeOptions analyze;
  analyze.rules.min_count = 2;
  const goleakcheck::SiteAnalysis sites = goleakcheck::analyze_sites((dir / "after.txt").string(), analyze);
  bool ncast_flagged = false;
  for (std::size_t i = 0; i < sites.groups.size(); ++i) {
    if (sites.groups[i].blocking_site.function == "main.ncastPattern.func1") ncast_flagged = sites.flagged[i];
  }
  expect(ncast_flagged, "analyze_sites did not flag main.ncastPattern.func1 with --min-count 2");
  expect(sites.why_unproven().empty(), "analyze_sites called a whole dump unproven");

  // watch, from a directory of profiles saved as it kept leaking, and live.
  goleakcheck::WatchOptions watch;
  watch.interval = std::chrono::seconds(1);
  goleakcheck::Watcher watcher({program.url()}, watch);
  // Samples on a schedule, as a watch takes them: the trend is judged
  // against time, and back-to-back samples on a loaded machine come
  // unevenly spaced, so that an even leak looks noisy (a fresh-clone run
  // under ctest -j2 flagged nothing once).
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_until(start + i * std::chrono::milliseconds(100));
    leak(client);
    leak(client);
    save_profile(client, dir / "samples" / ("sample-" + std::to_string(10 + i) + ".txt"));
    watcher.sample();
  }
  const goleakcheck::WatchView saved = goleakcheck::watch_directory((dir / "samples").string(), watch);
  expect(saved.flagged() >= 1, "watch_directory flagged no site over 10 rising samples");
  expect(saved.samples() == 10, "watch_directory read " + std::to_string(saved.samples()) + " samples, not 10");
  const goleakcheck::WatchView live = watcher.view();
  expect(live.flagged() >= 1, "the Watcher flagged no site over 10 rising samples");
  expect(goleakcheck::why_watch_unproven(live).empty(), "the Watcher's samples were not all read");
  bool growing = false;
  for (const goleakcheck::WatchedSite& site : live.sites) {
    growing = growing || (site.site.function == "main.ncastPattern.func1" && site.flagged());
  }
  expect(growing, "the Watcher did not flag main.ncastPattern.func1");

  program.stop();
  if (failures == 0) std::cout << "ok: diff_dumps, analyze_sites, watch_directory and Watcher from C++\n";
  return failures == 0 ? 0 : 1;
} catch (const goleakcheck::Error& e) {
  std::cerr << "FAIL: " << e.what() << "\n" << e.details();
  return 1;
}
