#pragma once
//! A variant against the baseline on the same agents (common random numbers),
//! accumulated chunk by chunk as the run streams (docs/STATISTICS.md). Counts
//! are exact integer sums; floating-point sums are formed per BLOCK_AGENTS
//! block of agent indices and merged in agent order, so the result is the
//! same for any thread count and any chunk size that is a multiple of it.

#include "journeysim/analysis/comoments.h"
#include "journeysim/analysis/paired_stats.h"
#include "journeysim/engine/outcome_columns.h"
#include "journeysim/scenario/scenario.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace journeysim::parallel {
class Ranks;
}

namespace journeysim::analysis {

//! What the comparison needs to know about the (shared) funnel.
struct FunnelShape {
  std::vector<std::string> stages;   //!< names
  std::vector<Phase> phases;         //!< per stage
  std::vector<std::string> personas; //!< names
  int horizon_days = 0;
  int conversion_stage = -1; //!< first purchase stage (-1: none)
  int cart_stage = -1;       //!< the stage before it (-1: none)
  //! Model v2: profit and CLV rows are added when either model has a
  //! margin below 1, a CLV projection or budgets; referral rows when
  //! customers arrive over time. Old scenarios keep their tables.
  bool money = false, arrivals = false;
  double margin_baseline = 1.0, margin_variant = 1.0;
  //! The variant draws its customers from other persona shares: agent i's
  //! persona is not the same in both, so there are no by-persona rows (they
  //! would label the variant's students by their baseline persona).
  bool personas_differ = false;
};

//! The baseline's funnel shape; nullopt-like empty stages when the variant's
//! stages differ (then no comparison can be paired stage by stage).
FunnelShape funnel_shape(const Model& model, int horizon_days);
//! The same, for comparing `variant` with `baseline` (money and arrivals of both).
FunnelShape funnel_shape(const Model& baseline, const Model& variant, int horizon_days);

//! One row of a comparison table: `group` names the persona, stage, phase or
//! touchpoint of a breakdown row (empty in the summary).
struct ComparisonRow {
  std::string group;
  std::string metric;
  Estimate estimate;
};

//! The comparison of one variant: summary metrics and breakdowns.
struct ComparisonTables {
  std::vector<ComparisonRow> summary, by_persona, by_stage, by_phase, by_touchpoint;
};

//! Agent groups for the batch-means CI of quantiles (agent index mod this).
inline constexpr int QUANTILE_BATCHES = 20;
//! Fewest converters per group, on average in each variant, for a time-to-
//! convert interval (below: the estimate alone, no CI or p).
inline constexpr int MIN_QUANTILE_CONVERTERS = 5;

class PairedComparison {
public:
  explicit PairedComparison(FunnelShape shape);

  //! Add agents [first, first + n) of the baseline and the variant (the same
  //! agents, in the same order); `persona` per agent. Chunks must arrive in
  //! agent order. @throws InputError If the columns do not fit the shape.
  void add(std::uint64_t first, const OutcomeColumns& baseline, const OutcomeColumns& variant,
           const std::uint16_t* persona);

  //! For a run over several ranks, each adding its own agents: keep every
  //! block's floating-point results to be merged in global agent order by
  //! combine_ranks() (call before the first add()).
  void record_blocks() noexcept { recording_ = true; }
  //! Every rank's comparison becomes the one of all agents, identical to
  //! one process's. Collective: every rank calls it.
  void combine_ranks(const parallel::Ranks& ranks);

  std::uint64_t agents() const noexcept { return n_; }
  const FunnelShape& shape() const noexcept { return shape_; }

  //! Summary, by_persona, by_stage and by_phase (by_touchpoint comes from
  //! the aggregates: touchpoint_rows()).
  ComparisonTables result() const;

private:
  void add_block(std::uint64_t first, std::size_t begin, std::size_t end, const OutcomeColumns& b,
                 const OutcomeColumns& v, const std::uint16_t* persona);

  FunnelShape shape_;
  std::vector<int> phase_first_; //!< first stage of each phase (K if none)
  std::uint64_t n_ = 0;
  // Joint states (baseline state · 3 + variant state), exact counts.
  std::vector<std::array<std::int64_t, 9>> stage_;  //!< [K]: 0 not reached, 1 reached, 2 lost there
  std::array<std::array<std::int64_t, 9>, 3> phase_{}; //!< same per phase
  std::array<std::int64_t, 9> cart_{};               //!< 0 no cart, 1 cart not converted, 2 converted
  std::vector<std::array<std::int64_t, 4>> persona_conv_; //!< [P]: n00, n01(b0 v1), n10, n11
  std::vector<std::int64_t> persona_agents_;
  std::int64_t purchases_b_ = 0, purchases_v_ = 0, purchases_d2_ = 0;
  //! Days from entering the first stage to the conversion: [batch][variant 0/1][day].
  std::vector<std::int64_t> convert_days_;
  // Floating sums, merged block by block in agent order.
  CoMoments money_{6}; //!< revenue_v, cost_v, converted_v, revenue_b, cost_b, converted_b
  CoMoments mood_{2};  //!< mood_v, mood_b
  CoMoments profit_{6}; //!< profit_v, clv_v, cost_v, profit_b, clv_b, cost_b (model v2)
  std::array<std::int64_t, 4> referral_{}; //!< arrived by referral: n00, n01, n10, n11
  std::vector<double> scratch_profit_;
  std::vector<double> persona_rev_b_, persona_rev_v_, persona_rev_d2_; //!< [P]
  std::vector<double> scratch_money_, scratch_mood_, block_rev_b_, block_rev_v_, block_rev_d2_;
  bool recording_ = false;
  std::vector<double> ledger_; //!< recorded blocks: count, money_, mood_, profit_ records, block_rev_*
};

//! The by_touchpoint rows from the aggregates of both variants (aligned
//! with the touchpoint table): exposures, advances, cost, cost per advance.
//! No per-agent data stands behind them, so no CI (NaN).
std::vector<ComparisonRow> touchpoint_rows(const std::vector<std::string>& names,
                                           const std::vector<std::int64_t>& exposures_b,
                                           const std::vector<std::int64_t>& advances_b,
                                           const std::vector<double>& cost_b,
                                           const std::vector<std::int64_t>& exposures_v,
                                           const std::vector<std::int64_t>& advances_v,
                                           const std::vector<double>& cost_v);

} // namespace journeysim::analysis
