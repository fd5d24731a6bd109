#include "journeysim/experiment/sweep.h"

#include "journeysim/error.h"
#include "journeysim/scenario/loader.h"

#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include <algorithm>

namespace journeysim {

std::uint64_t replication_seed(std::uint64_t seed, int replication)
{
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (static_cast<std::uint64_t>(replication) + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::vector<SweepRun> plan_sweep(const Scenario& scenario, const SweepOptions& o)
{
  if (o.replications < 1)
    throw InputError("--replications: expected at least 1");
  // The size comes from the factors, before anything is built: three lists
  // of 1001 values must be refused here, not after filling memory.
  std::uint64_t total = static_cast<std::uint64_t>(o.replications);
  for (const auto& p : o.parameters) {
    total *= std::max<std::uint64_t>(p.values.size(), 1);
    if (total > MAX_SWEEP_RUNS)
      break;
  }
  if (total > MAX_SWEEP_RUNS) {
    std::string factors;
    for (const auto& p : o.parameters)
      factors += std::to_string(p.values.size()) + " × ";
    throw InputError("the sweep would have " + factors + std::to_string(o.replications) +
                     " replication(s) = more than 1,000,000 runs, the most one sweep may have (fewer values or "
                     "replications)");
  }
  const std::vector<GridPoint> grid = cartesian(o.parameters);
  const std::uint64_t seed = o.seed_given ? o.seed : scenario.seed;
  std::vector<SweepRun> runs;
  for (int r = 0; r < o.replications; ++r)
    for (std::size_t g = 0; g < grid.size(); ++g) {
      SweepRun run;
      run.index = runs.size();
      run.point = g;
      run.replication = r;
      run.seed = replication_seed(seed, r);
      for (std::size_t p = 0; p < o.parameters.size(); ++p)
        run.values.push_back(o.parameters[p].values[grid[g][p]]);
      runs.push_back(std::move(run));
    }
  return runs;
}

std::vector<Override> overrides_of(const SweepOptions& o, const SweepRun& run)
{
  std::vector<Override> out;
  for (std::size_t p = 0; p < o.parameters.size(); ++p)
    out.push_back({o.parameters[p].path, yaml_number(run.values[p])});
  return out;
}

void run_sweep(const std::string& path, const SweepOptions& o, SweepSink& sink,
               const std::function<void(std::size_t, std::uint64_t)>& progress)
{
  const Scenario plain = load_scenario(path);
  const std::vector<SweepRun> runs = plan_sweep(plain, o);
  const std::size_t points = runs.size() / static_cast<std::size_t>(o.replications);

  // Every grid point is checked before anything runs: a bad value fails now.
  std::vector<Scenario> scenarios;
  for (std::size_t g = 0; g < points; ++g) {
    if (o.cancel && o.cancel->load())
      throw Cancelled();
    scenarios.push_back(load_scenario(path, overrides_of(o, runs[g])));
  }

  auto options_for = [&](const SweepRun& run, int threads) {
    RunOptions ro;
    ro.agents = o.agents;
    ro.seed = run.seed;
    ro.seed_given = true;
    ro.threads = threads;
    ro.cancel = o.cancel;
    return resolve_options(scenarios[run.point], ro);
  };

  std::vector<const SweepRun*> todo;
  for (const auto& run : runs)
    if (!sink.has(run))
      todo.push_back(&run);
  std::size_t done = runs.size() - todo.size();
  std::uint64_t agents_done = 0;
  const int threads = o.threads > 0 ? o.threads : tbb::info::default_concurrency();

  // Large runs use every core inside the run; small ones (aggregates only)
  // run side by side, one core each, so both cores stay busy either way.
  const RunOptions probe = options_for(runs.front(), threads);
  const bool side_by_side = !o.per_agent && threads > 1 &&
                            probe.agents * probe.variants.size() <= 64 * BLOCK_AGENTS;
  const std::size_t batch = side_by_side ? 2 * static_cast<std::size_t>(threads) : 1;

  for (std::size_t first = 0; first < todo.size(); first += batch) {
    if (o.cancel && o.cancel->load())
      throw Cancelled();
    const std::size_t n = std::min(batch, todo.size() - first);
    std::vector<RunResult> results(n);
    if (side_by_side) {
      tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
        const SweepRun& run = *todo[first + i];
        results[i] = journeysim::run(scenarios[run.point], options_for(run, 1), nullptr);
      });
    } else {
      const SweepRun& run = *todo[first];
      const RunOptions ro = options_for(run, threads);
      ChunkSink* chunks = o.per_agent ? sink.chunks(run, scenarios[run.point], ro) : nullptr;
      results[0] = journeysim::run(scenarios[run.point], ro, chunks);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const SweepRun& run = *todo[first + i];
      sink.store(run, scenarios[run.point], results[i]);
      agents_done += results[i].agents * results[i].variants.size();
      ++done;
      if (progress)
        progress(done, agents_done);
    }
  }
}

} // namespace journeysim
