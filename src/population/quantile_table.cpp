#include "journeysim/population/quantile_table.h"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>

namespace journeysim {

namespace {
// Tails and poles give infinities, not exceptions: the table treats a step
// with a non-finite end as one to split or to draw exactly.
using Policy = boost::math::policies::policy<
  boost::math::policies::domain_error<boost::math::policies::ignore_error>,
  boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
  boost::math::policies::pole_error<boost::math::policies::ignore_error>,
  boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

template <class F> double on_distribution(const Distribution& d, F&& f)
{
  using K = Distribution::Kind;
  switch (d.kind) {
  case K::Beta: return f(boost::math::beta_distribution<double, Policy>(d.a, d.b));
  case K::Normal: return f(boost::math::normal_distribution<double, Policy>(d.a, d.b));
  case K::Lognormal: return f(boost::math::lognormal_distribution<double, Policy>(d.a, d.b));
  default: break;
  }
  return std::numeric_limits<double>::quiet_NaN();
}
} // namespace

bool QuantileTable::tabulates(const Distribution& d)
{
  using K = Distribution::Kind;
  return d.kind == K::Beta || ((d.kind == K::Normal || d.kind == K::Lognormal) && d.b > 0.0);
}

double QuantileTable::quantile(double u) const
{
  return on_distribution(d_, [u](const auto& dist) { return boost::math::quantile(dist, u); });
}

double QuantileTable::cdf(double x) const
{
  return on_distribution(d_, [x](const auto& dist) { return boost::math::cdf(dist, x); });
}

double QuantileTable::pdf(double x) const
{
  return on_distribution(d_, [x](const auto& dist) { return boost::math::pdf(dist, x); });
}

double QuantileTable::clip(double x) const
{
  return std::clamp(x, lowest_, highest_);
}

QuantileTable::QuantileTable(const Distribution& d) : d_(d), lowest_(d.lowest()), highest_(d.highest())
{
  for (int depth = 0; depth <= MAX_DEPTH; ++depth)
    step_scale_[depth] = std::ldexp(1.0, -(32 - TOP_BITS - SPLIT_BITS * depth));
  constexpr std::size_t N = std::size_t{1} << TOP_BITS;
  steps_.resize(N);
  next_.resize(N, EXACT);
  Knot lo = knot(0.0);
  for (std::size_t i = 0; i < N && covers_; ++i) {
    const Knot hi = knot(static_cast<double>(i + 1) / N);
    build(i, lo, hi, 0);
    lo = hi;
  }
}

QuantileTable::Knot QuantileTable::knot(double u)
{
  evaluations_ += 2;
  const double q = quantile(u);
  return {u, q, 1.0 / pdf(q)};
}

QuantileTable::Knot QuantileTable::knot(double u, double guess, double lo, double hi)
{
  // A beta's quantile (an inverse incomplete beta function) costs as much as
  // four Newton steps on F(x) = u; from the parent step's interpolant (close:
  // it missed by little more than TOLERANCE) one or two do. Boost's quantile
  // where they do not settle inside the step, and for the other kinds.
  double x = d_.kind == Distribution::Kind::Beta ? guess : NAN;
  for (int i = 0; i < 4 && x >= lo && x <= hi; ++i) {
    evaluations_ += 2;
    const double f = pdf(x), miss = cdf(x) - u;
    if (std::abs(miss) <= 1e-3 * TOLERANCE)
      return {u, x, 1.0 / f};
    x -= miss / f;
  }
  return knot(u);
}

void QuantileTable::build(std::size_t node, const Knot& k0, const Knot& k1, int depth)
{
  const double u0 = k0.u, h = k1.u - k0.u;
  covers_ = covers_ && exact_mass_ <= MAX_EXACT_MASS && evaluations_ <= MAX_EVALUATIONS;
  if (!covers_) { // no use going on: the distribution is drawn otherwise
    next_[node] = EXACT;
    return;
  }
  const double q0 = k0.q, q1 = k1.q;
  const double m0 = h * k0.slope, m1 = h * k1.slope; // dQ/dt = h / f(Q)
  bool fits = std::isfinite(q0) && std::isfinite(q1) && std::isfinite(m0) && std::isfinite(m1);
  Step s{};
  if (fits) {
    s = {q0, m0, 3.0 * (q1 - q0) - 2.0 * m0 - m1, 2.0 * (q0 - q1) + m0 + m1};
    for (double t : {0.25, 0.5, 0.75}) {
      // Outside the support F is NaN: the check fails and the step splits.
      const double x = ((s.c3 * t + s.c2) * t + s.c1) * t + s.c0;
      ++evaluations_;
      if (!(std::abs(cdf(x) - (u0 + t * h)) <= TOLERANCE)) {
        fits = false;
        break;
      }
    }
  }
  if (fits) {
    steps_[node] = s;
    next_[node] = LEAF;
    return;
  }
  constexpr std::size_t K = std::size_t{1} << SPLIT_BITS;
  if (depth == MAX_DEPTH || steps_.size() + K > MAX_STEPS) {
    next_[node] = EXACT;
    exact_mass_ += h;
    return;
  }
  const std::size_t first = steps_.size();
  next_[node] = static_cast<std::int32_t>(first);
  steps_.resize(first + K);
  next_.resize(first + K);
  Knot lo = k0;
  for (std::size_t k = 0; k < K; ++k) {
    const double t = static_cast<double>(k + 1) / K;
    const double guess = ((s.c3 * t + s.c2) * t + s.c1) * t + s.c0; // NaN if there is no interpolant
    const Knot hi = k + 1 == K ? k1 : knot(u0 + h * t, guess, std::min(q0, q1), std::max(q0, q1));
    build(first + k, lo, hi, depth + 1);
    lo = hi;
  }
}

std::size_t QuantileTable::steps() const
{
  return static_cast<std::size_t>(std::count(next_.begin(), next_.end(), LEAF));
}

} // namespace journeysim
