#pragma once
//! Population feedback (MODEL.md "Arrivals and population feedback"): where
//! agents are coupled through a population aggregate — referrals through
//! the number of advocates per day, budget pacing through the audience a
//! touchpoint targets per day — agents stay independent *given* the
//! aggregate's curve. A run simulates everyone with the curve of the
//! previous pass, measures the curve again and repeats until it stops
//! changing (a fixed point). Streaming, determinism for any thread count and
//! common random numbers all survive, because a pass is an ordinary run.
//!
//! A new aggregate joins by adding its curve here, measuring it (totals or
//! the journey tally) and reading it in day_tables().

#include "journeysim/engine/compiled_model.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace journeysim {

//! The aggregates one pass measures and the next pass uses. Integer counts,
//! so they are the same for any thread count.
struct FeedbackCurves {
  std::vector<std::int64_t> advocates; //!< [persona][day]: advocates at the end of the day
  std::vector<std::int64_t> eligible;  //!< [paced][persona][day]: agents each budgeted touchpoint targeted
};

//! How the fixed point went (stored with the results).
struct FeedbackReport {
  int passes = 0;        //!< simulations of the population before the final one
  //! Max over days of |change| between the last two passes, in agents; out of
  //! passes, between the curves the final pass used and those it produced.
  double residual = 0.0;
  //! budget_spend_error() of the last pass: 0.01 = its budgets spent within 1 % (NaN: no budget)
  double spend_error = std::numeric_limits<double>::quiet_NaN();
  bool converged = true;
  FeedbackCurves curves; //!< the curve the final pass used
};

//! The day tables a pass uses: the arrival hazard and referral share per
//! day, and per varying touchpoint its calendar factor, pacing and price.
//! `curves` null: the first pass (no advocates yet, budgets not yet paced:
//! full reach at the base cost per exposure).
DayTables day_tables(const Model& model, const CompiledModel& compiled, std::uint64_t agents, double budget_share,
                     const FeedbackCurves* curves);

//! How far the expected spend of a pass priced on `priced` audiences, which
//! reached `measured` ones, is from its budgets, as a share of the budget:
//! the largest over budgets of |mean over the priced days of E_measured /
//! E_priced − 1| (each priced day has an equal share of the budget and
//! spends it in proportion to that ratio).
double budget_spend_error(const CompiledModel& compiled, const FeedbackCurves& priced, const FeedbackCurves& measured);

//! Days on which the k-th budgeted touchpoint (CompiledModel::paced order:
//! the model's budgeted touchpoints in scenario order) reached nobody: a
//! budget buys 1 / horizon of itself each day, and those days' is not spent.
int days_without_audience(const FeedbackCurves& curves, std::size_t k, std::size_t personas, std::size_t horizon);

//! max over days of |a − b| for each curve (summed over personas).
double curve_distance(const FeedbackCurves& a, const FeedbackCurves& b, std::size_t personas,
                      std::size_t horizon);

//! Referral contacts made at the end of each day: Σ_p rate_p · A_p(t).
std::vector<double> referral_contacts(const Model& model, const FeedbackCurves& curves, std::size_t horizon);

} // namespace journeysim
