// The quiet-day draw (engine/quiet_days.h): the one-day shortcut decides
// G ≥ 1 by comparing u with q and must agree, bit for bit, with both streams'
// formulas wherever it decides; where u and q are a few ulps apart it must
// leave the decision to the formula, which there may disagree with u ≤ q.
// Stream 4's cumulative draw over days whose chances differ must give
// P(G ≥ g) = Π q and find each stretch's quiet days exactly.

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

namespace {

//! Days of a segment whose chances change: stretches of (quiet chance, days).
struct Stretch {
  double q;
  int days;
};

//! Quiet days before the first eventful one, each stretch taken at once or,
//! with `day_by_day`, one day at a time.
int quiet_run(std::uint32_t word, const std::vector<Stretch>& stretches, bool day_by_day)
{
  quiet_days::Cumulative run(word);
  int total = 0;
  for (const Stretch& s : stretches)
    for (int left = s.days; left > 0;) {
      const int days = day_by_day ? 1 : left;
      const int g = run.quiet(std::log(s.q), days);
      total += g;
      if (g < days)
        return total;
      left -= days;
    }
  return total;
}

} // namespace

TEST_CASE("quiet days, stream 4: one word over days whose chances differ gives P(G >= g) = prod q",
          "[engine][quiet-days]")
{
  // A budget's daily days, a campaign's long stretches, a day nothing can
  // happen (q = 1) and one an event must (q = 0).
  const std::vector<Stretch> stretches = {{0.97, 1}, {0.9, 1},  {0.99, 5}, {0.5, 1},
                                          {1.0, 3},  {0.95, 10}, {0.8, 1},  {0.0, 2}};
  std::vector<double> q_of_day;
  for (const Stretch& s : stretches)
    q_of_day.insert(q_of_day.end(), static_cast<std::size_t>(s.days), s.q);
  const int days = static_cast<int>(q_of_day.size());

  const int N = 1 << 20;
  std::vector<long> at_least(static_cast<std::size_t>(days) + 1, 0);
  long differ = 0;
  for (int i = 0; i < N; ++i) {
    const auto word = static_cast<std::uint32_t>((static_cast<std::uint64_t>(i) << 12) + 2048);
    const int g = quiet_run(word, stretches, false);
    REQUIRE(g >= 0);
    REQUIRE(g <= days - 2); // the q = 0 stretch ends every run on its first day
    for (int k = 0; k <= g; ++k)
      ++at_least[static_cast<std::size_t>(k)];
    differ += g != quiet_run(word, stretches, true);
  }
  double survive = 1.0;
  for (int k = 0; k <= days; ++k) {
    INFO("G >= " << k);
    CHECK(static_cast<double>(at_least[static_cast<std::size_t>(k)]) / N == Approx(survive).margin(2.0 / N));
    if (k < days)
      survive *= q_of_day[static_cast<std::size_t>(k)];
  }
  // Taking a stretch at once or day by day differs only by rounding (Λ +
  // k·log q against k additions): on this grid, nowhere.
  CHECK(differ == 0);
}

TEST_CASE("quiet days, stream 4: a stretch's quiet days are the largest k with t <= Λ + k log q",
          "[engine][quiet-days]")
{
  // Straight from the definition, on long stretches, half of them with log q
  // within a few ulps of t / j, where the quotient's floor is off by one and
  // must be corrected by stepping.
  std::mt19937 gen(7);
  long near = 0, corrected = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    const auto word = static_cast<std::uint32_t>(gen());
    const double t = std::log(rng::to_unit(word));
    const int days = 1 + static_cast<int>(gen() % 400);
    double log_q = -std::ldexp(1.0, -static_cast<int>(gen() % 40)) * (1.0 + (gen() % 1000) / 1000.0);
    if (trial % 2) {
      const int j = 1 + static_cast<int>(gen() % static_cast<unsigned>(days));
      log_q = t / j * (1.0 + std::ldexp(static_cast<double>(static_cast<int>(gen() % 9) - 4), -52));
      ++near;
    }
    quiet_days::Cumulative run(word);
    const int k = run.quiet(log_q, days);
    const double guess = std::floor(t / log_q);
    corrected += guess < days && static_cast<double>(k) != guess;
    INFO("word " << word << ", log q " << log_q << ", days " << days << ", k " << k);
    REQUIRE(k >= 0);
    REQUIRE(k <= days);
    if (k > 0)
      CHECK(t <= static_cast<double>(k) * log_q);
    if (k < days)
      CHECK_FALSE(t <= static_cast<double>(k + 1) * log_q);
  }  CHECK(near == 10000);
  CHECK(corrected > 20); // the stepping is exercised (74 times)
}
