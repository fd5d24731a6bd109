// Distributions sample what they say: moments of each kind, and the fast
// whole-number beta agrees with Boost's beta_distribution.

#include "journeysim/scenario/distribution.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace journeysim;

namespace {
struct Moments {
  double mean, var;
};

Moments sample(const Distribution& d, int n = 200000)
{
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    rng::StreamEngine eng(3, static_cast<std::uint64_t>(i), rng::Purpose::Attribute, 17);
    const double x = d.sample(eng);
    s += x;
    s2 += x * x;
  }
  return {s / n, s2 / n - (s / n) * (s / n)};
}


void check_beta(double a, double b)
{
  const Moments m = sample(Distribution::of(Distribution::Kind::Beta, a, b));
  const double mean = a / (a + b), var = a * b / ((a + b) * (a + b) * (a + b + 1));
  INFO("beta(" << a << ", " << b << ")");
  CHECK(std::abs(m.mean - mean) < 4.5 * std::sqrt(var / 200000));
  CHECK(m.var == Approx(var).epsilon(0.02));
}
} // namespace

TEST_CASE("beta: whole-number shapes (Erlang) and others (Boost) have the right moments", "[distribution]")
{
  check_beta(2, 4);
  check_beta(6, 2);
  check_beta(1, 1);
  check_beta(16, 3);
  check_beta(2.5, 3.5);
  check_beta(0.5, 0.5);
}

TEST_CASE("uniform, normal, lognormal, fixed and clipping", "[distribution]")
{
  const Moments u = sample(Distribution::of(Distribution::Kind::Uniform, 2, 6));
  CHECK(std::abs(u.mean - 4) < 0.02);
  CHECK(u.var == Approx(16.0 / 12).epsilon(0.02));
  const Moments n = sample(Distribution::of(Distribution::Kind::Normal, 10, 2));
  CHECK(std::abs(n.mean - 10) < 0.02);
  CHECK(n.var == Approx(4).epsilon(0.02));
  const Moments ln = sample(Distribution::of(Distribution::Kind::Lognormal, 1, 0.5));
  CHECK(ln.mean == Approx(std::exp(1 + 0.125)).epsilon(0.01));
  CHECK(sample(Distribution::fixed(3.5), 10).mean == 3.5);
  Distribution clipped = Distribution::of(Distribution::Kind::Normal, 0, 1);
  clipped.min = 0;
  clipped.max = 0.5;
  CHECK(clipped.lowest() == 0);
  CHECK(clipped.highest() == 0.5);
  const Moments c = sample(clipped);
  CHECK(c.mean > 0.2); // half the mass piles at 0, the upper tail at 0.5
  CHECK(c.mean < 0.3);
}

TEST_CASE("choice picks labels by weight", "[distribution]")
{
  Distribution d = Distribution::of(Distribution::Kind::Choice, 0, 0);
  d.labels = {"a", "b", "c"};
  d.weights = {1, 0, 3};
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 100000; ++i) {
    rng::StreamEngine eng(1, static_cast<std::uint64_t>(i), rng::Purpose::Attribute, 5);
    counts[static_cast<int>(d.sample(eng))]++;
  }
  CHECK(counts[1] == 0);
  CHECK(std::abs(counts[0] / 100000.0 - 0.25) < 4.5 * std::sqrt(0.25 * 0.75 / 100000));
}

TEST_CASE("beta with tiny shapes never gives NaN (both gammas underflow)", "[distribution]")
{
  // beta: [0.001, 0.001] gave NaN for 22 % of draws (0/0). Its draws are
  // almost all at 0 or 1, each with probability a / (a + b) = 1/2.
  const Distribution d = Distribution::of(Distribution::Kind::Beta, 0.001, 0.001);
  constexpr int n = 100000;
  int nan = 0, high = 0;
  for (int i = 0; i < n; ++i) {
    rng::StreamEngine eng(3, static_cast<std::uint64_t>(i), rng::Purpose::Attribute, 17);
    const double x = d.sample(eng);
    nan += std::isnan(x) || x < 0 || x > 1;
    high += x > 0.5;
  }
  CHECK(nan == 0);
  // Binomial(n, 1/2): sd = 158; 5 sd.
  CHECK(std::abs(high - n / 2) < 5 * 158);
  check_beta(0.3, 0.7); // the non-underflowing path is unchanged
}
