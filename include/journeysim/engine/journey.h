#pragma once
//! One agent's journey through one variant: MODEL.md "One day of one active
//! agent", day by day, every decision drawn from its keyed stream.

#include "journeysim/engine/compiled_model.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace journeysim {

//! What the journey kernel needs to know about one agent.
struct AgentView {
  std::uint64_t id = 0;
  std::uint16_t persona = 0;
  double patience = 0.5, tech_savvy = 0.5, price_sensitivity = 0.5;
  const float* attributes = nullptr; //!< column c at attributes[c * stride]
  std::size_t stride = 0;

  //! Agent i of a chunk's population columns.
  static AgentView of(const AgentColumns& agents, std::size_t i)
  {
    AgentView a;
    a.id = agents.id[i];
    a.persona = agents.persona[i];
    a.patience = agents.patience[i];
    a.tech_savvy = agents.tech_savvy[i];
    a.price_sensitivity = agents.price_sensitivity[i];
    a.attributes = agents.attributes.empty() ? nullptr : agents.attributes.data() + i; // no offset on null
    a.stride = agents.size;
    return a;
  }
};

//! The outcome of one journey (per-agent columns of OUTPUT.md).
struct Outcome {
  std::int16_t arrival_day = 0;     //!< -1: did not arrive within the horizon
  std::uint8_t arrival_source = 1;  //!< vocabulary::ARRIVAL_SOURCES
  std::int8_t final_stage = 0;
  bool lost = false;
  std::int16_t lost_day = -1;
  std::int16_t* stage_day = nullptr; //!< K entries, written by the kernel
  std::uint16_t purchases = 0;
  double revenue = 0.0;  //!< paid by the customer (after discounts)
  double discount = 0.0; //!< value of discounts given away
  double cost = 0.0;
  float clv = 0.0f;      //!< gross profit so far + projected beyond the horizon
  std::uint16_t touches = 0;
  std::uint16_t cart_abandons = 0;
  float mood = 0.0f;
  //! If set, every exposure in order: (touch row, stage it happened in) —
  //! the touch paths of rule-based attribution (experiment/path_attribution.h).
  std::vector<std::pair<std::uint16_t, std::int8_t>>* path = nullptr;
};

//! What many journeys add up to beyond the per-agent columns: exposures and
//! advances per touchpoint (rows of touchpoint_union()), touches per stage and
//! kind, and the mood on entering and leaving each stage per persona (the
//! emotion curve of a journey map). Every reached stage is left exactly once
//! (advance, loss, or the horizon), so both mood sums divide by the reach.
//! Also what budget pacing feeds back: per budgeted touchpoint, persona and
//! day, the agents it targeted that day.
struct JourneyTally {
  JourneyTally() = default;
  JourneyTally(std::size_t touch_rows, std::size_t stages, std::size_t personas,
               std::size_t paced = 0, std::size_t horizon = 0);
  void clear();
  JourneyTally& operator+=(const JourneyTally& other);

  std::size_t stages = 0, horizon = 0;
  std::vector<std::int64_t> exposures, advances; //!< [touch rows]
  std::vector<std::int64_t> touches_by_kind;     //!< [stage][4], TouchKind order
  std::vector<double> mood_in, mood_out;         //!< [persona][stage] sums
  std::vector<double> spend;                     //!< [touch rows] realised
  //! [paced][persona][day]; from simulate_journey, the change from the day
  //! before (VariantTotals::finish() sums them over days).
  std::vector<std::int64_t> eligible;
};

void simulate_journey(const CompiledModel& model, std::uint64_t seed, int horizon_days,
                      const AgentView& agent, Outcome& out, JourneyTally& tally);

} // namespace journeysim
