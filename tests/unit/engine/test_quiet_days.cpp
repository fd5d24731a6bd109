// The quiet-day draw (engine/quiet_days.h): the one-day shortcut decides
// G ≥ 1 by comparing u with q and must agree, bit for bit, with both streams'
// formulas wherever it decides; where u and q are a few ulps apart it must
// leave the decision to the formula, which there may disagree with u ≤ q.

#include "journeysim/engine/quiet_days.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using namespace journeysim;

namespace {

struct Tally {
  long decided = 0, undecided = 0, naive_wrong = 0;
};

//! Checks one (q, word) pair against the formulas of streams 1 and 2/3.
void check(double q, std::uint32_t word, Tally& t)
{
  const double log_q = std::log(q);
  const bool by_division = quiet_days::by_division(word, log_q) >= 1.0;
  const bool by_reciprocal = quiet_days::by_reciprocal(word, 1.0 / log_q) >= 1.0;
  const bool naive = rng::to_unit(word) <= q;
  t.naive_wrong += (naive != by_division) + (naive != by_reciprocal);
  const int d = quiet_days::one_day(q, word);
  if (d < 0) {
    ++t.undecided;
    return;
  }
  ++t.decided;
  INFO("q = " << q << ", word = " << word);
  REQUIRE((d == 1) == by_division);
  REQUIRE((d == 1) == by_reciprocal);
}

//! The word whose uniform lies nearest below q.
std::uint32_t word_below(double q)
{
  const double w = std::floor(q * 0x1p32 - 0.5);
  return static_cast<std::uint32_t>(std::clamp(w, 0.0, 4294967295.0));
}

} // namespace

TEST_CASE("quiet days: the one-day shortcut agrees with the formula wherever it decides", "[engine][quiet-days]")
{
  Tally t, anywhere;
  std::mt19937_64 gen(42);
  std::uniform_real_distribution<double> exponent(-40.0, 0.0);
  std::uniform_int_distribution<std::uint32_t> any_word;
  std::vector<double> qs = {0.5, 0.9, 0.99, 1.0 - 1e-6, 1.0 - 1e-9, 1.0 - 0x1p-33, 0x1p-33, 1e-12, 1e-300};
  for (int i = 0; i < 2000; ++i)
    qs.push_back(std::pow(2.0, exponent(gen))); // log-uniform over (2^-40, 1)
  for (const double q : qs) {
    // The words around q and a few anywhere.
    const std::uint32_t near = word_below(q);
    for (std::int64_t k = -50; k <= 50; ++k) {
      const std::int64_t w = static_cast<std::int64_t>(near) + k;
      if (w >= 0 && w <= 0xFFFFFFFF)
        check(q, static_cast<std::uint32_t>(w), t);
    }
    for (int k = 0; k < 20; ++k)
      check(q, any_word(gen), anywhere);
  }
  // The band is ±1e-9·q, ±4.3·q words around q: a few of the near ones,
  // none of the others (a day in 5·10^8).
  CHECK(t.decided > 150000);
  CHECK(t.undecided <= static_cast<long>(5 * qs.size()));
  CHECK(anywhere.decided == static_cast<long>(20 * qs.size()));
}

TEST_CASE("quiet days: a few ulps from a word's uniform the shortcut leaves it to the formula",
          "[engine][quiet-days]")
{
  // q within a few ulps of the uniform of word w: there rounding decides,
  // and a plain u <= q comparison disagrees with the formula for some q.
  Tally t;
  for (std::uint64_t i = 0; i < 500; ++i) {
    const auto w = static_cast<std::uint32_t>(1000 + i * 8589869u); // spread over the words
    const double u = rng::to_unit(w);
    double q = u;
    for (int k = 0; k < 8; ++k)
      q = std::nextafter(q, 0.0);
    for (int k = 0; k < 16; ++k, q = std::nextafter(q, 1.0)) {
      check(q, w, t);
      CHECK(quiet_days::one_day(q, w) == -1);
    }
  }
  CHECK(t.undecided > 1000);
  CHECK(t.naive_wrong > 0); // why the band is needed
}

TEST_CASE("quiet days: G follows P(G >= g) = q^g", "[engine][quiet-days]")
{
  // Every word of a 2^20-point grid: the fraction with G ≥ g is q^g to the
  // grid's resolution, for both formulas.
  const double q = 0.8;
  const int N = 1 << 20;
  std::vector<long> at_least(6, 0), at_least_v1(6, 0);
  for (int i = 0; i < N; ++i) {
    const auto word = static_cast<std::uint32_t>(static_cast<std::uint64_t>(i) << 12);
    const double g = quiet_days::by_reciprocal(word, 1.0 / std::log(q));
    const double g1 = quiet_days::by_division(word, std::log(q));
    for (int k = 0; k < 6; ++k) {
      at_least[static_cast<std::size_t>(k)] += g >= k;
      at_least_v1[static_cast<std::size_t>(k)] += g1 >= k;
    }
  }
  for (int k = 0; k < 6; ++k) {
    CHECK(static_cast<double>(at_least[static_cast<std::size_t>(k)]) / N == Approx(std::pow(q, k)).margin(2.0 / N));
    CHECK(static_cast<double>(at_least_v1[static_cast<std::size_t>(k)]) / N == Approx(std::pow(q, k)).margin(2.0 / N));
  }
}
