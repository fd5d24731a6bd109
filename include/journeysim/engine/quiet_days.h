#pragma once
//! How many quiet days come before the next eventful one (MODEL.md
//! "Randomness": the Event block's first word). Each day is quiet with
//! probability q, so P(G ≥ g) = q^g, and G = ⌊log u / log q⌋ — stream 1
//! divides by log q, streams 2 to 4 multiply by its reciprocal. Where q
//! changes from day to day within a segment (a budget, a campaign), stream 4
//! sums the days' log q instead (Cumulative).

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

//! G by the formula of streams 2 to 4, given 1 / log q.
[[gnu::always_inline]] inline double by_reciprocal(std::uint32_t word, double inverse_log_quiet) noexcept
{
  return std::floor(std::log(rng::to_unit(word)) * inverse_log_quiet);
}

//! Stream 4: the quiet days of a segment whose days differ, from one word.
//! With t = log u and Λ the sum of log q over the days already quiet, the
//! next day is quiet while t ≤ Λ + log q; so P(the first k days are quiet) =
//! P(u ≤ Π q) = Π q, whatever the q. In a stretch of L equal days the quiet
//! ones are the largest k ≤ L with t ≤ Λ + k·log q (as computed in double),
//! found without walking them; Λ + L·log q is Λ after it.
class Cumulative {
public:
  explicit Cumulative(std::uint32_t word) noexcept : t_(std::log(rng::to_unit(word))) {}

  //! Of the next `days` (≥ 1) days, each quiet with probability e^log_q
  //! (log_q ≤ 0, −∞ for an event for sure): how many are quiet before the
  //! first eventful one (`days` if all are).
  int quiet(double log_q, int days) noexcept
  {
    if (days == 1) [[likely]] { // a budgeted stage: its pacing moves daily
      const double next = lambda_ + log_q;
      if (t_ > next)
        return 0;
      lambda_ = next;
      return 1;
    }
    if (log_q == 0.0) // nothing can happen: Λ + k·0 = Λ ≥ t
      return days;
    const auto holds = [&](int k) { return t_ <= lambda_ + static_cast<double>(k) * log_q; };
    // The quotient's floor is within a day of the answer (rounding); step
    // to it exactly. (t − Λ ≤ 0 and log_q < 0: the quotient is ≥ 0.)
    const double guess = std::floor((t_ - lambda_) / log_q);
    int k = guess >= days ? days : static_cast<int>(guess);
    while (k < days && holds(k + 1))
      ++k;
    while (k > 0 && !holds(k))
      --k;
    if (k == days)
      lambda_ += static_cast<double>(days) * log_q;
    return k;
  }

private:
  double t_;
  double lambda_ = 0.0;
};

} // namespace journeysim::quiet_days
