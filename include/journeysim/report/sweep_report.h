#pragma once
//! `journeysim report SWEEP.h5`: one self-contained HTML page of a sweep —
//! response curves with 95 % CI bands for every swept parameter and metric, a
//! heat map for two-parameter grids, the decision a --target/--minimize/
//! --maximize asks for, and a table of every grid point. Inline CSS and SVG.

#include "journeysim/experiment/sweep_decision.h"
#include "journeysim/results/sweep_reader.h"

#include <optional>
#include <string>
#include <vector>

namespace journeysim::report {

struct SweepReportOptions {
  std::vector<std::string> metrics; //!< charted and tabled, in this order
  std::string variant;              //!< charted (default: the first, the baseline)
  std::optional<Decision> decision;
  std::string decision_text;        //!< the paragraph that states it
};

//! Deterministic: the same file and options give the same bytes.
std::string render_sweep_html(const SweepData& sweep, const SweepReportOptions& options);

} // namespace journeysim::report
