#pragma once
//! What the usual attribution rules would credit to each touchpoint on the
//! same simulated journeys (docs/STATISTICS.md "Rule-based attribution"):
//! last touch, first touch, linear, and the first-order Markov removal
//! effect of the ChannelAttribution package — to set beside the true
//! incremental value of experiment/attribution.h. And the touch paths in
//! ChannelAttribution's format, for other tools.
//!
//! A customer's path is the touchpoints that exposed them before they
//! converted (exposures in stages before the first purchase stage), in order;
//! customers never exposed have no path and are left out.

#include "journeysim/engine/runner.h"
#include "journeysim/scenario/scenario.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace journeysim {

//! Customers who took the same path.
struct PathCount {
  std::vector<std::uint16_t> path; //!< touch rows (RuleAttribution::touchpoints)
  std::int64_t conversions = 0;
  double value = 0.0;              //!< revenue of the converted customers (all their purchases)
  std::int64_t nulls = 0;          //!< customers who did not convert
};

struct RuleAttribution {
  std::vector<std::string> touchpoints; //!< name of each touch row
  std::vector<PathCount> paths;         //!< sorted by path
  //! Conversions credited to each touch row by each rule (each sums to the
  //! conversions of customers with a path).
  std::vector<double> last_touch, first_touch, linear, markov;
};

//! Credits of `paths` over `rows` touch rows (pure: the unit tests feed it paths).
RuleAttribution attribute_paths(std::vector<std::string> touchpoints, std::vector<PathCount> paths);

//! Simulates the baseline (options: agents, seed, threads) recording every
//! customer's path, and credits them. The same customers and outcomes as
//! `run` (the journeys are the run's, bit for bit) — given, for a model with
//! population feedback, the baseline's solved fixed point from that run.
RuleAttribution path_attribution(const Scenario& scenario, RunOptions options,
                                 const FeedbackReport* feedback = nullptr);

//! ChannelAttribution's path file: "path;total_conversions;total_conversion_value;total_null",
//! a path's touchpoints joined by " > ".
void write_channel_attribution_paths(std::ostream& out, const RuleAttribution& a);

} // namespace journeysim
