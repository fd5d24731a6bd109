#pragma once
//! log(to_unit(w)) without libm, for random stream 2: the quiet-day skip
//! takes one logarithm per segment, the most frequent transcendental call of
//! a run. Table-driven (Tang's method, as glibc's own log): the word's
//! exponent, a 128-entry table of 1/c and −log(1/c) for the leading mantissa
//! bits, and a degree-6 polynomial for log1p of the remainder. Absolute error
//! below 4e-15 (an ulp of the largest result, |log u| < 23; test_log_unit
//! checks a dense sample and the edges), so ⌊log u / log q⌋ differs from the
//! exact value only where the quotient is within ~1e-14 of an integer.

#include <array>
#include <bit>
#include <cstdint>

namespace journeysim::rng {

struct LogTableEntry {
  double inverse;    //!< 1/c rounded to double, c the centre of the cell
  double minus_log;  //!< −log(inverse), as exactly as long double gives it
};
extern const std::array<LogTableEntry, 128> LOG_TABLE;

//! log((w + 0.5) · 2^-32), the log of the uniform to_unit(w).
inline double log_unit(std::uint32_t w) noexcept
{
  // u = x · 2^-33 with x = 2w + 1 odd and exact in a double.
  const double x = static_cast<double>(2 * std::uint64_t{w} + 1);
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  const int k = static_cast<int>(bits >> 52) - 1023 - 33; // u = m · 2^k, m in [1, 2)
  const LogTableEntry& e = LOG_TABLE[(bits >> 45) & 127];
  const double m = std::bit_cast<double>((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
  const double r = __builtin_fma(m, e.inverse, -1.0); // |r| < 2^-8
  // log1p(r) to r^6: the r^7 term is below 2e-18.
  const double r2 = r * r;
  const double p = r - r2 * (0.5 - r * (1.0 / 3)) +
                   r2 * r2 * (-0.25 + r * (0.2 - r * (1.0 / 6)));
  constexpr double LN2_HI = 6.93147180369123816490e-01; // fdlibm's split: k · LN2_HI is exact
  constexpr double LN2_LO = 1.90821492927058770002e-10;
  return k * LN2_HI + (k * LN2_LO + e.minus_log + p);
}

} // namespace journeysim::rng
