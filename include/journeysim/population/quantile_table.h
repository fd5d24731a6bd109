#pragma once
//! Draws from a continuous distribution with one 32-bit word, by its inverse
//! CDF (random stream 3, MODEL.md "Randomness"): x = Q(u) with
//! u = (word + ½) / 2³². Q is interpolated by cubic Hermite polynomials (the
//! values and slopes 1 / f(Q(u)) at the knots) on 1 024 equal steps in u; a
//! step whose interpolant misses F by more than TOLERANCE in u (checked at a
//! quarter, half and three quarters of it) is split in 16, up to four times;
//! what still misses, and the outermost sliver of an unbounded or singular
//! tail, is drawn by the exact quantile (Boost.Math). This is the method of
//! Hörmann & Leydold's HINV (2003), with a fixed grid so a draw is a table
//! look-up: one word, no logarithm, against a + b uniforms and two logs for
//! an Erlang-ratio beta.

#include "journeysim/scenario/distribution.h"

#include <cstdint>
#include <vector>

namespace journeysim {

class QuantileTable {
public:
  //! The u-error allowed at the checked points: the spacing of the 32-bit
  //! words the table turns into values.
  static constexpr double TOLERANCE = 0x1p-32;

  //! Whether `d` is drawn by a table under stream 3: a beta, and a normal or
  //! lognormal with a positive spread (the other kinds already take at most
  //! one word and no logarithm).
  static bool tabulates(const Distribution& d);

  //! @pre tabulates(d)
  explicit QuantileTable(const Distribution& d);

  //! The value for one word, clipped to the distribution's min and max.
  double operator()(std::uint32_t word) const
  {
    std::uint32_t node = word >> (32 - TOP_BITS);
    int shift = 32 - TOP_BITS;
    for (int depth = 0;; ++depth) {
      const std::int32_t next = next_[node];
      if (next == LEAF) [[likely]] {
        const double t = (static_cast<double>(word & ((1u << shift) - 1)) + 0.5) * step_scale_[depth];
        const Step& s = steps_[node];
        return clip(((s.c3 * t + s.c2) * t + s.c1) * t + s.c0);
      }
      if (next == EXACT)
        return clip(quantile((static_cast<double>(word) + 0.5) * 0x1p-32));
      shift -= SPLIT_BITS;
      node = static_cast<std::uint32_t>(next) + ((word >> shift) & ((1u << SPLIT_BITS) - 1));
    }
  }

  //! Start loading the step operator()(word) reads first (a run of lookups
  //! is otherwise one cache miss after another).
  void prefetch(std::uint32_t word) const { __builtin_prefetch(&steps_[word >> (32 - TOP_BITS)]); }

  //! The exact quantile and distribution functions (Boost.Math), unclipped.
  double quantile(double u) const;
  double cdf(double x) const;

  //! Interpolating steps, and the probability mass drawn exactly (by the
  //! slower exact quantile: ≤ 10⁻⁷ for common shapes).
  std::size_t steps() const;
  double exact_mass() const { return exact_mass_; }
  //! False for a distribution no cubic follows — extreme shapes, a spread
  //! below its values' rounding: the build stops once more than
  //! MAX_EXACT_MASS would be drawn exactly or MAX_EVALUATIONS of F, f or Q
  //! were spent (a common shape needs ≈ 15 000), and such a distribution
  //! is drawn as under stream 2 (Population::fill). Deterministic: it
  //! depends on the distribution only.
  bool covers() const { return covers_; }
  static constexpr double MAX_EXACT_MASS = 1e-3;
  static constexpr std::size_t MAX_EVALUATIONS = 100000;

private:
  static constexpr int TOP_BITS = 10, SPLIT_BITS = 4, MAX_DEPTH = 4;
  //! At most this many steps (2 MiB), whatever the distribution; steps
  //! beyond it are drawn exactly.
  static constexpr std::size_t MAX_STEPS = std::size_t{1} << 16;
  static constexpr std::int32_t LEAF = -1, EXACT = -2;
  struct Step {
    double c0, c1, c2, c3; //!< Q ≈ c0 + c1·t + c2·t² + c3·t³ for t ∈ (0, 1) across the step
  };

  struct Knot {
    double u, q, slope; //!< u, Q(u), Q'(u) = 1 / f(Q(u))
  };

  double pdf(double x) const;
  double clip(double x) const;
  Knot knot(double u);
  //! The knot at u, starting from a guess of Q(u) in [lo, hi].
  Knot knot(double u, double guess, double lo, double hi);
  //! Fill node `node`, the step from k0 to k1.
  void build(std::size_t node, const Knot& k0, const Knot& k1, int depth);

  Distribution d_;
  double lowest_ = 0.0, highest_ = 0.0; //!< support ∩ [min, max]
  std::vector<Step> steps_;
  std::vector<std::int32_t> next_; //!< per node: LEAF, EXACT, or its first child
  double step_scale_[MAX_DEPTH + 1];    //!< 2^-(bits left for t) per depth
  double exact_mass_ = 0.0;
  std::size_t evaluations_ = 0; //!< of F, f and Q while building
  bool covers_ = true;
};

} // namespace journeysim
