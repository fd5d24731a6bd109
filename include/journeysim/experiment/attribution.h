#pragma once
//! What each touchpoint is really worth (docs/STATISTICS.md "Incremental value
//! of a touchpoint"): for every touchpoint of the baseline, the baseline minus
//! the same customers without it — a removal variant per touchpoint, run on
//! common random numbers with the baseline, compared pair by pair.
//!
//! The "without" numbers are a run's own summary, so they are bit-identical to
//! a separate run of the scenario with that touchpoint deleted (same seed and
//! agents), and the increments are the difference of those two runs exactly.

#include "journeysim/analysis/paired_comparison.h"
#include "journeysim/engine/runner.h"
#include "journeysim/experiment/path_attribution.h"
#include "journeysim/scenario/scenario.h"

#include <string>
#include <vector>

namespace journeysim {

//! Rows with group = touchpoint and, per touchpoint, the metrics
//! `conversions`, `revenue`, `marketing_cost` (totals; paired 95 % CI of
//! the increment), `cost_per_incremental_conversion` and `incremental_roi`
//! (no CI). Columns: baseline = with every touchpoint, variant = without this
//! one, difference = baseline − without (the increment).
struct Attribution {
  std::vector<analysis::ComparisonRow> rows;
};

//! `a` with, after each touchpoint's rows, the conversions the usual rules
//! credit to it on the same journeys: metrics `last_touch`, `first_touch`,
//! `linear`, `markov` (difference = credited conversions; no CI).
Attribution with_rule_credits(Attribution a, const RuleAttribution& rules);

//! The baseline without touchpoint `t` (removed as a variant's `remove:` would).
Model without_touchpoint(const Model& baseline, std::size_t t);

//! Runs the baseline and one removal variant per touchpoint on the same
//! customers (`options`: agents, seed, threads, cancel, progress; its
//! variants are ignored) and compares them pair by pair.
//! @throws Cancelled If options.cancel was set.
Attribution removal_attribution(const Scenario& scenario, RunOptions options);

} // namespace journeysim
