#pragma once
//! A variant flattened for the hot loop: per-stage touchpoint lists, exposure
//! probabilities per persona precomputed, names replaced by stream hashes,
//! and the day tables (arrivals, calendar, budget pacing) that the population
//! feedback sets between passes.

#include "journeysim/engine/active_sets.h"
#include "journeysim/population/population.h"
#include "journeysim/scenario/scenario.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace journeysim {

//! Every touchpoint of every variant, in first-appearance order: the rows of
//! /touchpoints and of each variant's touchpoint statistics.
struct TouchpointInfo {
  std::string name;
  std::string channel;
  TouchKind kind = TouchKind::Neutral;
};
std::vector<TouchpointInfo> touchpoint_union(const Scenario& scenario);

//! Which engine attribute a range tests (ranges on those use the value the
//! engine uses, 0.5 where a persona does not set them).
enum class EngineAttribute : std::uint8_t { None, Patience, TechSavvy, PriceSensitivity };

struct CompiledRange {
  int column = -1; //!< population attribute column; -1: no agent has it
  EngineAttribute engine = EngineAttribute::None;
  double min = 0.0, max = 0.0;
};

struct CompiledTouch {
  std::uint32_t hash = 0; //!< stream address (name hash)
  int row = 0;            //!< index into touchpoint_union()
  std::size_t kind = 0;   //!< TouchKind as an index
  double advance = 0.0;
  double emotion = 0.0;
  double cost = 0.0;
  double discount = 0.0;
  bool checkout = false;
  int steps = 0;
  double step_abandon = 0.0;
  bool cart_abandoned_only = false;
  int min_days_in_stage = 0;
  std::vector<CompiledRange> ranges;
  Trigger trigger = Trigger::Daily;
  int delay_days = 0;
  int max_per_agent = 0;
  int cooldown_days = 0;
  int state = -1;  //!< slot in the agent's per-touchpoint state (triggers, caps); -1: none
  int varying = -1; //!< row of the day tables (calendar reach or budget); -1: constant
  int paced = -1;   //!< index among budgeted touchpoints; -1: not budgeted
};

struct CompiledStage {
  double dropout = 0.0;
  bool purchase = false;
  double purchase_rate = 0.0;
  std::uint32_t hash = 0;
  std::vector<int> touches; //!< indices into CompiledModel::touches, scenario order
};

//! What the population feedback decides for one pass: the arrival hazard
//! and, per budgeted touchpoint, the pacing of each day. Set by the runner
//! between passes (engine/feedback.h); constant while agents are simulated.
struct DayTables {
  //! Σ_{d ≤ t} log(1 − h(d)): an agent not arrived by day t−1 arrives on
  //! day t with probability h(t). Empty: everyone arrives on day 0.
  std::vector<double> log_waiting;
  std::vector<double> referral_share; //!< [H] P(referral | arrives on day t)
  std::vector<double> calendar; //!< [varying touch][H] campaign factor on reach × affinity
  std::vector<double> pacing;   //!< [varying touch][H] share of the saturated reach the budget buys
  std::vector<double> price;    //!< [varying touch][H] cost of one exposure on day t
  //! [varying touch][H] first day > t on which its factor or price differs.
  std::vector<int> next_change;
};

class CompiledModel {
public:
  //! @param rows  touchpoint_union() of the scenario the model belongs to.
  CompiledModel(const Model& model, const Population& population,
                const std::vector<TouchpointInfo>& rows, int horizon_days);

  //! Exposure probability min(1, reach × affinity) of touch t for persona p
  //! (touchpoints whose reach is the same every day).
  double exposure(std::size_t persona, std::size_t t) const
  {
    return exposure_[persona * touches.size() + t];
  }
  //! Exposure probability of touch t for persona p on a day.
  double exposure_on(std::size_t persona, std::size_t t, int day) const
  {
    const int v = touches[t].varying;
    if (v < 0) [[likely]]
      return exposure(persona, t);
    const std::size_t at = static_cast<std::size_t>(v) * horizon_ + static_cast<std::size_t>(day);
    return std::min(1.0, reach_affinity(persona, t) * days_.calendar[at]) *
           days_.pacing[at];
  }
  //! What one exposure of touch t costs on a day.
  double price_on(std::size_t t, int day) const
  {
    const int v = touches[t].varying;
    return v < 0 ? touches[t].cost
                 : days_.price[static_cast<std::size_t>(v) * horizon_ + static_cast<std::size_t>(day)];
  }
  //! First day after `day` on which touch t's daily probability may change.
  int next_change(std::size_t t, int day) const
  {
    const int v = touches[t].varying;
    return v < 0 ? std::numeric_limits<int>::max()
                 : days_.next_change[static_cast<std::size_t>(v) * horizon_ + static_cast<std::size_t>(day)];
  }

  //! reach × affinity of touch t for persona p, unclipped.
  double reach_affinity(std::size_t persona, std::size_t t) const
  {
    return reach_affinity_[persona * touches.size() + t];
  }

  const DayTables& days() const { return days_; }
  //! Sets the day tables and rebuilds the active sets whose chances they move.
  void set_days(DayTables days)
  {
    days_ = std::move(days);
    active_sets = ActiveSets(*this);
  }

  std::vector<CompiledStage> stages;
  std::vector<CompiledTouch> touches;
  std::vector<Distribution> baskets; //!< per persona
  std::vector<double> basket_mean;   //!< per persona (for the CLV projection)
  std::vector<double> mood0;         //!< per persona
  rng::Stream stream;                //!< how draws are made (MODEL.md "Randomness")
  double mood_effect = 0.5;
  double margin = 1.0;
  int clv_days = 0;
  bool arrivals_over_time = false;
  int referral_stage = 0;
  double referral_emotion = 0.0;
  int stateful = 0; //!< touchpoints with per-agent state (CompiledTouch::state)
  std::vector<int> varying;      //!< touch index of each row of the day tables
  std::vector<int> paced;        //!< touch index of each budgeted touchpoint
  std::vector<int> triggered[4]; //!< touch indices by Trigger
  //! What acts between events, per stage (cached stages), built from the
  //! fields above and the day tables by set_days(): code that changes stages,
  //! touches or exposures afterwards must rebuild it (active_sets = ActiveSets(*this)).
  ActiveSets active_sets;
  std::size_t horizon() const { return horizon_; }

private:
  std::size_t horizon_;
  std::vector<double> exposure_;
  std::vector<double> reach_affinity_; //!< reach × affinity, unclipped
  DayTables days_;
};

} // namespace journeysim
