#pragma once
//! How many quiet days come before the next eventful one (MODEL.md
//! "Randomness": the Event block's first word). Each day is quiet with
//! probability q, so P(G ≥ g) = q^g, and G = ⌊log u / log q⌋ — stream 1
//! divides by log q, streams 2 and 3 multiply by its reciprocal.

#include "journeysim/rng/philox.h"

#include <cmath>
#include <cstdint>

namespace journeysim::quiet_days {

//! Whether a one-day segment's day is quiet (G ≥ 1) where that is clear
//! without a logarithm: 1 quiet, 0 eventful, −1 undecided. G ≥ 1 means
//! log u / log q ≥ 1, which for real numbers is u ≤ q. The computed quotient
//! errs by a relative 4·2^-52 at most (each log within an ulp, one division
//! or reciprocal and product); with u in [2^-33, 1 − 2^-33] and |u − q| >
//! 1e-9·q the exact quotient is at least 1.3e-12 away from 1. So outside that
//! band the comparison gives the formula's answer bit for bit, in either
//! stream; inside it (about one day in 5·10^8) the caller computes it.
//! One-day segments are the days of a budgeted touchpoint (its pacing moves
//! daily) and of a trigger's day: most of a budgeted stage's walk.
[[gnu::always_inline]] inline int one_day(double quiet, std::uint32_t word) noexcept
{
  const double u = rng::to_unit(word);
  if (u < quiet * (1.0 - 1e-9))
    return 1;
  if (u > quiet * (1.0 + 1e-9))
    return 0;
  return -1; // also where quiet is NaN
}

//! G by stream 1's formula, given log q.
[[gnu::always_inline]] inline double by_division(std::uint32_t word, double log_quiet) noexcept
{
  return std::floor(std::log(rng::to_unit(word)) / log_quiet);
}

//! G by stream 2's and 3's formula, given 1 / log q.
[[gnu::always_inline]] inline double by_reciprocal(std::uint32_t word, double inverse_log_quiet) noexcept
{
  return std::floor(std::log(rng::to_unit(word)) * inverse_log_quiet);
}

} // namespace journeysim::quiet_days
