#include "journeysim/analysis/paired_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace journeysim::analysis {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

//! Wald interval and z-test p for a difference with standard error `se`.
void normal_interval(Estimate& e, double se)
{
  if (std::isnan(e.difference) || std::isnan(se)) {
    e.ci_low = e.ci_high = e.p_value = NaN;
    return;
  }
  e.ci_low = e.difference - Z95 * se;
  e.ci_high = e.difference + Z95 * se;
  if (se > 0.0)
    e.p_value = normal_two_sided_p(e.difference / se);
  else
    e.p_value = e.difference == 0.0 ? 1.0 : 0.0;
}

} // namespace

double normal_cdf(double z)
{
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

double normal_two_sided_p(double z)
{
  return std::min(1.0, std::erfc(std::abs(z) / std::sqrt(2.0)));
}

double binomial_half_two_sided_p(std::int64_t k, std::int64_t n)
{
  if (n <= 0)
    return 1.0;
  const std::int64_t m = std::min(k, n - k);
  // P(X ≤ m) for X ~ Bin(n, 1/2), summed in log space term by term.
  const double log_half_n = static_cast<double>(n) * std::log(0.5);
  double sum = 0.0;
  for (std::int64_t i = 0; i <= m; ++i) {
    const double log_choose = std::lgamma(static_cast<double>(n) + 1) -
                              std::lgamma(static_cast<double>(i) + 1) -
                              std::lgamma(static_cast<double>(n - i) + 1);
    sum += std::exp(log_choose + log_half_n);
  }
  return std::min(1.0, 2.0 * sum);
}

double incomplete_beta(double a, double b, double x)
{
  if (x <= 0.0)
    return 0.0;
  if (x >= 1.0)
    return 1.0;
  // Continued fraction (modified Lentz) converges fast for x < (a+1)/(a+b+2);
  // otherwise use the symmetry I_x(a, b) = 1 − I_{1−x}(b, a).
  if (x > (a + 1.0) / (a + b + 2.0))
    return 1.0 - incomplete_beta(b, a, 1.0 - x);
  const double log_front =
    std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  constexpr double tiny = 1e-300;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  d = 1.0 / (std::abs(d) < tiny ? tiny : d);
  double f = d;
  for (int m = 1; m <= 300; ++m) {
    const double dm = m;
    double num = dm * (b - dm) * x / ((a + 2 * dm - 1) * (a + 2 * dm));
    d = 1.0 + num * d;
    c = 1.0 + num / c;
    d = 1.0 / (std::abs(d) < tiny ? tiny : d);
    c = std::abs(c) < tiny ? tiny : c;
    f *= d * c;
    num = -(a + dm) * (a + b + dm) * x / ((a + 2 * dm) * (a + 2 * dm + 1));
    d = 1.0 + num * d;
    c = 1.0 + num / c;
    d = 1.0 / (std::abs(d) < tiny ? tiny : d);
    c = std::abs(c) < tiny ? tiny : c;
    const double delta = d * c;
    f *= delta;
    if (std::abs(delta - 1.0) < 1e-15)
      break;
  }
  return std::exp(log_front) * f / a;
}

double student_t_two_sided_p(double t, double df)
{
  if (std::isnan(t) || df <= 0)
    return NaN;
  if (std::isinf(t))
    return 0.0;
  return std::min(1.0, incomplete_beta(df / 2.0, 0.5, df / (df + t * t)));
}

double student_t_quantile(double p, double df)
{
  if (!(p > 0.0 && p < 1.0) || df <= 0)
    return NaN;
  if (p < 0.5)
    return -student_t_quantile(1.0 - p, df);
  // P(T ≤ q) = 1 − p2/2 with p2 the two-sided p of q: bisect on q ≥ 0.
  double lo = 0.0, hi = 1.0;
  while (1.0 - student_t_two_sided_p(hi, df) / 2.0 < p)
    hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (1.0 - student_t_two_sided_p(mid, df) / 2.0 < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

void batch_means_interval(Estimate& e, const std::vector<double>& batch_diff)
{
  double sum = 0.0, g = 0.0;
  for (double d : batch_diff)
    if (!std::isnan(d)) {
      sum += d;
      g += 1.0;
    }
  if (g < 2 || std::isnan(e.difference)) {
    e.ci_low = e.ci_high = e.p_value = NaN;
    return;
  }
  const double mean = sum / g;
  double ss = 0.0;
  for (double d : batch_diff)
    if (!std::isnan(d))
      ss += (d - mean) * (d - mean);
  const double se = std::sqrt(ss / (g - 1) / g);
  const double q = student_t_quantile(0.975, g - 1);
  e.ci_low = e.difference - q * se;
  e.ci_high = e.difference + q * se;
  if (se > 0)
    e.p_value = student_t_two_sided_p(e.difference / se, g - 1);
  else
    e.p_value = e.difference == 0.0 ? 1.0 : 0.0;
}

ReplicationDifference paired_replications(const std::vector<double>& a, const std::vector<double>& b)
{
  ReplicationDifference d;
  d.pairs = std::min(a.size(), b.size());
  double sum = 0, sum2 = 0;
  for (std::size_t r = 0; r < d.pairs; ++r) {
    const double x = a[r] - b[r];
    sum += x;
    sum2 += x * x;
  }
  const double n = static_cast<double>(d.pairs);
  d.mean = d.pairs ? sum / n : NaN;
  double half = NaN;
  if (d.pairs > 1) {
    const double var = std::max(0.0, (sum2 - n * d.mean * d.mean) / (n - 1));
    half = student_t_quantile(0.975, n - 1) * std::sqrt(var / n);
  }
  d.ci_low = d.mean - half;
  d.ci_high = d.mean + half;
  return d;
}

Estimate paired_proportion(std::int64_t n, std::int64_t n11, std::int64_t n10, std::int64_t n01)
{
  Estimate e;
  e.method = "paired proportions (Wald CI), McNemar test";
  if (n <= 0) {
    e.baseline = e.variant = e.difference = e.ci_low = e.ci_high = e.p_value = NaN;
    return e;
  }
  const double dn = static_cast<double>(n);
  const double b = static_cast<double>(n10), c = static_cast<double>(n01);
  e.baseline = static_cast<double>(n11 + n10) / dn;
  e.variant = static_cast<double>(n11 + n01) / dn;
  e.difference = (c - b) / dn;
  const double var = std::max(0.0, ((b + c) - (c - b) * (c - b) / dn) / (dn * dn));
  normal_interval(e, std::sqrt(var));
  const std::int64_t discordant = n10 + n01;
  if (discordant == 0) {
    e.p_value = 1.0;
  } else if (discordant < MCNEMAR_EXACT_BELOW) {
    e.p_value = binomial_half_two_sided_p(n01, discordant);
    e.method = "paired proportions (Wald CI), McNemar exact binomial test";
  } else {
    const double chi2 = (c - b) * (c - b) / (b + c);
    e.p_value = std::erfc(std::sqrt(chi2 / 2.0));
    e.method = "paired proportions (Wald CI), McNemar chi-square test";
  }
  return e;
}

Estimate unpaired_proportion(std::int64_t n, std::int64_t n11, std::int64_t n10, std::int64_t n01)
{
  Estimate e;
  e.method = "independent proportions (Wald CI, z-test)";
  const double dn = static_cast<double>(n);
  e.baseline = static_cast<double>(n11 + n10) / dn;
  e.variant = static_cast<double>(n11 + n01) / dn;
  e.difference = e.variant - e.baseline;
  const double var = e.baseline * (1 - e.baseline) / dn + e.variant * (1 - e.variant) / dn;
  normal_interval(e, std::sqrt(var));
  return e;
}

Estimate paired_mean(double n, double mean_b, double mean_v, double var_diff)
{
  Estimate e;
  e.method = "paired mean difference (normal CI, z-test on per-agent differences)";
  e.baseline = mean_b;
  e.variant = mean_v;
  e.difference = mean_v - mean_b;
  if (n < 2) {
    e.ci_low = e.ci_high = e.p_value = NaN;
    return e;
  }
  normal_interval(e, std::sqrt(std::max(0.0, var_diff) / n));
  return e;
}

Estimate ratio_difference(const RatioMoments& m)
{
  Estimate e;
  e.method = "ratio of sums, delta method on paired per-agent sums (normal CI, z-test)";
  const double xv = m.mean[1], xb = m.mean[3];
  e.variant = xv != 0.0 ? m.mean[0] / xv : NaN;
  e.baseline = xb != 0.0 ? m.mean[2] / xb : NaN;
  e.difference = e.variant - e.baseline;
  if (std::isnan(e.difference) || m.n < 2) {
    e.ci_low = e.ci_high = e.p_value = NaN;
    return e;
  }
  const std::array<double, 4> a = {1.0 / xv, -e.variant / xv, -1.0 / xb, e.baseline / xb};
  double var = 0.0, scale = 0.0;
  for (std::size_t i = 0; i < 4; ++i) {
    scale += a[i] * a[i] * m.cov[i][i];
    for (std::size_t j = 0; j < 4; ++j)
      var += a[i] * a[j] * m.cov[i][j];
  }
  // When the variant changes nothing the terms cancel exactly in theory; what
  // is left is rounding noise, not a variance.
  if (var < 1e-12 * scale)
    var = 0.0;
  normal_interval(e, std::sqrt(var / m.n));
  return e;
}

Estimate scaled(Estimate e, double f)
{
  e.baseline *= f;
  e.variant *= f;
  e.difference *= f;
  e.ci_low *= f;
  e.ci_high *= f;
  if (f < 0)
    std::swap(e.ci_low, e.ci_high);
  return e;
}

Estimate affine(Estimate e, double add, double sign)
{
  e.baseline = add + sign * e.baseline;
  e.variant = add + sign * e.variant;
  e.difference *= sign;
  e.ci_low *= sign;
  e.ci_high *= sign;
  if (sign < 0)
    std::swap(e.ci_low, e.ci_high);
  return e;
}

} // namespace journeysim::analysis
