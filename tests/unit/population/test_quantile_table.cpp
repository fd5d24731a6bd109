#include "journeysim/population/quantile_table.h"
#include "journeysim/population/quantile_tables.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

using namespace journeysim;

namespace {

double unit(std::uint32_t word)
{
  return (static_cast<double>(word) + 0.5) * 0x1p-32;
}
} // namespace

// The table's contract: for every word, F(draw) is within 2⁻³² of the
// word's u (checked at the steps' quarter points when built; here on a
// dense, unrelated set of words, the tails' first and last 2¹⁴ words
// included) — beyond what rounding the exact quantile to a double already
// misses (near 1, 1 − 10⁻¹⁸ is 1) — and draws never decrease with the word.
TEST_CASE("a quantile table's draws are the quantiles of their words within 2^-32 in u", "[population]")
{
  using K = Distribution::Kind;
  struct Case {
    const char* name;
    Distribution d;
  };
  const Case cases[] = {
    {"beta(6, 2)", Distribution::of(K::Beta, 6, 2)},
    {"beta(2, 4)", Distribution::of(K::Beta, 2, 4)},
    {"beta(3, 3)", Distribution::of(K::Beta, 3, 3)},
    {"beta(0.5, 0.5)", Distribution::of(K::Beta, 0.5, 0.5)},
    {"beta(0.1, 3)", Distribution::of(K::Beta, 0.1, 3)},
    {"beta(30, 0.7)", Distribution::of(K::Beta, 30, 0.7)},
    {"normal(22, 3)", Distribution::of(K::Normal, 22, 3)},
    {"lognormal(3.3, 0.5)", Distribution::of(K::Lognormal, 3.3, 0.5)},
    {"lognormal(0, 2)", Distribution::of(K::Lognormal, 0, 2)},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    REQUIRE(QuantileTable::tabulates(c.d));
    const QuantileTable table(c.d);
    CHECK(table.covers());
    CHECK(table.exact_mass() < 1e-6); // almost every draw is a look-up
    double worst = 0.0, previous = -INFINITY;
    bool monotone = true;
    auto check = [&](std::uint32_t w) {
      const double x = table(w);
      double miss = std::abs(table.cdf(x) - unit(w));
      if (miss > QuantileTable::TOLERANCE)
        miss -= std::abs(table.cdf(table.quantile(unit(w))) - unit(w));
      worst = std::max(worst, miss);
      monotone = monotone && x >= previous;
      previous = x;
    };
    constexpr std::uint64_t END = std::uint64_t{1} << 32, TAIL = 1u << 14;
    for (std::uint32_t w = 0; w < TAIL; ++w)
      check(w);
    for (std::uint64_t w = TAIL; w < END - TAIL; w += 16381) // a prime stride: every step, any offset
      check(static_cast<std::uint32_t>(w));
    for (std::uint64_t w = END - TAIL; w < END; ++w)
      check(static_cast<std::uint32_t>(w));
    CHECK(worst <= 2 * QuantileTable::TOLERANCE);
    CHECK(monotone);
  }
}

TEST_CASE("a quantile table clips to the distribution's min and max and support", "[population]")
{
  Distribution d = Distribution::of(Distribution::Kind::Normal, 22, 3);
  d.min = 16;
  d.max = 30;
  const QuantileTable table(d);
  CHECK(table(0) == 16.0);
  CHECK(table(0xFFFFFFFFu) == 30.0);
  CHECK(table(1u << 31) == Approx(22.0).margin(1e-8)); // u = ½ + 2⁻³³: the median
  const QuantileTable beta(Distribution::of(Distribution::Kind::Beta, 2, 4));
  CHECK(beta(0) >= 0.0);
  CHECK(beta(0xFFFFFFFFu) <= 1.0);
}

TEST_CASE("only betas, and normals and lognormals with a spread, are tabulated", "[population]")
{
  using K = Distribution::Kind;
  CHECK(QuantileTable::tabulates(Distribution::of(K::Beta, 1, 1)));
  CHECK_FALSE(QuantileTable::tabulates(Distribution::of(K::Normal, 1, 0)));
  CHECK_FALSE(QuantileTable::tabulates(Distribution::of(K::Lognormal, 1, 0)));
  CHECK_FALSE(QuantileTable::tabulates(Distribution::of(K::Uniform, 0, 1)));
  CHECK_FALSE(QuantileTable::tabulates(Distribution::fixed(3)));
}

TEST_CASE("quantile tables are built once per distribution and shared", "[population]")
{
  using K = Distribution::Kind;
  QuantileTables tables;
  const auto a = tables.get(Distribution::of(K::Beta, 2, 4));
  CHECK(tables.get(Distribution::of(K::Beta, 2, 4)) == a);
  CHECK(tables.get(Distribution::of(K::Beta, 4, 2)) != a);
  Distribution clipped = Distribution::of(K::Beta, 2, 4);
  clipped.max = 0.5;
  const auto c = tables.get(clipped);
  CHECK(c != a);
  CHECK((*c)(0xFFFFFFFFu) == 0.5);
  CHECK((*a)(0xFFFFFFFFu) > 0.9);
}

TEST_CASE("a distribution no cubic follows is not tabulated, and its build stops early", "[population]")
{
  using K = Distribution::Kind;
  // A spread far below the rounding of its values, and extreme shapes: every
  // step would split to the bottom, 16⁴ steps each, and still miss.
  for (const Distribution& d : {Distribution::of(K::Normal, 1e6, 1e-9), Distribution::of(K::Beta, 1e-3, 1e3),
                                Distribution::of(K::Beta, 1e3, 1e-3), Distribution::of(K::Beta, 1e-300, 1e300)}) {
    const QuantileTable table(d);
    CHECK_FALSE(table.covers());
    CHECK(table.steps() < 8192); // stopped early: too much work, or too much mass drawn exactly
  }
  CHECK(QuantileTable(Distribution::of(K::Lognormal, 0, 10)).covers()); // wide, but smooth in u
}
