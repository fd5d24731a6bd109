#pragma once
//! A parameter a calibration fits: `--free PATH=LOW:HIGH`, PATH in the syntax
//! of a variant's `set` (and of `sweep --set`).

#include "journeysim/scenario/scenario.h"

#include <optional>
#include <string>

namespace journeysim {

struct FreeParameter {
  std::string path;
  double low = 0.0;
  double high = 0.0;
};

//! @throws InputError For a malformed spec, a non-number, LOW ≥ HIGH.
FreeParameter parse_free_parameter(const std::string& spec);

//! The value PATH has in `model` (its default when the file does not set
//! it), or nothing for a path this function does not know how to read.
std::optional<double> current_value(const Model& model, const std::string& path);

} // namespace journeysim
