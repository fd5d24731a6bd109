// Paired statistics against hand-computed values and brute-force
// computations (docs/STATISTICS.md).

#include "journeysim/analysis/comoments.h"
#include "journeysim/analysis/paired_stats.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

using namespace journeysim::analysis;

TEST_CASE("McNemar: exact binomial p below 100 discordant pairs", "[analysis]")
{
  // n10 = 1, n01 = 9: p = 2·P(X ≤ 1), X ~ Bin(10, ½) = 2·11/1024.
  const Estimate e = paired_proportion(100, 20, 1, 9);
  CHECK(e.p_value == Approx(22.0 / 1024.0).epsilon(1e-12));
  CHECK(e.method.find("exact") != std::string::npos);
  CHECK(binomial_half_two_sided_p(5, 10) == 1.0);
  CHECK(binomial_half_two_sided_p(0, 3) == Approx(0.25)); // 2·(1/8)
  CHECK(paired_proportion(50, 10, 0, 0).p_value == 1.0);
}

TEST_CASE("McNemar: with few discordant pairs the interval and the exact test can disagree, and it is said",
          "[analysis]")
{
  // 500 customers, 4 convert only in the variant, none only in the baseline: the Wald
  // interval [0.0002, 0.0158] excludes 0, the exact test gives p = 2/16 = 0.125.
  const Estimate e = paired_proportion(500, 9, 0, 4);
  CHECK(e.ci_low > 0);
  CHECK(e.p_value == Approx(0.125));
  CHECK(interval_and_test_disagree(e.ci_low, e.ci_high, e.p_value));
  // They agree when both say "significant", both say "not", or there is nothing to compare.
  const Estimate firm = paired_proportion(100, 20, 1, 9);
  CHECK_FALSE(interval_and_test_disagree(firm.ci_low, firm.ci_high, firm.p_value));
  const Estimate none = paired_proportion(500, 9, 2, 3);
  CHECK_FALSE(interval_and_test_disagree(none.ci_low, none.ci_high, none.p_value));
  CHECK_FALSE(interval_and_test_disagree(std::nan(""), std::nan(""), std::nan("")));
  CHECK(interval_and_test_disagree(-0.01, 0.02, 0.01)); // the reverse: p < 0.05 and 0 inside
}

TEST_CASE("McNemar: chi-square above 100 discordant pairs", "[analysis]")
{
  const Estimate e = paired_proportion(1000, 100, 40, 70);
  const double chi2 = 30.0 * 30.0 / 110.0;
  CHECK(e.p_value == Approx(std::erfc(std::sqrt(chi2 / 2))).epsilon(1e-12));
  CHECK(e.p_value == Approx(0.004233).margin(2e-6)); // χ²₁ = 8.18
  CHECK(e.method.find("chi-square") != std::string::npos);
}

TEST_CASE("paired proportions: estimate and Wald interval by hand", "[analysis]")
{
  // n = 100: 10 both, 5 baseline only, 15 variant only.
  const Estimate e = paired_proportion(100, 10, 5, 15);
  CHECK(e.baseline == Approx(0.15));
  CHECK(e.variant == Approx(0.25));
  CHECK(e.difference == Approx(0.10));
  const double se = std::sqrt((20.0 - 100.0 / 100.0) / 10000.0); // ((b+c) − (c−b)²/n)/n²
  CHECK(e.ci_low == Approx(0.10 - Z95 * se));
  CHECK(e.ci_high == Approx(0.10 + Z95 * se));
  // The same data as if independent: a wider interval.
  const Estimate u = unpaired_proportion(100, 10, 5, 15);
  CHECK(u.ci_high - u.ci_low > e.ci_high - e.ci_low);
}

TEST_CASE("Student t and the incomplete beta function", "[analysis]")
{
  CHECK(incomplete_beta(2, 3, 0.5) == Approx(0.6875).epsilon(1e-12));
  CHECK(student_t_quantile(0.975, 19) == Approx(2.093024054).epsilon(1e-8));
  CHECK(student_t_quantile(0.975, 1) == Approx(12.70620474).epsilon(1e-8));
  CHECK(student_t_two_sided_p(2.093024054, 19) == Approx(0.05).epsilon(1e-7));
  CHECK(student_t_two_sided_p(0, 5) == Approx(1.0));
  // Large df: the normal.
  CHECK(student_t_two_sided_p(1.959963985, 1e7) == Approx(0.05).epsilon(1e-5));
}

TEST_CASE("batch means: CI from the spread of batch differences", "[analysis]")
{
  Estimate e;
  e.difference = 1.0;
  batch_means_interval(e, {0.0, 1.0, 2.0, std::nan("")}); // G = 3, sd = 1
  const double half = student_t_quantile(0.975, 2) / std::sqrt(3.0);
  CHECK(e.ci_low == Approx(1.0 - half));
  CHECK(e.ci_high == Approx(1.0 + half));
  CHECK(e.p_value == Approx(student_t_two_sided_p(std::sqrt(3.0), 2)));
}

namespace {

//! Correlated per-agent rows (Y_v, X_v, Y_b, X_b): revenue-like numerators,
//! 0/1 denominators (conversions), variant = baseline plus a few changes.
std::vector<double> sample_rows(std::size_t n, std::uint32_t seed)
{
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> x(n * 4);
  for (std::size_t i = 0; i < n; ++i) {
    const double xb = u(rng) < 0.2 ? 1 : 0;
    const double yb = xb * (20 + 10 * u(rng)) + 0.5 * u(rng);
    const double xv = u(rng) < 0.05 ? 1 - xb : xb;
    const double yv = xv == xb ? yb : xv * (22 + 10 * u(rng)) + 0.5 * u(rng);
    x[i * 4 + 0] = yv;
    x[i * 4 + 1] = xv;
    x[i * 4 + 2] = yb;
    x[i * 4 + 3] = xb;
  }
  return x;
}

} // namespace

TEST_CASE("co-moments in blocks equal the two-pass covariance of all rows", "[analysis]")
{
  const std::size_t n = 10000;
  const auto x = sample_rows(n, 1);
  CoMoments m(4);
  for (std::size_t b = 0; b < n; b += 1024)
    m.add_block(&x[b * 4], std::min<std::size_t>(1024, n - b));
  double mean[4] = {};
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < 4; ++j)
      mean[j] += x[i * 4 + j] / static_cast<double>(n);
  for (std::size_t a = 0; a < 4; ++a) {
    CHECK(m.mean(a) == Approx(mean[a]).epsilon(1e-12));
    for (std::size_t b = 0; b < 4; ++b) {
      double c = 0;
      for (std::size_t i = 0; i < n; ++i)
        c += (x[i * 4 + a] - mean[a]) * (x[i * 4 + b] - mean[b]);
      CHECK(m.cov(a, b) == Approx(c / (n - 1)).epsilon(1e-10));
    }
  }
  // Merging two halves equals adding everything to one.
  CoMoments h1(4), h2(4);
  h1.add_block(&x[0], 5000);
  h2.add_block(&x[5000 * 4], 5000);
  h1.merge(h2);
  CHECK(h1.cov(0, 2) == Approx(m.cov(0, 2)).epsilon(1e-10));
}

TEST_CASE("delta method for a difference of ratios equals the variance of the per-agent influence",
          "[analysis]")
{
  const std::size_t n = 20000;
  const auto x = sample_rows(n, 2);
  CoMoments m(4);
  m.add_block(x.data(), n);
  RatioMoments r;
  r.n = static_cast<double>(n);
  for (std::size_t i = 0; i < 4; ++i) {
    r.mean[i] = m.mean(i);
    for (std::size_t j = 0; j < 4; ++j)
      r.cov[i][j] = m.cov(i, j);
  }
  const Estimate e = ratio_difference(r);

  // Brute force: ratios of sums and z_i = (Y_v − R_v X_v)/x̄_v − (Y_b − R_b X_b)/x̄_b.
  double s[4] = {};
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < 4; ++j)
      s[j] += x[i * 4 + j];
  const double rv = s[0] / s[1], rb = s[2] / s[3];
  const double xv = s[1] / n, xb = s[3] / n;
  std::vector<double> z(n);
  double zm = 0;
  for (std::size_t i = 0; i < n; ++i) {
    z[i] = (x[i * 4] - rv * x[i * 4 + 1]) / xv - (x[i * 4 + 2] - rb * x[i * 4 + 3]) / xb;
    zm += z[i] / n;
  }
  double var = 0;
  for (double v : z)
    var += (v - zm) * (v - zm) / (n - 1);
  const double se = std::sqrt(var / n);
  CHECK(e.variant == Approx(rv).epsilon(1e-12));
  CHECK(e.baseline == Approx(rb).epsilon(1e-12));
  CHECK(e.ci_high - e.difference == Approx(Z95 * se).epsilon(1e-8));
  CHECK(e.p_value == Approx(normal_two_sided_p((rv - rb) / se)).epsilon(1e-6));
}

TEST_CASE("paired mean and affine transforms", "[analysis]")
{
  const Estimate e = paired_mean(100, 1.0, 1.5, 4.0); // se = 0.2
  CHECK(e.ci_low == Approx(0.5 - Z95 * 0.2));
  CHECK(e.p_value == Approx(normal_two_sided_p(2.5)));
  const Estimate f = affine(e, 1.0, -1.0); // 1 − x
  CHECK(f.baseline == Approx(0.0));
  CHECK(f.variant == Approx(-0.5));
  CHECK(f.difference == Approx(-0.5));
  CHECK(f.ci_low == Approx(-0.5 - Z95 * 0.2));
  CHECK(f.ci_high == Approx(-0.5 + Z95 * 0.2));
  const Estimate g = scaled(e, 10);
  CHECK(g.ci_high == Approx(10 * e.ci_high));
  CHECK(g.p_value == e.p_value);
}
