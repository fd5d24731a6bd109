#pragma once
//! A variant flattened for the hot loop: per-stage touchpoint lists, exposure
//! probabilities per persona precomputed, names replaced by stream hashes.

#include "journeysim/population/population.h"
#include "journeysim/scenario/scenario.h"

#include <cstdint>
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
//! engine uses, 0.5 where a persona does not set it).
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
};

struct CompiledStage {
  double dropout = 0.0;
  bool purchase = false;
  double purchase_rate = 0.0;
  std::uint32_t hash = 0;
  std::vector<int> touches; //!< indices into CompiledModel::touches, scenario order
};

class CompiledModel {
public:
  //! @param rows  touchpoint_union() of the scenario the model belongs to.
  CompiledModel(const Model& model, const Population& population,
                const std::vector<TouchpointInfo>& rows);

  //! Exposure probability min(1, reach × affinity) of touch t for persona p.
  double exposure(std::size_t persona, std::size_t t) const
  {
    return exposure_[persona * touches.size() + t];
  }

  std::vector<CompiledStage> stages;
  std::vector<CompiledTouch> touches;
  std::vector<Distribution> baskets; //!< per persona
  std::vector<double> mood0;         //!< per persona
  double mood_effect = 0.5;

private:
  std::vector<double> exposure_;
};

} // namespace journeysim
