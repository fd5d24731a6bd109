// Per-arm sample size of a two-proportion A/B test against published values
// (docs/STATISTICS.md, "From a simulated lift to a real test").

#include "journeysim/analysis/sample_size.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace journeysim::analysis;

TEST_CASE("normal quantile: known values", "[analysis]")
{
  CHECK(normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-14));
  CHECK(normal_quantile(0.80) == Approx(0.8416212335729143).epsilon(1e-14));
  CHECK(normal_quantile(0.5) == Approx(0.0).margin(1e-15));
  CHECK(normal_quantile(0.025) == Approx(-1.959963984540054).epsilon(1e-14));
  CHECK(std::isnan(normal_quantile(0.0)));
  CHECK(std::isnan(normal_quantile(1.0)));
}

TEST_CASE("two-proportion sample size matches Fleiss' table (alpha 0.05 two-sided, power 0.80)", "[analysis]")
{
  // Fleiss, Levin & Paik, Statistical Methods for Rates and Proportions,
  // 3rd ed. (2003), Table A.4 (Table A.3 of the 2nd ed., 1981): sample size
  // per group with the continuity correction. Reproduced by the calculators
  // of statpages.org (proppowr) and SWOG's CRAB (Two Arm Binomial).
  CHECK(two_proportion_sample_size(0.05, 0.10).per_arm() == 474);
  CHECK(two_proportion_sample_size(0.10, 0.20).per_arm() == 219);
  // Symmetric in the two rates, and in success/failure.
  CHECK(two_proportion_sample_size(0.10, 0.05).per_arm() == 474);
  CHECK(two_proportion_sample_size(0.95, 0.90).per_arm() == 474);
}

TEST_CASE("two-proportion sample size without the continuity correction (eq. 4.14)", "[analysis]")
{
  // The "classical" normal-approximation value: 0.05 vs 0.10 needs 434.4 per
  // arm (statpages.org: 435 after rounding up); 0.10 vs 0.20 needs 199.
  const SampleSize a = two_proportion_sample_size(0.05, 0.10);
  CHECK(a.uncorrected == Approx(434.43).margin(0.01));
  CHECK(std::ceil(a.uncorrected) == 435);
  CHECK(std::ceil(two_proportion_sample_size(0.10, 0.20).uncorrected) == 199);
  // The correction adds about 2/|p1 − p2|.
  CHECK(a.corrected - a.uncorrected == Approx(2 / 0.05).epsilon(0.05));
}

TEST_CASE("two-proportion sample size: a smaller lift needs quadratically more customers", "[analysis]")
{
  // An A/B-test-sized case: 2.82 % → 3.39 % (the simplified checkout).
  const double n = two_proportion_sample_size(0.0282, 0.0339).per_arm();
  CHECK(n > 14000);
  CHECK(n < 16000);
  const double half = two_proportion_sample_size(0.0282, 0.0282 + 0.0057 / 2).per_arm();
  CHECK(half / n > 3.6); // ~4× (the variance also shrinks a little with the rate)
  CHECK(half / n < 4.0);
  // Higher power and a stricter level need more.
  CHECK(two_proportion_sample_size(0.05, 0.10, {0.05, 0.90}).per_arm() > 474);
  CHECK(two_proportion_sample_size(0.05, 0.10, {0.01, 0.80}).per_arm() > 474);
}

TEST_CASE("two-proportion sample size: no lift and bad input", "[analysis]")
{
  CHECK(std::isinf(two_proportion_sample_size(0.1, 0.1).per_arm()));
  CHECK(std::isnan(two_proportion_sample_size(-0.1, 0.1).per_arm()));
  CHECK(std::isnan(two_proportion_sample_size(0.1, 1.1).per_arm()));
  CHECK(std::isnan(two_proportion_sample_size(std::nan(""), 0.1).per_arm()));
  CHECK(std::isnan(two_proportion_sample_size(0.1, 0.2, {0.0, 0.8}).per_arm()));
}

TEST_CASE("A/B test plan from a simulated lift and its CI", "[analysis]")
{
  // Lift +5 pp from 5 %, CI [+3 pp, +7 pp].
  const AbTestPlan p = plan_ab_test(0.05, 0.10, 0.03, 0.07);
  CHECK(p.lift == Approx(0.05));
  CHECK(p.per_arm == 474);
  CHECK(p.per_arm_conservative == two_proportion_sample_size(0.05, 0.08).per_arm());
  CHECK(p.per_arm_optimistic == two_proportion_sample_size(0.05, 0.12).per_arm());
  CHECK(p.per_arm_optimistic < p.per_arm);
  CHECK(p.per_arm < p.per_arm_conservative);
  // A CI that holds 0: no test size is safe.
  CHECK(std::isinf(plan_ab_test(0.05, 0.06, -0.001, 0.02).per_arm_conservative));
  // A negative lift is sized like a positive one.
  CHECK(plan_ab_test(0.10, 0.05, -0.07, -0.03).per_arm == 474);
  // No CI: only the point estimate.
  CHECK(std::isnan(plan_ab_test(0.05, 0.10, std::nan(""), std::nan("")).per_arm_conservative));
}
