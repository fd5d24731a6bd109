#pragma once
//! Paired two-sample statistics on the same agents (docs/STATISTICS.md):
//! the estimate of a difference between a variant and the baseline, its 95 %
//! confidence interval and a two-sided p-value, computed from sufficient
//! statistics that a streaming accumulator can collect.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace journeysim::analysis {

//! One compared quantity: baseline, variant, their difference (variant −
//! baseline), its 95 % CI and p-value, and how they were computed.
struct Estimate {
  double baseline = 0.0, variant = 0.0, difference = 0.0;
  double ci_low = 0.0, ci_high = 0.0, p_value = 1.0;
  std::string method;
};

inline constexpr double Z95 = 1.959963984540054; //!< Φ⁻¹(0.975)

double normal_cdf(double z);              //!< Φ(z)
double normal_two_sided_p(double z);      //!< 2·(1 − Φ(|z|))
//! Two-sided exact binomial p for k successes in n trials with p = 1/2:
//! min(1, 2·P(X ≤ min(k, n − k))).
double binomial_half_two_sided_p(std::int64_t k, std::int64_t n);

//! The 95 % interval and the test at α = 0.05 tell different stories: the
//! interval excludes 0 and p ≥ 0.05, or the reverse. With few discordant
//! pairs the exact McNemar p is conservative and no interval of the
//! difference agrees with it everywhere (docs/STATISTICS.md): a verdict must
//! say so rather than print both as if they agreed.
inline bool interval_and_test_disagree(double ci_low, double ci_high, double p_value)
{
  if (!(ci_low <= ci_high) || !(p_value >= 0)) // NaN: nothing to compare
    return false;
  const bool excludes_zero = ci_low > 0 || ci_high < 0;
  return excludes_zero != (p_value < 0.05);
}

//! Regularised incomplete beta function I_x(a, b) (continued fraction).
double incomplete_beta(double a, double b, double x);
//! Two-sided p of Student's t with `df` degrees of freedom: P(|T| ≥ |t|).
double student_t_two_sided_p(double t, double df);
//! Student's t quantile: P(T ≤ q) = p (0 < p < 1), by bisection.
double student_t_quantile(double p, double df);

//! Batch means: the estimate `difference` (from all agents) with the CI and
//! t-test built from the per-batch differences `batch_diff` (NaN entries are
//! skipped): SE = sd(batch_diff)/√G, t with G − 1 degrees of freedom.
void batch_means_interval(Estimate& e, const std::vector<double>& batch_diff);

//! Below this many discordant pairs McNemar's p-value is the exact binomial one.
inline constexpr std::int64_t MCNEMAR_EXACT_BELOW = 100;

//! Replications that ran on the same customers (a sweep's grid points, the
//! optimiser's settings): the mean of a[r] − b[r] over the first
//! min(|a|, |b|) pairs and its 95 % Student-t interval (NaN bounds with fewer
//! than two pairs; a NaN in any pair makes all three NaN).
struct ReplicationDifference {
  double mean = 0.0, ci_low = 0.0, ci_high = 0.0;
  std::size_t pairs = 0;
  //! The interval holds 0: not significantly different (false with one pair).
  bool not_significant() const { return pairs > 1 && ci_low <= 0 && ci_high >= 0; }
};
ReplicationDifference paired_replications(const std::vector<double>& a, const std::vector<double>& b);

//! Paired proportions: n agents, n10 = baseline 1 / variant 0, n01 = 0 / 1,
//! n11 = both. Difference (n01 − n10)/n, Var = ((b+c) − (c−b)²/n)/n²,
//! Wald 95 % CI, McNemar p (exact binomial below MCNEMAR_EXACT_BELOW
//! discordant pairs, χ²₁ without continuity correction above).
Estimate paired_proportion(std::int64_t n, std::int64_t n11, std::int64_t n10, std::int64_t n01);

//! The same data analysed as if the two samples were independent
//! (Var = p_b(1−p_b)/n + p_v(1−p_v)/n): only to show what pairing buys.
Estimate unpaired_proportion(std::int64_t n, std::int64_t n11, std::int64_t n10, std::int64_t n01);

//! Paired mean difference: means of b and v over n agents, and the sample
//! variance of the per-agent differences v − b. Normal 95 % CI and z-test.
Estimate paired_mean(double n, double mean_b, double mean_v, double var_diff);

//! Means and covariance (divisor n − 1) of four per-agent variables, in the
//! order (Y_v, X_v, Y_b, X_b): numerator and denominator of a ratio of sums
//! R = ΣY/ΣX in the variant and the baseline.
struct RatioMoments {
  double n = 0.0;
  std::array<double, 4> mean{};
  std::array<std::array<double, 4>, 4> cov{};
};

//! Difference of two ratios of sums R_v − R_b by the delta method: per-agent
//! influence z = (Y_v − R_v·X_v)/x̄_v − (Y_b − R_b·X_b)/x̄_b, Var = Var(z)/n.
//! NaN (p NaN) where a denominator sum is 0.
Estimate ratio_difference(const RatioMoments& m);

//! `e` scaled by a constant (e.g. a per-agent mean to a total); p unchanged.
Estimate scaled(Estimate e, double factor);
//! `e` shifted and/or negated: values a + s·x (the CI bounds swap when s < 0).
Estimate affine(Estimate e, double add, double sign);

} // namespace journeysim::analysis
