#pragma once
//! Aggregates of one variant over the whole population: funnel, daily stage
//! counts, touchpoint statistics and the summary (OUTPUT.md).

#include "journeysim/engine/journey.h"
#include "journeysim/engine/outcome_columns.h"
#include "journeysim/population/population.h"

#include <cstdint>
#include <string>
#include <vector>

namespace journeysim {

struct Summary {
  std::uint64_t agents = 0;
  std::int64_t conversions = 0;
  double conversion_rate = 0.0;
  std::int64_t purchases = 0;
  double revenue = 0.0;
  double cost = 0.0;
  double cost_per_conversion = 0.0; //!< NaN without conversions
  double roi = 0.0;                 //!< profit / cost; NaN when cost is 0
  double cart_abandon_rate = 0.0;   //!< carts never converted / carts
  double mean_mood = 0.0;
  // Model v2 (MODEL.md "Money", "Arrivals").
  double discounts = 0.0;           //!< value of discounts given away
  double margin = 1.0;
  double profit = 0.0;              //!< margin × (revenue + discounts) − discounts − cost
  double clv = 0.0;                 //!< Σ per-agent CLV (gross profit + projection)
  double clv_per_customer = 0.0;    //!< clv / conversions
  double planned_spend = 0.0;       //!< Σ budgets (budgeted touchpoints)
  std::int64_t arrived = 0;         //!< agents who arrived within the horizon
  std::int64_t referral_arrivals = 0;
  double conversion_rate_arrived = 0.0; //!< conversions / arrived
  std::int64_t mature = 0;              //!< arrived at least mature_days before the end
  double conversion_rate_mature = 0.0;  //!< conversions among them / them
};

class VariantTotals {
public:
  VariantTotals(std::size_t stages, std::size_t personas, int horizon_days,
                std::size_t touch_rows, int cart_stage, int conversion_stage);
  //! Totals of one variant of a scenario (stages, personas, money, feedback).
  //! `budget_share`: Scenario::budget_share() of the run (planned spend is that share of the budgets).
  VariantTotals(const Model& model, int horizon_days, std::size_t touch_rows, double budget_share);

  //! Add one chunk's outcomes (integer counts: order does not matter).
  void add_counts(const AgentColumns& agents, const OutcomeColumns& outcomes);
  //! Add one block's floating-point sums; blocks must arrive in agent order
  //! so sums are identical for any thread count or chunk size.
  void add_sums(double revenue, double cost, double mood);
  //! Model v2 sums of one block (same order rule as add_sums).
  void add_money(double discounts, double clv);
  //! Turn the accumulated day deltas into daily counts (call once, at the end).
  void finish();

  Summary summary() const;

  std::size_t stages, personas;
  int horizon_days;
  int cart_stage;       //!< stage before the first purchase stage (-1 if none)
  int conversion_stage; //!< first purchase stage
  std::uint64_t agents = 0;
  std::vector<std::int64_t> reached;            //!< [K]
  std::vector<std::int64_t> reached_by_persona; //!< [P][K]
  std::vector<std::int64_t> in_stage;           //!< [H][K], deltas until finish()
  std::vector<std::int64_t> lost;               //!< [H][K]
  JourneyTally tally; //!< per touchpoint, per stage and kind, emotion curve
  std::vector<double> touch_cost; //!< [touch rows], set by the runner
  std::int64_t purchases = 0;
  std::int64_t cart_abandons = 0;
  double revenue = 0.0, cost = 0.0, mood_sum = 0.0;
  // Model v2.
  double margin = 1.0;
  double budget_share = 1.0; //!< of each budget this run spends (Scenario::budget_share)
  double planned_spend = 0.0;
  int mature_days = 0;
  std::vector<std::uint8_t> advocate_stage; //!< [K] 1: agents in it are advocates
  std::vector<std::int64_t> advocates;      //!< [P][H] at the end of each day, deltas until finish()
  std::vector<std::int64_t> arrivals;       //!< [H] by day
  std::vector<std::int64_t> referral_arrivals_by_day; //!< [H]
  std::int64_t arrived = 0, referral_arrivals = 0, mature = 0, mature_conversions = 0;
  double discounts = 0.0, clv = 0.0;
};

} // namespace journeysim
