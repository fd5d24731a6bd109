// Google Benchmark suite: the random engine, persona sampling, one journey
// (bench_large, and per stage kind), the whole engine on
// scenarios/bench_large.yaml (no output), and the HDF5 writer.
//   build/bench/journeysim_bench --benchmark_counters_tabular=true

#include "journeysim/engine/journey.h"
#include "journeysim/engine/runner.h"
#include "journeysim/population/population.h"
#include "journeysim/population/quantile_table.h"
#include "journeysim/population/quantile_tables.h"
#include "journeysim/results/results_writer.h"
#include "journeysim/rng/stream.h"
#include "journeysim/scenario/loader.h"

#include <benchmark/benchmark.h>

#include <boost/random/normal_distribution.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

using namespace journeysim;

namespace {

// Cases with an argument `stream` run under that random stream (1: Philox
// 10 rounds and libm, as before stream 2; 2: one block per eventful day;
// 3: the default, attributes by quantile tables).
rng::Stream stream_of(std::int64_t arg) { return static_cast<rng::Stream>(arg); }

Scenario with_stream(Scenario s, rng::Stream stream)
{
  for (Model& m : s.variants)
    m.random_stream = stream;
  return s;
}

const Scenario& bench_large(rng::Stream stream = rng::DEFAULT_STREAM)
{
  static const Scenario s = load_scenario(std::string(JOURNEYSIM_SCENARIOS) + "/bench_large.yaml");
  static const Scenario one = with_stream(s, rng::Stream::v1), two = with_stream(s, rng::Stream::v2),
                        three = with_stream(s, rng::Stream::v3);
  return stream == rng::Stream::v1 ? one : stream == rng::Stream::v2 ? two : three;
}

//! The scenario `journeysim demo` runs: budgets, a trigger, a calendar,
//! arrivals over time and referrals.
const Scenario& default_what_if_scenario()
{
  static const Scenario s = load_scenario(std::string(JOURNEYSIM_SCENARIOS) + "/checkout_what_if.yaml");
  return s;
}

void philox_block(benchmark::State& state)
{
  const rng::Stream stream = stream_of(state.range(0));
  std::uint64_t agent = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(rng::block(7, agent++, rng::Purpose::Touch, 123, 45, stream));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * 16);
}
BENCHMARK(philox_block)->ArgName("stream")->Arg(1)->Arg(2); // 3 is 2's generator

void normal_draw_on_stream(benchmark::State& state)
{
  rng::StreamEngine eng(7, 1, rng::Purpose::Attribute, 99);
  boost::random::normal_distribution<double> normal(0.0, 1.0);
  for (auto _ : state)
    benchmark::DoNotOptimize(normal(eng));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(normal_draw_on_stream);

//! One beta(3, 3) attribute draw: range 0 = 2 as streams 1 and 2 make it
//! (an Erlang ratio: six uniforms, two logs, on a keyed stream), 3 as
//! stream 3 does (one word of a keyed block, a quantile table look-up).
void beta_attribute(benchmark::State& state)
{
  Distribution d;
  d.kind = Distribution::Kind::Beta;
  d.a = 3;
  d.b = 3;
  const QuantileTable table(d);
  std::uint64_t agent = 0;
  if (state.range(0) == 3) {
    for (auto _ : state)
      benchmark::DoNotOptimize(table(rng::block(7, agent++, rng::Purpose::Attribute, 99, 0, rng::Stream::v3)[0]));
  } else {
    for (auto _ : state) {
      rng::StreamEngine eng(7, agent++, rng::Purpose::Attribute, 99, 0, rng::Stream::v2);
      benchmark::DoNotOptimize(d.sample(eng));
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(beta_attribute)->ArgName("stream")->Arg(2)->Arg(3);

//! Building one table (once per distinct distribution drawn, per run).
void quantile_table_build(benchmark::State& state)
{
  Distribution d;
  d.kind = state.range(0) == 0 ? Distribution::Kind::Beta : Distribution::Kind::Normal;
  d.a = state.range(0) == 0 ? 3 : 22;
  d.b = 3;
  for (auto _ : state)
    benchmark::DoNotOptimize(QuantileTable(d));
}
BENCHMARK(quantile_table_build)->ArgName("normal")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

//! The log of a uniform word: what every quiet-day segment pays once.
void log_of_uniform(benchmark::State& state)
{
  std::uint32_t w = 12345;
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::log(rng::to_unit(w)));
    w = w * 1664525u + 1013904223u;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(log_of_uniform);

//! Building the cached active sets of bench_large's baseline (once per
//! variant, engine/active_sets.h).
//! Range 0: 0 bench_large, 1 the default what-if (budgeted and calendar
//! stages cached day by day, rebuilt on every feedback pass).
void active_sets_build(benchmark::State& state)
{
  const Scenario& s = state.range(0) == 0 ? bench_large() : default_what_if_scenario();
  const Population population(s.baseline(), s.seed);
  const CompiledModel model(s.baseline(), population, touchpoint_union(s), s.horizon_days);
  for (auto _ : state)
    benchmark::DoNotOptimize(ActiveSets(model));
}
BENCHMARK(active_sets_build)->ArgName("what_if")->Arg(0)->Arg(1);

//! Range 0: every attribute; 1: only those the engine uses (--summary-only).
//! Range 1: the random stream.
void persona_sampling(benchmark::State& state)
{
  Population population(bench_large(stream_of(state.range(1))).baseline(), 2026);
  if (state.range(0) == 1)
    population.draw_only({});
  AgentColumns agents;
  std::uint64_t first = 0;
  for (auto _ : state) {
    population.generate(first, 1024, agents);
    first += 1024;
    benchmark::DoNotOptimize(agents.attributes.data());
  }
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(persona_sampling)->ArgNames({"engine_only", "stream"})->ArgsProduct({{0, 1}, {1, 2, 3}});

//! Simulates agents of `s`'s baseline one journey at a time.
void journeys(benchmark::State& state, const Scenario& s)
{
  const Population population(s.baseline(), s.seed);
  const auto rows = touchpoint_union(s);
  const CompiledModel model(s.baseline(), population, rows, s.horizon_days);
  AgentColumns agents;
  population.generate(0, 4096, agents);
  std::vector<std::int16_t> stage_day(s.baseline().stages.size());
  JourneyTally tally(rows.size(), s.baseline().stages.size(), s.baseline().personas.size(), model.paced.size(),
                     static_cast<std::size_t>(s.horizon_days));
  std::size_t i = 0;
  std::uint64_t touches = 0;
  for (auto _ : state) {
    const AgentView a = AgentView::of(agents, i);
    Outcome o;
    o.stage_day = stage_day.data();
    simulate_journey(model, s.seed, s.horizon_days, a, o, tally);
    benchmark::DoNotOptimize(o.revenue);
    touches += o.touches;
    i = (i + 1) % agents.size;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["touches/agent"] = static_cast<double>(touches) / static_cast<double>(state.iterations());
}

void one_journey(benchmark::State& state)
{
  journeys(state, bench_large(stream_of(state.range(0))));
}
BENCHMARK(one_journey)->ArgName("stream")->Arg(1)->Arg(2);

// One stage kind at a time: a 365-day scenario whose agents spend their whole
// year in a stage of that kind, so the per-agent cost is the stage's.
const char* const STAGE_KIND_HEAD = R"(
name: stage-kind
horizon_days: 365
population: 4096
seed: 5
mood_effect: 0.2
personas:
  - {name: p, share: 1, attributes: {tech_savvy: {beta: [2, 2]}, patience: {beta: [2, 3]}}, basket: 40}
)";

const char* const PRE_PURCHASE = R"(
stages:
  - {name: browse, phase: pre_purchase, dropout: 0.004}
  - {name: bought, phase: purchase, dropout: 0.0, purchase: true}
touchpoints:
  - {name: social, channel: social, stages: [browse], reach: 0.05, advance: 0.0, emotion: 0.02}
  - {name: search, channel: search, stages: [browse], reach: 0.03, advance: 0.0}
  - {name: reviews, channel: website, stages: [browse], reach: 0.02, advance: 0.0, kind: moment_of_truth}
  - {name: email, channel: email, stages: [browse], reach: 0.04, advance: 0.0, emotion: -0.01}
)";

const char* const CHECKOUT = R"(
stages:
  - {name: cart, phase: purchase, dropout: 0.004}
  - {name: bought, phase: purchase, dropout: 0.0, purchase: true}
touchpoints:
  - name: checkout
    channel: website
    stages: [cart]
    reach: 0.05
    checkout: {steps: 8, step_abandon: 0.2}
  - {name: remarketing, channel: paid_ads, stages: [cart], target: {cart_abandoned: true}, reach: 0.1, advance: 0.0, cost: 0.3}
)";

const char* const POST_PURCHASE = R"(
stages:
  - {name: first, phase: purchase, dropout: 0.0}
  - {name: bought, phase: purchase, dropout: 0.0, purchase: true}
  - {name: loyalty, phase: post_purchase, dropout: 0.001, purchase_rate: 0.03}
touchpoints:
  - {name: checkout_now, channel: website, stages: [first], reach: 1.0, advance: 1.0}
  - {name: welcome, channel: email, stages: [bought], reach: 1.0, advance: 1.0}
  - {name: newsletter, channel: email, stages: [loyalty], reach: 0.03, advance: 0.0, emotion: 0.01}
)";

void journey_stage_kind(benchmark::State& state, const char* stages)
{
  const Scenario s = parse_scenario(std::string(STAGE_KIND_HEAD) + stages, "stage-kind.yaml");
  journeys(state, with_stream(s, stream_of(state.range(0))));
}
BENCHMARK_CAPTURE(journey_stage_kind, pre_purchase, PRE_PURCHASE)->ArgName("stream")->Arg(1)->Arg(2);
BENCHMARK_CAPTURE(journey_stage_kind, checkout, CHECKOUT)->ArgName("stream")->Arg(1)->Arg(2);
BENCHMARK_CAPTURE(journey_stage_kind, post_purchase, POST_PURCHASE)->ArgName("stream")->Arg(1)->Arg(2);

//! A run of the baseline with range 0 agents on range 1 threads. Stream 3's
//! quantile tables are built once beforehand, as in a sweep: a run's own
//! build (≈ 18 ms per distinct beta, quantile_table_build) is a fixed cost
//! that 10⁵ agents would not amortise.
RunOptions warm_baseline_run(const Scenario& s, const benchmark::State& state)
{
  RunOptions o;
  o.agents = static_cast<std::uint64_t>(state.range(0));
  o.threads = static_cast<int>(state.range(1));
  o.variants = {0};
  o.tables = std::make_shared<QuantileTables>();
  RunOptions warm = o;
  warm.agents = 1024;
  run(s, warm, nullptr); // builds them
  return o;
}

void whole_engine(benchmark::State& state)
{
  const Scenario& s = bench_large(stream_of(state.range(2)));
  const RunOptions o = warm_baseline_run(s, state);
  for (auto _ : state)
    benchmark::DoNotOptimize(run(s, o, nullptr).totals[0].revenue);
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["threads"] = static_cast<double>(state.range(1));
}
BENCHMARK(whole_engine)
  ->ArgNames({"agents", "threads", "stream"})
  ->ArgsProduct({{200000}, {1, 2}, {1, 2, 3}})
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();

//! The default what-if's baseline, end to end without output: its
//! population-feedback passes (budget pacing, referrals) and the final one.
void default_what_if(benchmark::State& state)
{
  const Scenario& s = default_what_if_scenario();
  const RunOptions o = warm_baseline_run(s, state);
  int passes = 0;
  for (auto _ : state) {
    const RunResult r = run(s, o, nullptr);
    passes = r.feedback[0].passes;
    benchmark::DoNotOptimize(r.totals[0].revenue);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["threads"] = static_cast<double>(state.range(1));
  state.counters["passes"] = passes;
}
BENCHMARK(default_what_if)
  ->ArgNames({"agents", "threads"})
  ->ArgsProduct({{50000}, {1, 2}})
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();

//! Keeps the first chunk a run produces, with its own copy of the agents.
struct FirstChunk : ChunkSink {
  Chunk chunk;
  void write(const Chunk& c) override
  {
    if (chunk.size)
      return;
    chunk = c;
    // The copy's variants must point at the copy's populations.
    for (std::size_t v = 0; v < c.variants.size(); ++v)
      for (std::size_t p = 0; p < c.populations.size(); ++p)
        if (c.variants[v].agents == &c.populations[p])
          chunk.variants[v].agents = &chunk.populations[p];
  }
};

//! One 32768-agent chunk of bench_large's baseline, its bytes per chunk
//! as stored uncompressed, and a writer's target in BENCH_TMP (or /tmp).
struct WriterInput {
  Chunk chunk;
  std::uint64_t bytes = 0;
  RunOptions options; //!< a run of 2^40 agents: the file is never committed
  std::string target;

  WriterInput()
  {
    const Scenario& s = bench_large();
    RunOptions o;
    o.agents = 1u << 15;
    o.chunk_agents = o.agents;
    o.variants = {0};
    FirstChunk first;
    run(s, o, &first);
    const auto& out = first.chunk.variants[0].outcomes;
    bytes += out.final_stage.size() + out.lost.size() + 2 * out.lost_day.size() + 2 * out.stage_day.size() +
             2 * out.purchases.size() + 8 * out.revenue.size() + 8 * out.cost.size() + 2 * out.touches.size() +
             2 * out.cart_abandons.size() + 4 * out.mood.size();
    const auto& agents = first.chunk.populations[0];
    bytes += 8 * agents.id.size() + 2 * agents.persona.size() + 4 * agents.attributes.size();
    options = o;
    options.agents = std::uint64_t{1} << 40; // extent set at creation; never committed
    options = resolve_options(s, options);
    chunk = first.chunk;
    chunk.variants[0].agents = &chunk.populations[0];
    const char* tmp = std::getenv("BENCH_TMP");
    target = std::string(tmp ? tmp : "/tmp") + "/journeysim_bench_writer_" + std::to_string(::getpid()) + ".h5";
  }
};

//! The serial writer's work per 32768-agent chunk of per-agent columns
//! (bench_large's baseline): 0 uncompressed; 1 compressed by HDF5's filters
//! in the writer (how --compress worked before); 2 compressed beforehand by
//! ResultsWriter::prepare (on the workers in a run; not timed here) and
//! stored with direct chunk writes — what is left in the writer.
void hdf5_writer(benchmark::State& state)
{
  WriterInput in;
  WriterOptions wo;
  wo.compress = state.range(0) != 0;
  const bool prepared = state.range(0) == 2;
  {
    ResultsWriter writer(in.target, bench_large(), in.options, wo); // its destructor removes the file
    for (auto _ : state) {
      if (prepared) {
        state.PauseTiming();
        writer.prepare(in.chunk);
        state.ResumeTiming();
      }
      writer.write(in.chunk);
      in.chunk.first += in.chunk.size;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(in.chunk.size));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(in.bytes));
  state.counters["compress"] = static_cast<double>(state.range(0));
}
BENCHMARK(hdf5_writer)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

//! The --compress hook alone: ResultsWriter::prepare shuffling and
//! deflating one 32768-agent chunk's columns on one thread (per core).
void chunk_compress(benchmark::State& state)
{
  WriterInput in;
  WriterOptions wo;
  wo.compress = true;
  ResultsWriter writer(in.target, bench_large(), in.options, wo);
  for (auto _ : state) {
    writer.prepare(in.chunk);
    in.chunk.first += in.chunk.size;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(in.chunk.size));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(in.bytes));
}
BENCHMARK(chunk_compress)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
