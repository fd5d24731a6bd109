#pragma once
//! Per-agent outcomes of one chunk of agents in one variant, column by
//! column — exactly the per-agent datasets of OUTPUT.md — and the one table
//! that names them: the run writer, the sweep writer, the results reader,
//! the size estimate and the benchmarks all go through for_each_column(),
//! so a new column is added here and nowhere else (docs/ARCHITECTURE.md).

#include "journeysim/scenario/scenario.h"

#include <cstdint>
#include <vector>

namespace journeysim {

struct OutcomeColumns {
  std::size_t size = 0;
  std::size_t stages = 0;
  std::vector<std::int8_t> final_stage;
  std::vector<std::uint8_t> lost;
  std::vector<std::int16_t> lost_day;
  std::vector<std::int16_t> stage_day; //!< row-major [size][stages]
  std::vector<std::uint16_t> purchases;
  std::vector<double> revenue;
  std::vector<double> cost;
  std::vector<std::uint16_t> touches;
  std::vector<std::uint16_t> cart_abandons;
  std::vector<float> mood;
  // Model v2 (written when the model uses them: OutcomeColumn::when).
  std::vector<std::int16_t> arrival_day;
  std::vector<std::uint8_t> arrival_source;
  std::vector<double> discount;
  std::vector<float> clv;

  void resize(std::size_t n, std::size_t k);
};

//! Which models write a column.
enum class Written : std::uint8_t {
  Always,
  WithArrivals, //!< population.arrivals over time
  WithMoney,    //!< Model::uses_money()
};

//! One per-agent outcome column of OUTPUT.md.
struct OutcomeColumn {
  const char* name;
  const char* meaning;
  bool per_stage = false; //!< one value per stage (a 2-D dataset)
  Written when = Written::Always;

  bool written_for(const Model& model) const;
};

//! Calls f(column, vector) for every outcome column, in file order; the
//! vector's element type is the dataset's.
template <class Columns, class F> void for_each_column(Columns& o, F&& f)
{
  f(OutcomeColumn{"final_stage", "index of the last stage reached"}, o.final_stage);
  f(OutcomeColumn{"lost", "1: dropped out of the journey"}, o.lost);
  f(OutcomeColumn{"lost_day", "day the agent dropped out (-1: never)"}, o.lost_day);
  f(OutcomeColumn{"stage_day", "day each stage was entered (-1: never)", true}, o.stage_day);
  f(OutcomeColumn{"purchases", "purchases, repeat ones included (saturates at 65 535)"}, o.purchases);
  f(OutcomeColumn{"revenue", "money paid, after discounts"}, o.revenue);
  f(OutcomeColumn{"cost", "marketing cost of the agent's exposures"}, o.cost);
  f(OutcomeColumn{"touches", "exposures (saturates at 65 535)"}, o.touches);
  f(OutcomeColumn{"cart_abandons", "failed checkout attempts (saturates at 65 535)"}, o.cart_abandons);
  f(OutcomeColumn{"mood", "mood after the last day"}, o.mood);
  f(OutcomeColumn{"arrival_day", "day the agent entered the journey (-1: not within the horizon)", false,
                  Written::WithArrivals},
    o.arrival_day);
  f(OutcomeColumn{"arrival_source", "0 not arrived, 1 at the start, 2 external, 3 referral", false,
                  Written::WithArrivals},
    o.arrival_source);
  f(OutcomeColumn{"discount", "value of discounts given away", false, Written::WithMoney}, o.discount);
  f(OutcomeColumn{"clv", "gross profit so far plus the projected repeat purchases' (MODEL.md Money)", false,
                  Written::WithMoney},
    o.clv);
}

//! Bytes per agent of the columns a model writes (stage_day: per stage).
std::size_t outcome_bytes_per_agent(const Model& model);

} // namespace journeysim
