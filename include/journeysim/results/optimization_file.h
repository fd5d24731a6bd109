#pragma once
//! `journeysim optimize -o FILE.h5` (docs/OUTPUT.md "Optimisation files"):
//! the root identity with kind = "optimize", /scenario, and /optimization —
//! what was optimised and every evaluated setting with its paired difference
//! from the best. Written beside the target and renamed into place.

#include "journeysim/experiment/optimize.h"
#include "journeysim/scenario/scenario.h"

#include <string>

namespace journeysim {

//! @throws InputError  If `path` exists and `force` is false.
//! @throws OutputError If the file cannot be written.
void write_optimization_file(const std::string& path, const Scenario& scenario, const OptimizeOptions& options,
                             const OptimizeResult& result, bool force);

} // namespace journeysim
