#include "journeysim/analysis/sample_size.h"

#include "journeysim/analysis/paired_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace journeysim::analysis {

double SampleSize::per_arm() const
{
  return std::isfinite(corrected) ? std::ceil(corrected) : corrected;
}

double normal_quantile(double p)
{
  if (!(p > 0.0 && p < 1.0))
    return std::numeric_limits<double>::quiet_NaN();
  double lo = -40.0, hi = 40.0;
  for (int i = 0; i < 200 && hi - lo > 0; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid == lo || mid == hi)
      break;
    (normal_cdf(mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

SampleSize two_proportion_sample_size(double p1, double p2, SampleSizeOptions o)
{
  constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double INF = std::numeric_limits<double>::infinity();
  if (!(p1 >= 0 && p1 <= 1 && p2 >= 0 && p2 <= 1 && o.alpha > 0 && o.alpha < 1 && o.power > 0 && o.power < 1))
    return {NaN, NaN};
  const double delta = std::abs(p2 - p1);
  if (delta == 0)
    return {INF, INF};
  const double z_alpha = normal_quantile(1 - o.alpha / 2), z_beta = normal_quantile(o.power);
  const double p_bar = (p1 + p2) / 2;
  const double a = z_alpha * std::sqrt(2 * p_bar * (1 - p_bar)) + z_beta * std::sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  const double n = a * a / (delta * delta);
  // Continuity correction (Fleiss et al. 2003, eq. 4.15; Fleiss, Tytun & Ury 1980).
  const double root = 1 + std::sqrt(1 + 4 / (n * delta));
  return {n, n / 4 * root * root};
}

AbTestPlan plan_ab_test(double baseline_rate, double variant_rate, double lift_ci_low, double lift_ci_high,
                        SampleSizeOptions options)
{
  constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double INF = std::numeric_limits<double>::infinity();
  AbTestPlan plan;
  plan.baseline_rate = baseline_rate;
  plan.variant_rate = variant_rate;
  plan.lift = variant_rate - baseline_rate;
  plan.options = options;
  const auto at = [&](double lift) {
    return two_proportion_sample_size(baseline_rate, std::clamp(baseline_rate + lift, 0.0, 1.0), options).per_arm();
  };
  plan.per_arm = at(plan.lift);
  plan.per_arm_conservative = plan.per_arm_optimistic = NaN;
  if (std::isfinite(lift_ci_low) && std::isfinite(lift_ci_high) && plan.lift != 0) {
    const double near = plan.lift > 0 ? lift_ci_low : lift_ci_high;
    const double far = plan.lift > 0 ? lift_ci_high : lift_ci_low;
    plan.per_arm_conservative = (near > 0) == (plan.lift > 0) && near != 0 ? at(near) : INF;
    plan.per_arm_optimistic = at(far);
  }
  return plan;
}

} // namespace journeysim::analysis
