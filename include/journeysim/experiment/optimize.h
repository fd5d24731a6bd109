#pragma once
//! `journeysim optimize`: the best setting of chosen levers (paths as in a
//! variant's `set`) for an objective metric under constraints, on common
//! random numbers, reported with its uncertainty: every evaluated setting
//! whose paired difference from the best is not significant.
//!
//! - Discrete levers (lists, FROM:TO:STEP): successive halving over the grid
//!   — every setting gets 2 replications, the better half twice as many, …,
//!   up to `replications` — then exhaustive on the survivors. The best is
//!   among the settings with the most replications (feasible first).
//! - Continuous levers (LOW:HIGH): NLopt's COBYLA (derivative-free, handles
//!   the constraints) on the mean over `replications` replications.
//! Replication r uses the seed replication_seed(seed, r) for every setting,
//! so two settings differ only by what the levers change (paired).

#include "journeysim/engine/totals.h"
#include "journeysim/experiment/sweep_decision.h"
#include "journeysim/rng/stream.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace journeysim {

struct Lever {
  std::string path;
  double low = 0.0, high = 0.0; //!< continuous range (values empty)
  std::vector<double> values;   //!< discrete choices
  bool continuous() const { return values.empty(); }
};

//! PATH=LOW:HIGH (continuous), PATH=FROM:TO:STEP or PATH=a,b,c (discrete).
//! @throws InputError With an example.
Lever parse_lever(const std::string& spec);

struct OptimizeOptions {
  std::vector<Lever> levers;
  Objective objective;             //!< metric, direction, scale, change costs
  std::vector<Target> constraints; //!< on the mean across replications
  int replications = 8;
  std::uint64_t agents = 0;        //!< 0: the scenario's population
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::optional<rng::Stream> random_stream; //!< instead of the scenario's (`--random-stream`)
  int threads = 0;
  int variant = 0;                 //!< index of the variant whose metrics count
  int max_evaluations = 60;        //!< continuous: NLopt's budget of settings
  double tolerance = 1e-3;         //!< continuous: relative to each lever's range
  const std::atomic<bool>* cancel = nullptr;
};

//! One evaluated setting.
struct Evaluation {
  std::vector<double> x;                       //!< one value per lever
  std::vector<double> objective;               //!< per replication 0, 1, … (metric × scale ∓ change cost)
  std::vector<std::vector<double>> constraint; //!< [constraint][replication]: the metric
  double mean = 0.0;                           //!< of objective
  bool feasible = true;                        //!< every constraint's mean holds
  // Against the best, on the replications both have (paired): best − this.
  double diff = 0.0, diff_low = 0.0, diff_high = 0.0;
  //! Feasible and the difference from the best not significant, with as many replications as the best (or
  //! the same objective on every replication they share); true for the best.
  bool equivalent = false;
};

struct OptimizeResult {
  std::string method;
  std::vector<Evaluation> evaluations; //!< in evaluation order
  std::size_t best = 0;                //!< index into evaluations: the best of those with the most replications
  bool any_feasible = false;
  std::vector<std::string> metric_names; //!< of the constraints, for reports
  std::size_t unsettled_runs = 0;        //!< runs whose population feedback did not converge
};

//! The metrics of a summary by name (as in a sweep's /runs/index).
std::vector<std::pair<std::string, double>> summary_metrics(const Summary& s);

//! @throws ScenarioError/InputError For a bad lever path or value (before anything runs).
//! @throws Cancelled If options.cancel was set.
OptimizeResult optimize(const std::string& scenario_path, const OptimizeOptions& options,
                        const std::function<void(std::size_t evaluations, std::size_t runs)>& progress = {});

} // namespace journeysim
