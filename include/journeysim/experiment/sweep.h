#pragma once
//! Batch experiments: every point of a parameter grid × every replication is
//! a run of the scenario (all its variants). Replication r uses the seed
//! replication_seed(seed, r) at every grid point, so the points of one
//! replication share their customers (common random numbers: smooth
//! response curves) while replications are independent.

#include "journeysim/engine/runner.h"
#include "journeysim/experiment/grid.h"
#include "journeysim/scenario/loader.h"
#include "journeysim/scenario/scenario.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace journeysim {

namespace parallel {
class Ranks;
}

//! The most runs (grid points × replications) one sweep may have.
inline constexpr std::uint64_t MAX_SWEEP_RUNS = 1'000'000;
//! The most replications per grid point (`sweep -r`).
inline constexpr std::int64_t MAX_SWEEP_REPLICATIONS = 100'000;

struct SweepOptions {
  std::vector<Parameter> parameters;
  int replications = 1;
  std::uint64_t agents = 0; //!< 0: the scenario's population
  std::uint64_t seed = 0;
  bool seed_given = false;  //!< false: the scenario's seed
  int threads = 0;          //!< 0: all cores
  bool per_agent = false;   //!< hand per-agent chunks to the sink
  std::optional<rng::Stream> random_stream; //!< instead of the scenario's (`--random-stream`)
  const std::atomic<bool>* cancel = nullptr;
  //! Several: a task farm (docs/SCALING.md). Rank 0 hands out runs to the
  //! others as they become free and is the only one to use the sink; the
  //! sink sees the same runs in the same order as with one process.
  //! Not with per_agent.
  const parallel::Ranks* ranks = nullptr;
};

//! One run: a grid point in one replication (all variants of the scenario).
struct SweepRun {
  std::size_t index = 0;       //!< replication · points + point
  std::size_t point = 0;
  int replication = 0;
  std::uint64_t seed = 0;
  std::vector<double> values;  //!< one per parameter
};

//! Where the runs go. Called from one thread at a time, runs in index order.
class SweepSink {
public:
  virtual ~SweepSink() = default;
  //! True when this run is already stored (resume): it is skipped.
  virtual bool has(const SweepRun& run) const = 0;
  //! Per-agent chunks of the run, or null (only asked when per_agent).
  virtual ChunkSink* chunks(const SweepRun& run, const Scenario& scenario, const RunOptions& options) = 0;
  virtual void store(const SweepRun& run, const Scenario& scenario, const RunResult& result) = 0;
};

//! The seed of replication r: a SplitMix64 mix of (seed, r).
std::uint64_t replication_seed(std::uint64_t seed, int replication);

//! Every run of the sweep, in order (nothing is simulated).
//! @throws InputError If there would be more than MAX_SWEEP_RUNS (checked
//!         from the number of values, before the grid is built).
std::vector<SweepRun> plan_sweep(const Scenario& scenario, const SweepOptions& options);

//! The overrides of one run's grid point.
std::vector<Override> overrides_of(const SweepOptions& options, const SweepRun& run);

//! Run the sweep. `progress(runs_done, agents_done)` after each run.
//! @throws ScenarioError For a bad path or value (before anything runs).
//! @throws Cancelled     If cancelled; the sink has every run finished before.
void run_sweep(const std::string& scenario_path, const SweepOptions& options, SweepSink& sink,
               const std::function<void(std::size_t, std::uint64_t)>& progress = {});

} // namespace journeysim
