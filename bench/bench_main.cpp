// Google Benchmark suite: the random engine, persona sampling, one journey,
// and the whole engine on scenarios/bench_large.yaml (no output).
//   build/bench/journeysim_bench --benchmark_counters_tabular=true

#include "journeysim/engine/journey.h"
#include "journeysim/engine/runner.h"
#include "journeysim/population/population.h"
#include "journeysim/rng/stream.h"
#include "journeysim/scenario/loader.h"

#include <benchmark/benchmark.h>

#include <boost/random/normal_distribution.hpp>

using namespace journeysim;

namespace {

const Scenario& bench_large()
{
  static const Scenario s = load_scenario(std::string(JOURNEYSIM_SCENARIOS) + "/bench_large.yaml");
  return s;
}

void philox_block(benchmark::State& state)
{
  std::uint64_t agent = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(rng::block(7, agent++, rng::Purpose::Touch, 123, 45));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * 16);
}
BENCHMARK(philox_block);

void normal_draw_on_stream(benchmark::State& state)
{
  rng::StreamEngine eng(7, 1, rng::Purpose::Attribute, 99);
  boost::random::normal_distribution<double> normal(0.0, 1.0);
  for (auto _ : state)
    benchmark::DoNotOptimize(normal(eng));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(normal_draw_on_stream);

void persona_sampling(benchmark::State& state)
{
  const Population population(bench_large().baseline(), 2026);
  AgentColumns agents;
  std::uint64_t first = 0;
  for (auto _ : state) {
    population.generate(first, 1024, agents);
    first += 1024;
    benchmark::DoNotOptimize(agents.attributes.data());
  }
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(persona_sampling);

void one_journey(benchmark::State& state)
{
  const Scenario& s = bench_large();
  const Population population(s.baseline(), s.seed);
  const auto rows = touchpoint_union(s);
  const CompiledModel model(s.baseline(), population, rows);
  AgentColumns agents;
  population.generate(0, 4096, agents);
  std::vector<std::int16_t> stage_day(s.baseline().stages.size());
  JourneyTally tally(rows.size(), s.baseline().stages.size(), s.baseline().personas.size());
  std::size_t i = 0;
  for (auto _ : state) {
    AgentView a;
    a.id = agents.id[i];
    a.persona = agents.persona[i];
    a.patience = agents.patience[i];
    a.tech_savvy = agents.tech_savvy[i];
    a.price_sensitivity = agents.price_sensitivity[i];
    a.attributes = agents.attributes.data() + i;
    a.stride = agents.size;
    Outcome o;
    o.stage_day = stage_day.data();
    simulate_journey(model, s.seed, s.horizon_days, a, o, tally);
    benchmark::DoNotOptimize(o.revenue);
    i = (i + 1) % agents.size;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(one_journey);

void whole_engine(benchmark::State& state)
{
  const Scenario& s = bench_large();
  RunOptions o;
  o.agents = static_cast<std::uint64_t>(state.range(0));
  o.threads = static_cast<int>(state.range(1));
  o.variants = {0};
  for (auto _ : state)
    benchmark::DoNotOptimize(run(s, o, nullptr).totals[0].revenue);
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["threads"] = static_cast<double>(state.range(1));
}
BENCHMARK(whole_engine)->Args({200000, 1})->Args({200000, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
