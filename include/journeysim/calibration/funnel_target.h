#pragma once
//! An observed funnel matched to a scenario: the stage transitions a
//! calibration fits. Each transition is binomial: of the n customers who
//! reached stage `from`, y reached `to` (the next observed stage).

#include "journeysim/calibration/metric_target.h"
#include "journeysim/observed/observed_funnel.h"
#include "journeysim/scenario/scenario.h"

#include <cstdint>
#include <string>
#include <vector>

namespace journeysim {

struct Transition {
  int persona = -1; //!< index into the baseline's personas; -1 = all customers
  int from = 0;     //!< stage indices, from < to
  int to = 0;
  std::int64_t n = 0; //!< observed reached[from]
  std::int64_t y = 0; //!< observed reached[to]
};

struct FunnelTarget {
  std::vector<Transition> transitions;
  //! With persona rows, the overall rows' transitions: shown at the fit, not
  //! fitted (they would count the personas' customers twice).
  std::vector<Transition> shown;
  bool by_persona = false; //!< the target's persona rows are fitted (its overall rows then only shown)
  std::vector<MetricTarget> metrics; //!< the metric rows, in file order (metric_target.h)
};

//! Match the target's rows to the scenario's stages and personas.
//! @throws InputError "FILE:LINE:1: ..." for an unknown stage or persona, a
//!         count larger than an earlier stage's; and for a target with no
//!         stage in common with the scenario, or fewer than two stages.
FunnelTarget match_target(const Scenario& scenario, const ObservedFunnel& observed);

} // namespace journeysim
