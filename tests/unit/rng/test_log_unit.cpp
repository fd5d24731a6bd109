#include "journeysim/rng/log_unit.h"
#include "journeysim/rng/philox.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>

using namespace journeysim::rng;

namespace {
//! Distance from libm's log, which is correctly rounded to within an ulp.
double error_at(std::uint32_t w) { return std::abs(log_unit(w) - std::log(to_unit(w))); }
} // namespace

TEST_CASE("log_unit is log(to_unit(w)) to 4e-15 over the words", "[rng]")
{
  // The edges: the smallest and largest words, the table's cell boundaries
  // around 2^31 and every power of two (a new exponent).
  for (std::uint32_t w : {0u, 1u, 2u, 3u, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu})
    CHECK(error_at(w) < 4e-15);
  for (int k = 0; k < 32; ++k) {
    const std::uint32_t p = std::uint32_t{1} << k;
    CHECK(error_at(p) < 4e-15);
    CHECK(error_at(p - 1) < 4e-15);
  }
  // A dense sample: 2^32 / 4099 words spread over all cells and exponents.
  double worst = 0.0;
  for (std::uint64_t w = 0; w < (std::uint64_t{1} << 32); w += 4099)
    worst = std::max(worst, error_at(static_cast<std::uint32_t>(w)));
  CHECK(worst < 4e-15);
  CHECK(worst > 0.0); // the sample does reach words where the two roundings differ
  // Always negative: u < 1, also for the largest word (u = 1 − 2^-33).
  CHECK(log_unit(0xffffffffu) < 0.0);
  CHECK(log_unit(0xffffffffu) == Approx(-0x1p-33).epsilon(1e-9));
}
