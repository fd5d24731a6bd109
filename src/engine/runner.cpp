#include "journeysim/engine/runner.h"

#include "journeysim/engine/feedback.h"
#include "journeysim/engine/journey.h"
#include "journeysim/engine/rank_totals.h"
#include "journeysim/error.h"
#include "journeysim/parallel/ranks.h"

#include <tbb/blocked_range.h>
#include <tbb/concurrent_queue.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <limits>
#include <numeric>
#include <optional>

namespace journeysim {

namespace {

//! Floating-point sums of one block of agents.
struct BlockSums {
  double revenue = 0.0, cost = 0.0, mood = 0.0, discount = 0.0, clv = 0.0;
};

//! A chunk in flight, with the per-block partial results of each variant.
struct ChunkWork {
  Chunk chunk;
  std::vector<std::vector<BlockSums>> sums;    //!< [variant][block]
  std::vector<std::vector<JourneyTally>> tallies; //!< [variant][block]
  std::vector<RunTimings> block_timings;          //!< [block]: generate, simulate
  double prepare_seconds = 0.0;                   //!< in ChunkSink::prepare
  std::size_t slot = 0;                           //!< chunk index within this rank's range
};

//! The agents of every chunk, kept from the first pass of a run whose
//! population feedback simulates it several times: the later passes and the
//! final one read them instead of generating them again (a quarter of a
//! pass of the default scenario). Only where they fit in
//! RunOptions::population_cache_bytes, so memory stays bounded.
struct PopulationCache {
  bool filled = false;                           //!< false: the next pass fills it
  std::vector<std::vector<AgentColumns>> chunks; //!< [slot][population]
};

double seconds_since(std::chrono::steady_clock::time_point& t)
{
  const auto now = std::chrono::steady_clock::now();
  const double s = std::chrono::duration<double>(now - t).count();
  t = now;
  return s;
}

//! Everything fixed for the run: one population and compiled model per
//! selected variant, and which variants share a population.
struct Plan {
  std::vector<std::unique_ptr<Population>> populations; //!< per distinct population
  std::vector<std::size_t> population_of;               //!< per selected variant
  std::vector<std::unique_ptr<CompiledModel>> models;   //!< per selected variant
};

Plan make_plan(const Scenario& scenario, const RunOptions& o, const std::vector<TouchpointInfo>& rows)
{
  Plan plan;
  std::vector<int> owner; // variant index that owns each population
  for (int v : o.variants) {
    const Model& model = scenario.variants[static_cast<std::size_t>(v)];
    std::size_t p = 0;
    while (p < owner.size() &&
           !same_population(scenario.variants[static_cast<std::size_t>(owner[p])], model))
      ++p;
    if (p == owner.size()) {
      owner.push_back(v);
      plan.populations.push_back(std::make_unique<Population>(model, o.seed, o.tables));
    }
    plan.population_of.push_back(p);
    plan.models.push_back(std::make_unique<CompiledModel>(model, *plan.populations[p], rows, scenario.horizon_days));
  }
  if (!o.attribute_columns) {
    // Only what targeting reads: the attributes of every range of the
    // variants sharing each population.
    std::vector<std::vector<std::string>> used(plan.populations.size());
    for (std::size_t j = 0; j < o.variants.size(); ++j)
      for (const auto& t : scenario.variants[static_cast<std::size_t>(o.variants[j])].touchpoints)
        for (const auto& r : t.target.ranges)
          used[plan.population_of[j]].push_back(r.attribute);
    for (std::size_t p = 0; p < plan.populations.size(); ++p)
      plan.populations[p]->draw_only(used[p]);
  }
  return plan;
}

//! Simulate agents [begin, end) of a chunk in one variant.
void simulate_block(const CompiledModel& model, const AgentColumns& agents, std::uint64_t seed,
                    int horizon, std::size_t begin, std::size_t end, OutcomeColumns& out,
                    BlockSums& sums, JourneyTally& tally)
{
  const std::size_t k = out.stages;
  tally.clear();
  sums = {};
  for (std::size_t i = begin; i < end; ++i) {
    const AgentView a = AgentView::of(agents, i);

    Outcome o;
    o.stage_day = &out.stage_day[i * k];
    simulate_journey(model, seed, horizon, a, o, tally);
    out.final_stage[i] = o.final_stage;
    out.lost[i] = o.lost ? 1 : 0;
    out.lost_day[i] = o.lost_day;
    out.purchases[i] = o.purchases;
    out.revenue[i] = o.revenue;
    out.cost[i] = o.cost;
    out.touches[i] = o.touches;
    out.cart_abandons[i] = o.cart_abandons;
    out.mood[i] = o.mood;
    out.arrival_day[i] = o.arrival_day;
    out.arrival_source[i] = o.arrival_source;
    out.discount[i] = o.discount;
    out.clv[i] = o.clv;
    sums.revenue += o.revenue;
    sums.cost += o.cost;
    sums.mood += o.mood;
    sums.discount += o.discount;
    sums.clv += o.clv;
  }
}

} // namespace

RunOptions resolve_options(const Scenario& scenario, RunOptions o)
{
  if (o.agents == 0)
    o.agents = scenario.population;
  if (!o.seed_given) {
    o.seed = scenario.seed;
    o.seed_given = true;
  }
  if (o.threads <= 0)
    o.threads = tbb::info::default_concurrency();
  o.chunk_agents = std::max<std::size_t>(1, (o.chunk_agents + BLOCK_AGENTS - 1) / BLOCK_AGENTS) *
                   BLOCK_AGENTS;
  if (o.variants.empty())
    for (std::size_t v = 0; v < scenario.variants.size(); ++v)
      o.variants.push_back(static_cast<int>(v));
  for (int v : o.variants)
    if (v < 0 || static_cast<std::size_t>(v) >= scenario.variants.size())
      throw InputError("variant index " + std::to_string(v) + " out of range");
  return o;
}

void rank_range(const RunOptions& o, int rank, int ranks, std::uint64_t& first, std::uint64_t& end)
{
  const std::uint64_t unit = std::lcm<std::uint64_t>(o.chunk_agents, RANK_ALIGN_AGENTS);
  const std::uint64_t units = (o.agents + unit - 1) / unit;
  parallel::split_evenly(units, ranks, rank, first, end);
  first = std::min(o.agents, first * unit);
  end = std::min(o.agents, end * unit);
}

namespace {

//! One pass over this rank's agents (all of them for one process) for the
//! variants at positions `sel` of o.variants, streaming chunks to `sink`
//! (may be null); adds into `totals` (indexed like o.variants), and with
//! several ranks combines them over the ranks (rank_totals.h).
//! @throws Cancelled If o.cancel was set; the sink saw a prefix of chunks.
//! With a `cache`, an unfilled one is filled and a filled one read.
void simulate_population(const Scenario& scenario, const RunOptions& o, const Plan& plan,
                         const std::vector<std::size_t>& sel, ChunkSink* sink, std::vector<VariantTotals>& totals,
                         RunTimings& timings, bool report_progress, PopulationCache* cache)
{
  const std::size_t n_variants = o.variants.size();
  const int horizon = scenario.horizon_days;
  const bool ranked = o.ranks && o.ranks->size() > 1;
  std::uint64_t range_first = 0, range_end = o.agents;
  if (ranked)
    rank_range(o, o.ranks->rank(), o.ranks->size(), range_first, range_end);
  const std::uint64_t first_chunk = range_first / o.chunk_agents;
  const std::uint64_t n_chunks =
    range_end > range_first ? (range_end + o.chunk_agents - 1) / o.chunk_agents : first_chunk;
  std::uint64_t next_chunk = first_chunk;
  const bool fill_cache = cache && !cache->filled;
  if (fill_cache)
    cache->chunks.assign(static_cast<std::size_t>(n_chunks - first_chunk), {});
  // With several ranks the floating-point partials of each block are kept,
  // to be folded in global block order once every rank is done.
  BlockLedger ledger(ranked ? n_variants : 0);
  report_progress = report_progress && (!ranked || o.ranks->root());
  // Two chunks per thread in flight keep both stages busy; memory stays
  // bounded by the token count, not by the population.
  const std::size_t max_tokens = 2 * static_cast<std::size_t>(o.threads) + 1;
  // Chunk buffers are owned here (so nothing leaks if a stage throws) and
  // recycled through `spare`; only the serial input stage allocates.
  std::vector<std::unique_ptr<ChunkWork>> owned;
  tbb::concurrent_queue<ChunkWork*> spare;
  // Set once a block was skipped because of a cancel request: from then on
  // nothing more reaches the sink, and the run ends with Cancelled. Checked
  // per block, so stopping takes one block, not one chunk (--chunk can be 16M).
  std::atomic<bool> abandoned{false};

  // A local arena sized to the request. Only a request above the core count
  // needs the (process-wide, scoped) global_control to get its threads; it is
  // left alone otherwise, so runs can nest inside other parallel work.
  std::optional<tbb::global_control> allow;
  if (o.threads > tbb::info::default_concurrency())
    allow.emplace(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(o.threads));
  tbb::task_arena arena(o.threads);
  arena.execute([&] {
    tbb::parallel_pipeline(
      max_tokens,
      tbb::make_filter<void, ChunkWork*>(
        tbb::filter_mode::serial_in_order,
        [&](tbb::flow_control& fc) -> ChunkWork* {
          if (next_chunk == n_chunks || (o.cancel && o.cancel->load())) {
            fc.stop();
            return nullptr;
          }
          ChunkWork* w = nullptr;
          if (!spare.try_pop(w))
            w = owned.emplace_back(std::make_unique<ChunkWork>()).get();
          w->slot = static_cast<std::size_t>(next_chunk - first_chunk);
          const std::uint64_t first = next_chunk++ * o.chunk_agents;
          w->chunk.first = first;
          w->chunk.size = static_cast<std::size_t>(std::min<std::uint64_t>(o.chunk_agents, range_end - first));
          return w;
        }) &
        tbb::make_filter<ChunkWork*, ChunkWork*>(
          tbb::filter_mode::parallel,
          [&](ChunkWork* w) {
            if (o.cancel && o.cancel->load(std::memory_order_relaxed)) {
              abandoned.store(true, std::memory_order_relaxed);
              return w;
            }
            Chunk& c = w->chunk;
            const std::size_t n = c.size;
            const std::size_t n_blocks = (n + BLOCK_AGENTS - 1) / BLOCK_AGENTS;
            c.populations.resize(plan.populations.size());
            c.variants.resize(n_variants);
            w->sums.resize(n_variants);
            w->tallies.resize(n_variants);
            w->block_timings.assign(n_blocks, RunTimings{});
            std::vector<AgentColumns>* kept = cache && cache->filled ? &cache->chunks[w->slot] : nullptr;
            std::vector<AgentColumns>& agents = kept ? *kept : c.populations;
            if (!kept)
              for (std::size_t p = 0; p < plan.populations.size(); ++p)
                plan.populations[p]->prepare(c.first, n, c.populations[p]);
            for (std::size_t v : sel) {
              const Model& model = scenario.variants[static_cast<std::size_t>(o.variants[v])];
              c.variants[v].variant = o.variants[v];
              c.variants[v].agents = &agents[plan.population_of[v]];
              c.variants[v].outcomes.resize(n, model.stages.size());
              w->sums[v].resize(n_blocks);
              w->tallies[v].resize(n_blocks, totals[v].tally);
            }
            // Blocks of one chunk run in parallel too, so small populations
            // (a single chunk) still use every core.
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n_blocks, 1),
                              [&](const tbb::blocked_range<std::size_t>& r) {
                                for (std::size_t b = r.begin(); b != r.end(); ++b) {
                                  if (o.cancel && o.cancel->load(std::memory_order_relaxed)) {
                                    abandoned.store(true, std::memory_order_relaxed);
                                    return;
                                  }
                                  const std::size_t begin = b * BLOCK_AGENTS;
                                  const std::size_t end = std::min(n, begin + BLOCK_AGENTS);
                                  auto clock = std::chrono::steady_clock::now();
                                  if (!kept)
                                    for (std::size_t p = 0; p < plan.populations.size(); ++p)
                                      plan.populations[p]->fill(c.populations[p], begin, end);
                                  w->block_timings[b].generate = seconds_since(clock);
                                  for (std::size_t v : sel) {
                                    // With 1000 variants a block is long: check between variants too.
                                    if (o.cancel && o.cancel->load(std::memory_order_relaxed)) {
                                      abandoned.store(true, std::memory_order_relaxed);
                                      return;
                                    }
                                    simulate_block(*plan.models[v], *c.variants[v].agents, o.seed,
                                                   horizon, begin, end, c.variants[v].outcomes,
                                                   w->sums[v][b], w->tallies[v][b]);
                                  }
                                  w->block_timings[b].simulate = seconds_since(clock);
                                }
                              });
            if (fill_cache && !abandoned.load(std::memory_order_relaxed))
              cache->chunks[w->slot] = c.populations;
            w->prepare_seconds = 0.0;
            if (sink && !abandoned.load(std::memory_order_relaxed)) {
              auto clock = std::chrono::steady_clock::now();
              sink->prepare(c);
              w->prepare_seconds = seconds_since(clock);
            }
            return w;
          }) &
        tbb::make_filter<ChunkWork*, void>(
          tbb::filter_mode::serial_in_order, [&](ChunkWork* w) {
            if (abandoned.load(std::memory_order_relaxed))
              return spare.push(w);
            auto clock = std::chrono::steady_clock::now();
            for (const RunTimings& t : w->block_timings) {
              timings.generate += t.generate;
              timings.simulate += t.simulate;
            }
            timings.prepare += w->prepare_seconds;
            for (std::size_t v : sel) {
              auto& t = totals[v];
              t.add_counts(*w->chunk.variants[v].agents, w->chunk.variants[v].outcomes);
              for (std::size_t b = 0; b < w->sums[v].size(); ++b) {
                const BlockSums& s = w->sums[v][b];
                t.add_sums(s.revenue, s.cost, s.mood);
                t.add_money(s.discount, s.clv);
                t.tally += w->tallies[v][b];
                if (ranked)
                  ledger.record(v, s.revenue, s.cost, s.mood, s.discount, s.clv, w->tallies[v][b]);
              }
            }
            if (sink)
              sink->write(w->chunk);
            timings.sink += seconds_since(clock);
            if (report_progress && o.progress)
              o.progress(ranked ? (w->chunk.first + w->chunk.size - range_first) * o.agents /
                                    std::max<std::uint64_t>(1, range_end - range_first)
                                : w->chunk.first + w->chunk.size);
            spare.push(w);
          }));
  });
  timings.chunk_buffers = std::max(timings.chunk_buffers, owned.size());
  timings.chunk_buffer_limit = std::max(timings.chunk_buffer_limit, max_tokens);

  if (abandoned.load() || (o.cancel && o.cancel->load() && next_chunk < n_chunks))
    throw Cancelled();
  if (fill_cache)
    cache->filled = true;
  if (sink)
    sink->finish();
  if (ranked)
    combine_ranks(*o.ranks, sel, ledger, totals);
}

//! Fresh totals for every selected variant.
std::vector<VariantTotals> make_totals(const Scenario& scenario, const RunOptions& o,
                                       const std::vector<TouchpointInfo>& rows)
{
  std::vector<VariantTotals> totals;
  for (int v : o.variants)
    totals.emplace_back(scenario.variants[static_cast<std::size_t>(v)], scenario.horizon_days, rows.size(),
                        scenario.budget_share(o.agents));
  return totals;
}

//! Solve the population feedback of every coupled variant (feedback.h):
//! passes without output until each variant's curve stops changing. Leaves
//! each compiled model with the day tables its final pass must use.
std::vector<FeedbackReport> solve_feedback(const Scenario& scenario, const RunOptions& o, Plan& plan,
                                           const std::vector<TouchpointInfo>& rows, RunTimings& timings,
                                           PopulationCache* cache)
{
  const std::size_t n_variants = o.variants.size();
  const std::size_t H = static_cast<std::size_t>(scenario.horizon_days);
  std::vector<FeedbackReport> reports(n_variants);
  std::vector<std::size_t> pending;
  for (std::size_t v = 0; v < n_variants; ++v)
    if (scenario.variants[static_cast<std::size_t>(o.variants[v])].needs_feedback())
      pending.push_back(v);
  // Per variant: the smallest spend error so far, and passes since it last fell by a fifth.
  std::vector<double> least_spend_error(n_variants, std::numeric_limits<double>::infinity());
  std::vector<int> stalled(n_variants, 0);
  for (int pass = 1; !pending.empty(); ++pass) {
    std::vector<VariantTotals> totals = make_totals(scenario, o, rows);
    simulate_population(scenario, o, plan, pending, nullptr, totals, timings, false, cache);
    std::vector<std::size_t> still;
    double worst = 0.0;
    for (std::size_t v : pending) {
      const Model& model = scenario.variants[static_cast<std::size_t>(o.variants[v])];
      VariantTotals& t = totals[v];
      t.finish();
      FeedbackCurves measured{t.advocates, t.tally.eligible};
      FeedbackReport& r = reports[v];
      r.passes = pass;
      r.residual = pass == 1 ? std::numeric_limits<double>::infinity()
                             : curve_distance(measured, r.curves, model.personas.size(), H);
      if (!plan.models[v]->paced.empty())
        r.spend_error = pass == 1 ? std::numeric_limits<double>::infinity()
                                  : budget_spend_error(*plan.models[v], r.curves, measured);
      worst = std::max(worst, r.residual);
      // Done when this pass used r.curves and reproduced them: every curve
      // within tolerance × N agents a day, and what the budgets' pacing
      // spends within 10 × tolerance of them (a day's audience can be small
      // beside N; its spend is not) — or, the curves settled, once that
      // spend has stopped improving for two passes: where a few customers'
      // days flip between passes it is as settled as whole agents allow.
      const bool curves_settled = r.residual <= model.feedback.tolerance * static_cast<double>(o.agents);
      bool spend_settled = !(r.spend_error > 10.0 * model.feedback.tolerance);
      if (!spend_settled) {
        stalled[v] = r.spend_error < 0.8 * least_spend_error[v] ? 0 : stalled[v] + 1;
        least_spend_error[v] = std::min(least_spend_error[v], r.spend_error);
        spend_settled = curves_settled && stalled[v] >= 2;
      }
      if (curves_settled && spend_settled)
        continue;
      r.curves = std::move(measured);
      plan.models[v]->set_days(
        day_tables(model, *plan.models[v], o.agents, scenario.budget_share(o.agents), &r.curves));
      if (pass >= model.feedback.max_passes)
        r.converged = false;
      else
        still.push_back(v);
    }
    if (o.feedback_progress)
      o.feedback_progress(pass, worst);
    pending = std::move(still);
  }
  return reports;
}

} // namespace

RunResult run(const Scenario& scenario, RunOptions options, ChunkSink* sink)
{
  const RunOptions o = resolve_options(scenario, std::move(options));
  const std::vector<TouchpointInfo> rows = touchpoint_union(scenario);
  Plan plan = make_plan(scenario, o, rows);
  const std::size_t n_variants = o.variants.size();

  RunResult result;
  result.agents = o.agents;
  result.seed = o.seed;
  result.threads = o.threads;
  result.variants = o.variants;
  result.touchpoints = rows;
  for (std::size_t v = 0; v < n_variants; ++v)
    result.attribute_columns.push_back(plan.populations[plan.population_of[v]]->columns());

  // Several passes over the same agents: keep them if they fit.
  PopulationCache cache;
  std::uint64_t bytes_per_agent = 0;
  for (const auto& p : plan.populations)
    bytes_per_agent += sizeof(std::uint64_t) + sizeof(std::uint16_t) + (3 + p->columns().size()) * sizeof(float);
  const bool repeated = std::any_of(o.variants.begin(), o.variants.end(), [&](int v) {
    return scenario.variants[static_cast<std::size_t>(v)].needs_feedback();
  });
  const bool fits = o.agents <= o.population_cache_bytes / std::max<std::uint64_t>(1, bytes_per_agent);
  PopulationCache* kept = repeated && fits ? &cache : nullptr;

  const auto start = std::chrono::steady_clock::now();
  result.feedback = solve_feedback(scenario, o, plan, rows, result.timings, kept);
  result.totals = make_totals(scenario, o, rows);
  std::vector<std::size_t> all(n_variants);
  for (std::size_t v = 0; v < n_variants; ++v)
    all[v] = v;
  simulate_population(scenario, o, plan, all, sink, result.totals, result.timings, true, kept);
  result.seconds_simulating =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  for (std::size_t v = 0; v < n_variants; ++v) {
    auto& t = result.totals[v];
    t.finish();
    const Model& model = scenario.variants[static_cast<std::size_t>(o.variants[v])];
    if (FeedbackReport& f = result.feedback[v]; f.passes > 0 && !f.converged) {
      // Out of passes: the final pass used the last pass's curves, and what it
      // measured says how far from self-consistent the file is (a converged
      // variant's final pass repeats its last check exactly).
      const FeedbackCurves measured{t.advocates, t.tally.eligible};
      f.residual = curve_distance(measured, f.curves, model.personas.size(),
                                  static_cast<std::size_t>(scenario.horizon_days));
      if (!plan.models[v]->paced.empty())
        f.spend_error = budget_spend_error(*plan.models[v], f.curves, measured);
    }
    for (const auto& tp : model.touchpoints) {
      const auto r = static_cast<std::size_t>(
        std::find_if(rows.begin(), rows.end(), [&](const auto& x) { return x.name == tp.name; }) -
        rows.begin());
      // Budgeted touchpoints cost what each day's price was; the others
      // their fixed cost per exposure (exact, as in model v1).
      t.touch_cost[r] = tp.budget ? t.tally.spend[r] : static_cast<double>(t.tally.exposures[r]) * tp.cost;
    }
  }
  return result;
}

} // namespace journeysim
