#pragma once
// What the C++ anchors (naive_daily, skipping_minimal) walk: the scenario's
// baseline variant, compiled over the same population as the engine's.

#include "journeysim/engine/compiled_model.h"
#include "journeysim/population/population.h"
#include "journeysim/scenario/loader.h"

namespace journeysim {

struct AnchorModel {
  explicit AnchorModel(const char* scenario_path)
    : scenario(load_scenario(scenario_path)), population(scenario.baseline(), scenario.seed),
      model(scenario.baseline(), population, touchpoint_union(scenario), scenario.horizon_days)
  {
  }
  const Scenario scenario;
  const Population population;
  const CompiledModel model;
};

} // namespace journeysim
