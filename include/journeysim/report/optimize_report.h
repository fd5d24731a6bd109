#pragma once
//! `journeysim report OPT.h5`: the page of an optimisation — the answer with
//! the settings that are as good on the evidence, the objective against a
//! single lever, and every evaluated setting. Inline CSS and SVG only.

#include "journeysim/results/optimization_file.h"

#include <string>

namespace journeysim::report {

//! Deterministic: the same file gives the same bytes.
std::string render_optimize_html(const OptimizationData& data);

} // namespace journeysim::report
