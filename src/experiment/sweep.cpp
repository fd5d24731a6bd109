#include "journeysim/experiment/sweep.h"

#include "journeysim/engine/rank_totals.h"
#include "journeysim/error.h"
#include "journeysim/parallel/ranks.h"
#include "journeysim/population/quantile_tables.h"
#include "journeysim/scenario/loader.h"

#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <map>

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

namespace {

// The task farm's messages (tags).
enum Tag : int { WORK = 1, STOP = 2, RESULT = 3, CANCELLED = 4 };

using OptionsFor = std::function<RunOptions(const SweepRun&, int threads)>;

//! Rank 0: hands out the runs still to do, one at a time, to ranks as they
//! become free; stores results in run order as they become contiguous.
void farm_out(const parallel::Ranks& ranks, const std::vector<SweepRun>& runs,
              const std::vector<Scenario>& scenarios, const OptionsFor& options_for, const SweepOptions& o,
              SweepSink& sink, const std::function<void(std::size_t, std::uint64_t)>& progress)
{
  std::vector<const SweepRun*> todo;
  for (const auto& run : runs)
    if (!sink.has(run))
      todo.push_back(&run);
  std::size_t done = runs.size() - todo.size(), next = 0, stored = 0;
  std::uint64_t agents_done = 0;
  std::map<std::size_t, RunResult> finished; // by run index, until stored
  bool stopping = false;
  int working = 0;
  const auto hand_out = [&](int rank) {
    if (stopping || next == todo.size()) {
      ranks.send(rank, STOP, {});
      return;
    }
    ranks.send(rank, WORK, std::to_string(todo[next++]->index));
    ++working;
  };
  for (int r = 1; r < ranks.size(); ++r)
    hand_out(r);
  while (working > 0) {
    int from = -1, tag = 0;
    const std::string message = ranks.receive(from, tag);
    --working;
    if (tag == RESULT) {
      const std::size_t at = message.find(' ');
      const std::size_t index = std::stoull(message.substr(0, at));
      const SweepRun& run = runs.at(index);
      finished.emplace(index, unpack_result(message.substr(at + 1), scenarios[run.point],
                                            options_for(run, o.threads)));
    } else {
      stopping = true; // a rank was interrupted: so is the sweep
    }
    stopping = stopping || (o.cancel && o.cancel->load());
    for (auto it = finished.begin(); stored < todo.size() && it != finished.end() && it->first == todo[stored]->index;
         it = finished.erase(it), ++stored) {
      const SweepRun& run = *todo[stored];
      sink.store(run, scenarios[run.point], it->second);
      agents_done += it->second.agents * it->second.variants.size();
      if (progress)
        progress(++done, agents_done);
    }
    hand_out(from);
  }
  if (stored < todo.size())
    throw Cancelled();
}

//! Every other rank: runs what rank 0 hands out until it says stop.
void work_for_root(const parallel::Ranks& ranks, const std::vector<SweepRun>& runs,
                   const std::vector<Scenario>& scenarios, const OptionsFor& options_for, const SweepOptions& o)
{
  bool cancelled = false;
  for (;;) {
    int from = 0, tag = 0;
    const std::string message = ranks.receive(from, tag);
    if (tag == STOP)
      break;
    const std::size_t index = std::stoull(message);
    const SweepRun& run = runs.at(index);
    try {
      const RunResult result = journeysim::run(scenarios[run.point], options_for(run, o.threads), nullptr);
      ranks.send(0, RESULT, std::to_string(index) + " " + pack_result(result));
    } catch (const Cancelled&) {
      cancelled = true;
      ranks.send(0, CANCELLED, {});
    }
  }
  if (cancelled)
    throw Cancelled();
}

} // namespace

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
    if (o.random_stream)
      scenarios.back().use_random_stream(*o.random_stream);
  }

  const auto tables = std::make_shared<QuantileTables>(); // built once for all runs
  auto options_for = [&](const SweepRun& run, int threads) {
    RunOptions ro;
    ro.tables = tables;
    ro.agents = o.agents;
    ro.seed = run.seed;
    ro.seed_given = true;
    ro.threads = threads;
    ro.cancel = o.cancel;
    return resolve_options(scenarios[run.point], ro);
  };

  if (o.ranks && o.ranks->size() > 1) {
    const int threads = o.threads > 0 ? o.threads : tbb::info::default_concurrency();
    SweepOptions farm = o;
    farm.threads = threads;
    if (o.ranks->root())
      farm_out(*o.ranks, runs, scenarios, options_for, farm, sink, progress);
    else
      work_for_root(*o.ranks, runs, scenarios, options_for, farm);
    return;
  }

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
