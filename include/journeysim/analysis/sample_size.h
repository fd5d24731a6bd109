#pragma once
//! How many customers per arm a real two-arm A/B test needs to detect a
//! difference between two conversion rates (docs/STATISTICS.md, "From a
//! simulated lift to a real test"): two independent proportions, two-sided
//! test, normal approximation (Fleiss, Levin & Paik 2003, eq. 4.14) and its
//! continuity-corrected form (eq. 4.15), which their Table A.4 lists.

#include <cstdint>

namespace journeysim::analysis {

struct SampleSizeOptions {
  double alpha = 0.05; //!< two-sided significance level
  double power = 0.80; //!< 1 − β
};

struct SampleSize {
  double uncorrected = 0.0; //!< n' of eq. 4.14, before rounding up
  double corrected = 0.0;   //!< n of eq. 4.15 (continuity correction), before rounding up
  //! Customers per arm: ⌈corrected⌉; +∞ when p1 = p2 (nothing to detect).
  double per_arm() const;
};

//! Φ⁻¹(p) for 0 < p < 1 (bisection on Φ to full double precision).
double normal_quantile(double p);

//! Per-arm sample size to detect p1 vs p2 (rates in [0, 1]).
//! NaN for rates outside [0, 1] or a level/power outside (0, 1);
//! +∞ when p1 = p2.
SampleSize two_proportion_sample_size(double p1, double p2, SampleSizeOptions options = {});

//! A real A/B test sized from a simulated conversion lift and its 95 % CI.
struct AbTestPlan {
  double baseline_rate = 0.0, variant_rate = 0.0, lift = 0.0; //!< lift = variant − baseline
  double per_arm = 0.0;              //!< to detect the simulated lift
  double per_arm_conservative = 0.0; //!< to detect the CI bound nearest 0 (+∞ if the CI holds 0)
  double per_arm_optimistic = 0.0;   //!< to detect the CI bound farthest from 0
  SampleSizeOptions options;
};

//! Sizes a test for a lift estimated as `variant_rate − baseline_rate` with
//! 95 % CI [lift_ci_low, lift_ci_high] (NaN bounds: only the point estimate).
AbTestPlan plan_ab_test(double baseline_rate, double variant_rate, double lift_ci_low, double lift_ci_high,
                        SampleSizeOptions options = {});

} // namespace journeysim::analysis
