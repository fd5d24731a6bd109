#include "journeysim/experiment/path_attribution.h"

#include "journeysim/engine/compiled_model.h"
#include "journeysim/engine/feedback.h"
#include "journeysim/engine/journey.h"
#include "journeysim/error.h"
#include "journeysim/population/population.h"
#include "journeysim/util/exact_number.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace journeysim {

namespace {

using PathMap = std::map<std::vector<std::uint16_t>, PathCount>;

//! Probability of reaching "conversion" from "start" in the first-order
//! Markov chain of the paths; `removed` (a touch row, or -1) sends everyone
//! who reaches it to "null" (ChannelAttribution's removal effect).
double conversion_probability(const std::vector<std::vector<double>>& p, int removed)
{
  // States: 0 start, 1 … T touch rows, T + 1 conversion, T + 2 null.
  const std::size_t n = p.size(), conv = n - 2;
  std::vector<double> v(n, 0.0);
  v[conv] = 1.0;
  for (int iteration = 0; iteration < 1000000; ++iteration) {
    double change = 0;
    for (std::size_t i = 0; i < conv; ++i) {
      if (static_cast<int>(i) == removed + 1 && removed >= 0)
        continue; // absorbed into null: stays 0
      double x = 0;
      for (std::size_t j = 0; j < n; ++j)
        x += p[i][j] * v[j];
      change = std::max(change, std::abs(x - v[i]));
      v[i] = x;
    }
    if (change < 1e-15)
      break;
  }
  return v[0];
}

} // namespace

RuleAttribution attribute_paths(std::vector<std::string> touchpoints, std::vector<PathCount> paths)
{
  RuleAttribution a;
  const std::size_t T = touchpoints.size();
  a.touchpoints = std::move(touchpoints);
  a.paths = std::move(paths);
  std::sort(a.paths.begin(), a.paths.end(), [](const PathCount& x, const PathCount& y) { return x.path < y.path; });
  a.last_touch.assign(T, 0.0);
  a.first_touch.assign(T, 0.0);
  a.linear.assign(T, 0.0);
  a.markov.assign(T, 0.0);
  // Transition counts: start → first touch, touch → next touch, last touch → conversion / null.
  std::vector<std::vector<double>> count(T + 3, std::vector<double>(T + 3, 0.0));
  double conversions = 0;
  std::vector<bool> seen(T, false);
  for (const PathCount& pc : a.paths) {
    if (pc.path.empty())
      continue;
    const auto c = static_cast<double>(pc.conversions), all = static_cast<double>(pc.conversions + pc.nulls);
    conversions += c;
    a.last_touch[pc.path.back()] += c;
    a.first_touch[pc.path.front()] += c;
    for (std::uint16_t row : pc.path) {
      a.linear[row] += c / static_cast<double>(pc.path.size());
      seen[row] = true;
    }
    count[0][pc.path.front() + 1u] += all;
    for (std::size_t k = 1; k < pc.path.size(); ++k)
      count[pc.path[k - 1] + 1u][pc.path[k] + 1u] += all;
    count[pc.path.back() + 1u][T + 1] += c;
    count[pc.path.back() + 1u][T + 2] += static_cast<double>(pc.nulls);
  }
  if (conversions == 0)
    return a;
  for (auto& row : count) {
    double sum = 0;
    for (double x : row)
      sum += x;
    if (sum > 0)
      for (double& x : row)
        x /= sum;
  }
  const double base = conversion_probability(count, -1);
  std::vector<double> effect(T, 0.0);
  double total = 0;
  for (std::size_t t = 0; t < T; ++t)
    if (seen[t]) {
      effect[t] = base > 0 ? std::max(0.0, 1 - conversion_probability(count, static_cast<int>(t)) / base) : 0.0;
      total += effect[t];
    }
  for (std::size_t t = 0; t < T; ++t)
    a.markov[t] = total > 0 ? conversions * effect[t] / total : 0.0;
  return a;
}

RuleAttribution path_attribution(const Scenario& scenario, RunOptions options, const FeedbackReport* feedback)
{
  options.variants = {0};
  const RunOptions o = resolve_options(scenario, options);
  const Model& base = scenario.baseline();
  const std::vector<TouchpointInfo> rows = touchpoint_union(scenario);
  const Population population(base, o.seed);
  CompiledModel model(base, population, rows, scenario.horizon_days);
  // The run's journeys: with population feedback, the day tables its fixed point found.
  if (feedback && feedback->passes > 0)
    model.set_days(day_tables(base, model, o.agents, scenario.budget_share(o.agents), &feedback->curves));
  const std::size_t paced = model.paced.size();
  const int conversion = base.first_purchase_stage();
  const std::size_t K = base.stages.size();
  constexpr std::size_t BLOCK = 16 * BLOCK_AGENTS;
  const std::size_t blocks = static_cast<std::size_t>((o.agents + BLOCK - 1) / BLOCK);
  std::vector<PathMap> per_block(blocks);

  tbb::task_arena arena(o.threads);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t b) {
      if (o.cancel && o.cancel->load())
        return;
      const std::uint64_t first = b * BLOCK;
      const auto size = static_cast<std::size_t>(std::min<std::uint64_t>(BLOCK, o.agents - first));
      AgentColumns agents;
      population.generate(first, size, agents);
      JourneyTally tally(rows.size(), K, population.persona_count(), paced,
                         static_cast<std::size_t>(scenario.horizon_days));
      std::vector<std::int16_t> stage_day(K);
      std::vector<std::pair<std::uint16_t, std::int8_t>> events;
      std::vector<std::uint16_t> path;
      PathMap& paths = per_block[b];
      for (std::size_t i = 0; i < size; ++i) {
        Outcome out;
        out.stage_day = stage_day.data();
        events.clear();
        out.path = &events;
        simulate_journey(model, o.seed, scenario.horizon_days, AgentView::of(agents, i), out, tally);
        path.clear();
        for (const auto& [row, stage] : events)
          if (conversion < 0 || stage < conversion)
            path.push_back(row);
        if (path.empty())
          continue;
        PathCount& pc = paths[path];
        if (conversion >= 0 && stage_day[static_cast<std::size_t>(conversion)] >= 0) {
          ++pc.conversions;
          pc.value += out.revenue;
        } else {
          ++pc.nulls;
        }
      }
    });
  });
  if (o.cancel && o.cancel->load())
    throw Cancelled();
  // Blocks merged in agent order: the value sums are the same for any thread count.
  PathMap all;
  for (const PathMap& m : per_block)
    for (const auto& [path, pc] : m) {
      PathCount& to = all[path];
      to.path = path;
      to.conversions += pc.conversions;
      to.value += pc.value;
      to.nulls += pc.nulls;
    }
  std::vector<std::string> names;
  for (const auto& r : rows)
    names.push_back(r.name);
  std::vector<PathCount> paths;
  paths.reserve(all.size());
  for (auto& [path, pc] : all)
    paths.push_back(std::move(pc));
  return attribute_paths(std::move(names), std::move(paths));
}

void write_channel_attribution_paths(std::ostream& out, const RuleAttribution& a)
{
  out << "path;total_conversions;total_conversion_value;total_null\n";
  for (const PathCount& pc : a.paths) {
    for (std::size_t k = 0; k < pc.path.size(); ++k)
      out << (k ? " > " : "") << a.touchpoints[pc.path[k]];
    out << ";" << pc.conversions << ";" << exact_number(pc.value) << ";" << pc.nulls << "\n";
  }
}

} // namespace journeysim
