#pragma once
//! Philox4x32-R (Salmon et al., SC'11): a counter-based generator. Output is
//! a pure function of (key, counter), which is what makes every draw in the
//! engine addressable by what it decides instead of by call order. Random
//! stream 1 uses 10 rounds, stream 2 uses 7 — the fewest with which the
//! paper's Philox4x32 passes TestU01's BigCrush (MODEL.md "Randomness").

#include <array>
#include <cstdint>

namespace journeysim::rng {

using Counter = std::array<std::uint32_t, 4>;
using Key = std::array<std::uint32_t, 2>;

//! The 4x32-bit block for (key, counter) after `Rounds` rounds.
template <int Rounds = 10> constexpr Counter philox4x32(Counter c, Key k) noexcept
{
  constexpr std::uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  constexpr std::uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  for (int round = 0; round < Rounds; ++round) {
    const std::uint64_t p0 = std::uint64_t{M0} * c[0];
    const std::uint64_t p1 = std::uint64_t{M1} * c[2];
    c = {static_cast<std::uint32_t>(p1 >> 32) ^ c[1] ^ k[0],
         static_cast<std::uint32_t>(p1),
         static_cast<std::uint32_t>(p0 >> 32) ^ c[3] ^ k[1],
         static_cast<std::uint32_t>(p0)};
    k[0] += W0;
    k[1] += W1;
  }
  return c;
}

//! A 32-bit word as a uniform number in the open interval (0, 1).
constexpr double to_unit(std::uint32_t w) noexcept
{
  return (static_cast<double>(w) + 0.5) * 0x1p-32;
}

//! True with probability p (to 2^-32): p <= 0 never, p >= 1 always.
constexpr bool bernoulli(std::uint32_t w, double p) noexcept
{
  return static_cast<double>(w) < p * 0x1p32;
}

} // namespace journeysim::rng
