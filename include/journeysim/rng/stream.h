#pragma once
//! Keyed random streams. Every random decision in a run is addressed by
//! (seed, agent, purpose, name, position) — never by thread, chunk or call
//! order — so results are identical for any thread count, and a variant that
//! changes one touchpoint leaves every other draw untouched (common random
//! numbers, MODEL.md "Randomness").

#include "journeysim/rng/philox.h"

#include <cstdint>
#include <limits>
#include <string_view>

namespace journeysim::rng {

//! Which definition of the draws a run uses (MODEL.md "Randomness"): the
//! same seed gives the same results only under the same stream. Stream 1
//! (Philox4x32-10, a word per decision) reproduces files made before stream
//! 2; stream 2 (Philox4x32-7, one block per eventful day) files made before
//! stream 3; stream 3 (stream 2 with beta, normal and lognormal attributes
//! drawn from one word by a quantile table) files made before stream 4;
//! stream 4 (stream 3 with one word for the quiet days of a segment whose
//! chances change daily, a budget's or a campaign's) is the default.
enum class Stream : std::uint8_t { v1 = 1, v2 = 2, v3 = 3, v4 = 4 };
constexpr Stream DEFAULT_STREAM = Stream::v4;

//! What a draw decides. Part of the counter, so streams never overlap.
enum class Purpose : std::uint8_t {
  Persona = 1,   //!< which persona an agent belongs to
  Attribute = 2, //!< one attribute of an agent (name = attribute)
  Touch = 3,     //!< one touchpoint on one eventful day: exposure, advance (name = touchpoint)
  Checkout = 4,  //!< the steps of one checkout attempt (name = touchpoint)
  Event = 5,     //!< one run of quiet days and the eventful day ending it
  Basket = 6,    //!< order value of a purchase (name = stage)
  Arrival = 7,   //!< the day an agent arrives and through which source (model v2)
};

//! Stable 32-bit hash of a name (FNV-1a); names address streams, so adding a
//! touchpoint never shifts the draws of another.
constexpr std::uint32_t name_hash(std::string_view s) noexcept
{
  std::uint32_t h = 2166136261u;
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 16777619u;
  }
  return h;
}

//! The address of one Philox block: agent in the key; seed, name, purpose
//! and a 24-bit position in the counter. Injective for agents < 2^64 and
//! positions < 2^24.
constexpr Counter counter(std::uint64_t seed, std::uint32_t name, Purpose purpose,
                          std::uint32_t position) noexcept
{
  return {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32), name,
          (static_cast<std::uint32_t>(purpose) << 24) | (position & 0xFFFFFFu)};
}

constexpr Key agent_key(std::uint64_t agent) noexcept
{
  return {static_cast<std::uint32_t>(agent), static_cast<std::uint32_t>(agent >> 32)};
}

//! The block for one decision of one agent.
constexpr Counter block(std::uint64_t seed, std::uint64_t agent, Purpose purpose,
                        std::uint32_t name, std::uint32_t position, Stream stream = Stream::v1) noexcept
{
  const Counter c = counter(seed, name, purpose, position);
  return stream == Stream::v1 ? philox4x32<10>(c, agent_key(agent)) : philox4x32<7>(c, agent_key(agent));
}

//! A keyed stream that models Boost.Random's UniformRandomNumberGenerator, so
//! Boost's distributions (normal, lognormal, beta, discrete, …) run on it.
//! Successive calls walk the position field of one (seed, agent, purpose,
//! name) address.
class StreamEngine {
public:
  using result_type = std::uint32_t;

  StreamEngine(std::uint64_t seed, std::uint64_t agent, Purpose purpose, std::uint32_t name,
               std::uint32_t first_position = 0, Stream stream = Stream::v1) noexcept
    : base_(counter(seed, name, purpose, first_position)), key_(agent_key(agent)),
      position_(first_position), stream_(stream)
  {
  }

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  result_type operator()() noexcept
  {
    if (used_ == 4) {
      Counter c = base_;
      c[3] = (c[3] & 0xFF000000u) | (position_++ & 0xFFFFFFu);
      block_ = stream_ == Stream::v1 ? philox4x32<10>(c, key_) : philox4x32<7>(c, key_);
      used_ = 0;
    }
    return block_[used_++];
  }

  void discard(unsigned long long n) noexcept
  {
    for (; n > 0; --n)
      (*this)();
  }

private:
  Counter base_;
  Key key_;
  std::uint32_t position_;
  Stream stream_;
  Counter block_{};
  unsigned used_ = 4;
};

} // namespace journeysim::rng
