#pragma once
//! Attribute and basket distributions (SCENARIO.md "Distributions"), sampled
//! with Boost.Random on a keyed stream.

#include "journeysim/rng/stream.h"

#include <limits>
#include <string>
#include <vector>

namespace journeysim {

struct Distribution {
  enum class Kind { Fixed, Uniform, Normal, Lognormal, Beta, Choice };

  Kind kind = Kind::Fixed;
  double a = 0.0; //!< value | lo | mean | mu | alpha
  double b = 0.0; //!< —     | hi | sd   | sigma | beta
  double min = -std::numeric_limits<double>::infinity(); //!< clip
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> labels; //!< choice
  std::vector<double> weights;     //!< choice, same length as labels

  static Distribution fixed(double v)
  {
    Distribution d;
    d.a = v;
    return d;
  }
  //! A two-parameter kind, unclipped (uniform, normal, lognormal, beta).
  static Distribution of(Kind kind, double a, double b)
  {
    Distribution d;
    d.kind = kind;
    d.a = a;
    d.b = b;
    return d;
  }

  bool is_choice() const { return kind == Kind::Choice; }
  //! Smallest and largest value a draw can take (after clipping).
  double lowest() const;
  double highest() const;

  //! One draw: a number, or for a choice the index of the label.
  double sample(rng::StreamEngine& eng) const;
};

} // namespace journeysim
