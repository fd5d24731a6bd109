#include "journeysim/rng/stream.h"

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

using namespace journeysim::rng;

TEST_CASE("Philox4x32-10 matches the Random123 known-answer vectors", "[rng]")
{
  CHECK(philox4x32({0, 0, 0, 0}, {0, 0}) == Counter{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u});
  CHECK(philox4x32({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu}) ==
        Counter{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu});
  CHECK(philox4x32({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u}) ==
        Counter{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u});
}

TEST_CASE("Philox4x32-7 (random stream 2) matches the Random123 known-answer vectors", "[rng]")
{
  CHECK(philox4x32<7>({0, 0, 0, 0}, {0, 0}) == Counter{0x5f6fb709u, 0x0d893f64u, 0x4f121f81u, 0x4f730a48u});
  CHECK(philox4x32<7>({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu}) ==
        Counter{0x5207ddc2u, 0x45165e59u, 0x4d8ee751u, 0x8c52f662u});
  CHECK(philox4x32<7>({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u}) ==
        Counter{0x4dfccabau, 0x190a87f0u, 0xc47362bau, 0xb6b5242au});
  // A block's address is the same under both streams; only the rounds differ.
  const Counter c = counter(7, 8, Purpose::Event, 9);
  CHECK(block(7, 3, Purpose::Event, 8, 9, Stream::v1) == philox4x32<10>(c, agent_key(3)));
  CHECK(block(7, 3, Purpose::Event, 8, 9, Stream::v2) == philox4x32<7>(c, agent_key(3)));
  StreamEngine one(7, 3, Purpose::Event, 8, 9, Stream::v1), two(7, 3, Purpose::Event, 8, 9, Stream::v2);
  CHECK(one() == philox4x32<10>(c, agent_key(3))[0]);
  CHECK(two() == philox4x32<7>(c, agent_key(3))[0]);
}

TEST_CASE("bernoulli and to_unit cover the edges exactly", "[rng]")
{
  CHECK_FALSE(bernoulli(0, 0.0));
  CHECK(bernoulli(0xffffffffu, 1.0));
  CHECK(bernoulli(0, 1e-9));
  CHECK(to_unit(0) > 0.0);
  CHECK(to_unit(0xffffffffu) < 1.0);
}

TEST_CASE("keyed blocks differ in every field of the address", "[rng]")
{
  std::set<Counter> seen;
  seen.insert(block(1, 2, Purpose::Touch, 3, 4));
  seen.insert(block(9, 2, Purpose::Touch, 3, 4));
  seen.insert(block(1, 9, Purpose::Touch, 3, 4));
  seen.insert(block(1, 2, Purpose::Event, 3, 4));
  seen.insert(block(1, 2, Purpose::Touch, 9, 4));
  seen.insert(block(1, 2, Purpose::Touch, 3, 9));
  seen.insert(block(1ull << 32, 2, Purpose::Touch, 3, 4)); // high seed bits matter
  CHECK(seen.size() == 7);
  CHECK(block(1, 2, Purpose::Touch, 3, 4) == block(1, 2, Purpose::Touch, 3, 4));
}

TEST_CASE("StreamEngine models Boost's engine concept and gives uniform output", "[rng]")
{
  StreamEngine eng(42, 7, Purpose::Attribute, name_hash("age"));
  boost::random::uniform_01<double> u01;
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = u01(eng);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  CHECK(std::abs(mean - 0.5) < 4.5 * std::sqrt(1.0 / 12 / n));
  CHECK(var == Approx(1.0 / 12).epsilon(0.01));

  boost::random::normal_distribution<double> normal(10.0, 2.0);
  double s = 0;
  for (int i = 0; i < n; ++i)
    s += normal(eng);
  CHECK(std::abs(s / n - 10.0) < 4.5 * 2.0 / std::sqrt(n));

  // Restarting the same address replays the same numbers.
  StreamEngine a(1, 2, Purpose::Basket, 3), b(1, 2, Purpose::Basket, 3);
  for (int i = 0; i < 10; ++i)
    CHECK(a() == b());
}

TEST_CASE("name_hash is FNV-1a", "[rng]")
{
  CHECK(name_hash("") == 2166136261u);
  CHECK(name_hash("a") == 0xe40c292cu);
}
