// judge_site and SiteWatch: which series are leaks, and which are pools.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>
#include <vector>

#include "goleakcheck/profile.hpp"
#include "goleakcheck/watch.hpp"
#include "goleakcheck/watch_report.hpp"
#include "source_marker.hpp"

namespace goleakcheck {
namespace {

// Counts sampled every 10 s.
std::vector<SitePoint> series(const std::vector<std::uint64_t>& counts) {
  std::vector<SitePoint> points;
  for (std::size_t i = 0; i < counts.size(); ++i) points.push_back({10.0 * static_cast<double>(i), counts[i]});
  return points;
}

SiteTrend judge(const std::vector<std::uint64_t>& counts, WatchRules rules = {}) {
  return judge_site(series(counts), rules, false);
}

TEST(JudgeSite, ASteadyLeakIsGrowingAtItsRate) {
  const SiteTrend t = judge({100, 105, 110, 115, 120, 125, 130, 135});
  EXPECT_EQ(t.flag, SiteFlag::growing);
  EXPECT_DOUBLE_EQ(t.per_hour, 1800);  // 5 every 10 s
  EXPECT_DOUBLE_EQ(t.tau, 1);
  EXPECT_EQ(t.samples, 8u);
}

TEST(JudgeSite, SevenSamplesCannotRuleOutChance) {
  EXPECT_EQ(judge({100, 105, 110, 115, 120, 125, 130}).flag, SiteFlag::none);
}

TEST(JudgeSite, ALargeStablePoolIsNeverFlagged) {
  EXPECT_EQ(judge(std::vector<std::uint64_t>(50, 1000)).flag, SiteFlag::none);
  // Filling up, then staying put.
  EXPECT_EQ(judge({0, 300, 600, 1000, 1000, 1000, 1000, 1000}).flag, SiteFlag::none);
}

// A pool's idle workers come and go with the load. Judged at every sample
// as watch does, over 2,000 seeded pools of 60 samples whose idle count
// wanders by up to 2, 12, 40 or 200 goroutines, it is flagged in at most 3
// of the 120,000 judgements, and only while its history is short (a
// wandering count can rise 11 times in a row, and look like a leak).
TEST(JudgeSite, APoolWhoseIdleCountWandersIsAlmostNeverFlagged) {
  for (const int wander : {2, 12, 40, 200}) {
    int flagged = 0;
    int latest = 0;
    for (unsigned seed = 0; seed < 2000; ++seed) {
      std::mt19937 random(seed);
      std::uniform_int_distribution<int> busy(0, wander);
      std::vector<std::uint64_t> counts;
      for (int i = 0; i < 60; ++i) {
        counts.push_back(static_cast<std::uint64_t>(1000 - busy(random)));
        if (judge(counts).flag != SiteFlag::none) {
          ++flagged;
          latest = std::max(latest, i + 1);
        }
      }
    }
    EXPECT_LE(flagged, 3) << "wandering by " << wander;
    EXPECT_LE(latest, 12) << "wandering by " << wander;
  }
}

TEST(JudgeSite, ALeakUnderNoiseIsStillFound) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> noise(0, 4);
  std::vector<std::uint64_t> counts;
  for (int i = 0; i < 12; ++i) counts.push_back(1000 + 3 * i + noise(random));
  EXPECT_EQ(judge(counts).flag, SiteFlag::growing);
}

TEST(JudgeSite, OneSpikeIsNoTrend) { EXPECT_EQ(judge({1000, 1000, 5000, 1000, 1000, 1000, 1000}).flag, SiteFlag::none); }

TEST(JudgeSite, ALeakThatStartsLateIsFoundInTheWindow) {
  std::vector<std::uint64_t> counts(100, 40);
  for (int i = 1; i <= 8; ++i) counts.push_back(40 + 2 * i);
  EXPECT_EQ(judge(counts).flag, SiteFlag::growing);
}

TEST(JudgeSite, GrowthBelowTheMinimumIsNotFlagged) {
  EXPECT_EQ(judge({10, 10, 10, 11, 11, 12}).flag, SiteFlag::none);
}

TEST(JudgeSite, MinCountFlagsAFlatSiteOnlyWhenAsked) {
  const std::vector<std::uint64_t> flat(10, 259000);
  EXPECT_EQ(judge(flat).flag, SiteFlag::over_count);
  WatchRules off;
  off.min_count = 0;
  EXPECT_EQ(judge(flat, off).flag, SiteFlag::none);
}

TEST(JudgeSite, TheRuntimesProofFlagsAtOnce) {
  EXPECT_EQ(judge_site(series({1}), WatchRules{}, true).flag, SiteFlag::proven);
}

// Real profiles: Go 1.27's capture, sampled six times with one of its
// sites growing by hand.
Profile profile_with(std::uint64_t extra) {
  std::string text = "goroutine profile: total " + std::to_string(3 + extra) + "\n";
  text += "1 @ 0x1 0x2\n#\t0x1\tsync.runtime_SemacquireWaitGroup+0x2d\t/usr/local/go/src/runtime/sema.go:114\n"
          "#\t0x2\tsync.(*WaitGroup).Wait+0x84\t/usr/local/go/src/sync/waitgroup.go:118\n"
          "#\t0x3\tmain.pool+0x1d\t/app/main.go:20\n\n";
  text += std::to_string(2 + extra) +
          " @ 0x1 0x2\n#\t0x4\tmain.leak.func1+0x1d\t/app/main.go:41\n#\t0x5\tmain.handler+0x1d\t/app/main.go:50\n\n";
  return parse_profile(text);
}

TEST(SiteWatch, TracksEachSiteOverTimeAndFlagsTheGrowingOne) {
  SiteWatch watch;
  const auto start = SiteWatch::Clock::now();
  for (int i = 0; i < 8; ++i) watch.add("t", start + std::chrono::seconds(i), profile_with(5 * i));
  const std::vector<WatchedSite> sites = watch.sites();
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_EQ(sites[0].site.function, "main.leak.func1");
  EXPECT_EQ(sites[0].trend.flag, SiteFlag::growing);
  EXPECT_DOUBLE_EQ(sites[0].trend.per_hour, 5 * 3600);
  EXPECT_EQ(sites[0].count(), 37u);
  EXPECT_EQ(sites[1].site.function, "main.pool");
  EXPECT_EQ(sites[1].state, "sync.WaitGroup.Wait");  // from the frames
  EXPECT_FALSE(sites[1].flagged());
  EXPECT_EQ(watch.samples("t"), 8u);
  EXPECT_DOUBLE_EQ(watch.span_seconds(), 7);
}

TEST(SiteWatch, ASiteThatAppearsLateCountsZeroBefore) {
  SiteWatch watch;
  const auto start = SiteWatch::Clock::now();
  watch.add("t", start, parse_profile("goroutine profile: total 0\n"));
  watch.add("t", start + std::chrono::seconds(10), profile_with(0));
  const std::vector<WatchedSite> sites = watch.sites();
  ASSERT_EQ(sites.size(), 2u);
  ASSERT_EQ(sites[0].points.size(), 2u);
  EXPECT_EQ(sites[0].points[0].count, 0u);
  EXPECT_DOUBLE_EQ(sites[0].points[0].seconds, 0);
  EXPECT_DOUBLE_EQ(sites[0].points[1].seconds, 10);
}

TEST(SiteWatch, TheProofFlagsItsSiteAndTheSamplerIsNotCounted) {
  const Profile leaks = parse_profile(test::read_file(test::fixture("releases/go1.27/goroutineleak.debug1.txt")));
  const Profile all = parse_profile(test::read_file(test::fixture("releases/go1.27/goroutine.debug1.txt")));
  SiteWatch watch;
  watch.add("t", SiteWatch::Clock::now(), all);
  watch.add_proof("t", leaks);
  const std::vector<WatchedSite> sites = watch.sites();
  std::size_t proven = 0;
  for (const WatchedSite& w : sites) {
    EXPECT_EQ(w.stack.end(), std::find_if(w.stack.begin(), w.stack.end(), [](const OwnedFrame& f) {
                return f.function.starts_with("runtime/pprof.writeGoroutine");
              }));
    if (w.trend.flag == SiteFlag::proven) ++proven;
  }
  EXPECT_EQ(proven, 5u);  // the five leaked stacks, each at its own site
  EXPECT_TRUE(sites[0].flagged());
}

// Label values may hold anything a path or a function name holds; the
// exposition format wants backslash, quote and newline escaped.
TEST(WatchMetrics, EscapesLabelValuesAndCountsEveryTarget) {
  WatchView view;
  WatchedSite site;
  site.target = "http://a:1";
  site.state = "chan send";
  site.site = {"main.\"odd\"", "C:\\src\\a.go", 3};
  site.points = {{0, 4}};
  site.trend.flag = SiteFlag::growing;
  site.trend.per_hour = 12.5;
  view.sites.push_back(site);
  view.targets.push_back({"http://a:1", 7, 2, "", false});
  const std::string text = render_watch_metrics(view);
  EXPECT_THAT(text, testing::HasSubstr(
                        R"(goleakcheck_goroutines{target="http://a:1",state="chan send",site="main.\"odd\" C:\\src\\a.go:3",user_frame=""} 4)"));
  EXPECT_THAT(text, testing::HasSubstr("goleakcheck_site_growth_per_hour{") );
  EXPECT_THAT(text, testing::HasSubstr("} 12.500\n"));
  EXPECT_THAT(text, testing::HasSubstr("goleakcheck_site_flagged{"));
  EXPECT_THAT(text, testing::HasSubstr(R"(goleakcheck_samples_total{target="http://a:1"} 7)"));
  EXPECT_THAT(text, testing::HasSubstr(R"(goleakcheck_sample_errors_total{target="http://a:1"} 2)"));
  EXPECT_THAT(text, testing::HasSubstr(R"(goleakcheck_target_up{target="http://a:1"} 1)"));
  EXPECT_THAT(text, testing::HasSubstr("# TYPE goleakcheck_samples_total counter\n"));
  // Prometheus rejects a scrape that is not UTF-8; a dump's names may be anything.
  view.sites[0].site.function = "main.bad\xff";
  EXPECT_THAT(render_watch_metrics(view), testing::HasSubstr("site=\"main.bad\xEF\xBF\xBD C:"));
}

TEST(WatchText, ASampleLineNamesAtMostThreeFlaggedSites) {
  WatchView view;
  for (int i = 0; i < 5; ++i) {
    WatchedSite site;
    site.site = {"main.leak" + std::to_string(i), "/app/main.go", 10 + i};
    site.points = {{0, 100}};
    site.trend.flag = SiteFlag::over_count;
    view.sites.push_back(site);
  }
  std::ostringstream out;
  write_watch_line(out, view, "12:00:00");
  EXPECT_EQ(out.str(),
            "12:00:00 500 goroutines at 5 sites; 5 flagged: OVER main.leak0 main.go:10 (+0/h) OVER main.leak1 "
            "main.go:11 (+0/h) OVER main.leak2 main.go:12 (+0/h) …\n");
}

TEST(WatchText, RatesReadAsPeopleSayThem) {
  EXPECT_EQ(format_rate(412.4), "+412");
  EXPECT_EQ(format_rate(2.25), "+2.2");
  EXPECT_EQ(format_rate(-30), "-30.0");
  EXPECT_EQ(format_rate(0), "+0");
}

}  // namespace
}  // namespace goleakcheck
