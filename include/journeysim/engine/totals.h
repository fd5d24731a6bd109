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
  double roi = 0.0;                 //!< (revenue − cost) / cost; NaN when cost is 0
  double cart_abandon_rate = 0.0;   //!< carts never converted / carts
  double mean_mood = 0.0;
};

class VariantTotals {
public:
  VariantTotals(std::size_t stages, std::size_t personas, int horizon_days,
                std::size_t touch_rows, int cart_stage, int conversion_stage);

  //! Add one chunk's outcomes (integer counts: order does not matter).
  void add_counts(const AgentColumns& agents, const OutcomeColumns& outcomes);
  //! Add one block's floating-point sums; blocks must arrive in agent order
  //! so sums are identical for any thread count or chunk size.
  void add_sums(double revenue, double cost, double mood);
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
};

} // namespace journeysim
