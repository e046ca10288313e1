// judge_site: is a site's count rising beyond chance? Mann-Kendall's test
// says whether it rises steadily (it looks only at the order of samples, so
// one huge spike weighs as little as a small one); Theil-Sen's slope says by
// how much (the median slope between every two samples, which a few odd
// samples cannot drag).
#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "goleakcheck/watch.hpp"

namespace goleakcheck {

namespace {

int sign(double d) { return (d > 0) - (d < 0); }

// Median of the slopes (goroutines per second) between every two points.
double theil_sen(std::span<const SitePoint> points) {
  std::vector<double> slopes;
  for (std::size_t i = 0; i < points.size(); ++i) {
    for (std::size_t j = i + 1; j < points.size(); ++j) {
      const double dt = points[j].seconds - points[i].seconds;
      if (dt <= 0) continue;
      slopes.push_back((static_cast<double>(points[j].count) - static_cast<double>(points[i].count)) / dt);
    }
  }
  if (slopes.empty()) return 0;
  const auto middle = slopes.begin() + static_cast<std::ptrdiff_t>(slopes.size() / 2);
  std::nth_element(slopes.begin(), middle, slopes.end());
  if (slopes.size() % 2 == 1) return *middle;
  const double upper = *middle;
  const double lower = *std::max_element(slopes.begin(), middle);
  return (lower + upper) / 2;
}

// How far the counts stray from the Theil-Sen line through them: the
// median absolute residual. A pool's idle count wandering within its size
// is this noise; a new high must rise clear of it.
double noise(std::span<const SitePoint> points, double slope) {
  std::vector<double> offsets;
  for (const SitePoint& p : points) offsets.push_back(static_cast<double>(p.count) - slope * p.seconds);
  auto middle = offsets.begin() + static_cast<std::ptrdiff_t>(offsets.size() / 2);
  std::nth_element(offsets.begin(), middle, offsets.end());
  const double intercept = *middle;
  for (double& o : offsets) o = std::abs(o - intercept);
  middle = offsets.begin() + static_cast<std::ptrdiff_t>(offsets.size() / 2);
  std::nth_element(offsets.begin(), middle, offsets.end());
  return *middle;
}

struct MannKendall {
  double s = 0;
  double variance = 0;
};

MannKendall mann_kendall(std::span<const SitePoint> points) {
  MannKendall mk;
  const auto n = static_cast<double>(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    for (std::size_t j = i + 1; j < points.size(); ++j) {
      mk.s += sign(static_cast<double>(points[j].count) - static_cast<double>(points[i].count));
    }
  }
  // Ties (a flat series is all ties) shrink the variance.
  std::map<std::uint64_t, double> tied;
  for (const SitePoint& p : points) tied[p.count] += 1;
  double ties = 0;
  for (const auto& [count, t] : tied) ties += t * (t - 1) * (2 * t + 5);
  mk.variance = (n * (n - 1) * (2 * n + 5) - ties) / 18;
  return mk;
}

// The one-sided p-value of a rise, with the usual continuity correction.
double rise_p_value(const MannKendall& mk) {
  if (mk.s <= 0 || mk.variance <= 0) return 1;
  const double z = (mk.s - 1) / std::sqrt(mk.variance);
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

}  // namespace

SiteTrend judge_site(std::span<const SitePoint> all, const WatchRules& rules, bool proven) {
  const std::span<const SitePoint> points =
      all.size() > rules.window && rules.window > 0 ? all.subspan(all.size() - rules.window) : all;
  SiteTrend trend;
  trend.samples = points.size();
  if (points.empty()) return trend;
  const MannKendall mk = mann_kendall(points);
  const double pairs = static_cast<double>(points.size()) * static_cast<double>(points.size() - 1) / 2;
  trend.tau = pairs > 0 ? mk.s / pairs : 0;
  // The latest samples still rise: a pool that filled up early and then
  // stayed put has a significant rise and a flat end.
  const std::size_t recent = std::min(points.size(), std::max<std::size_t>(3, points.size() / 3));
  const double recent_slope = theil_sen(points.last(recent));
  // A leak keeps setting new highs; a pool, however its idle count wanders,
  // stays under the highs it set early. Comparing against the first half's
  // high is what keeps a wandering pool from ever passing the trend test
  // by chance, sample after sample.
  // The high is taken over the whole history before the latest third.
  std::uint64_t earlier_high = 0;
  for (const SitePoint& p : all.first(all.size() - recent)) earlier_high = std::max(earlier_high, p.count);
  const bool new_high = static_cast<double>(points.back().count) >=
                        static_cast<double>(earlier_high) +
                            std::max(static_cast<double>(rules.min_growth), 3 * noise(points, theil_sen(points)));
  // Over the window; over its latest third when most of the window is flat
  // (a leak that started late).
  trend.per_hour = theil_sen(points) * 3600;
  if (trend.per_hour <= 0 && recent_slope > 0) trend.per_hour = recent_slope * 3600;
  if (proven) {
    trend.flag = SiteFlag::proven;
  } else if (new_high && recent_slope > 0 && rise_p_value(mk) <= rules.significance) {
    trend.flag = SiteFlag::growing;
  } else if (rules.min_count > 0 && points.back().count >= rules.min_count) {
    trend.flag = SiteFlag::over_count;
  }
  return trend;
}

}  // namespace goleakcheck
