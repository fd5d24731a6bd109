#include "journeysim/experiment/attribution.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace journeysim {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

//! Feeds every removal variant's chunk, with the baseline's, to its comparison.
class PairingSink : public ChunkSink {
public:
  PairingSink(std::size_t variants, const analysis::FunnelShape& shape)
  {
    for (std::size_t v = 1; v < variants; ++v)
      comparisons.push_back(std::make_unique<analysis::PairedComparison>(shape));
  }
  void write(const Chunk& chunk) override
  {
    for (std::size_t j = 1; j < chunk.variants.size(); ++j)
      comparisons[j - 1]->add(chunk.first, chunk.variants[0].outcomes, chunk.variants[j].outcomes,
                              chunk.variants[0].agents->persona.data());
  }
  std::vector<std::unique_ptr<analysis::PairedComparison>> comparisons;
};

const analysis::Estimate* find(const analysis::ComparisonTables& t, const std::string& metric)
{
  for (const auto& r : t.summary)
    if (r.metric == metric)
      return &r.estimate;
  return nullptr;
}

//! baseline − without, exactly as two separate runs' summaries subtract, with
//! the paired CI of (without − baseline) scaled by `scale` and mirrored.
analysis::Estimate increment(double with, double without, const analysis::Estimate* paired, double scale,
                             const std::string& method)
{
  analysis::Estimate e;
  e.baseline = with;
  e.variant = without;
  e.difference = with - without;
  e.ci_low = e.ci_high = e.p_value = NaN;
  e.method = method;
  if (paired && std::isfinite(paired->ci_low)) {
    // The paired estimate is (without − with); its interval is symmetric (Wald/normal).
    const double half = scale * 0.5 * (paired->ci_high - paired->ci_low);
    e.ci_low = e.difference - half;
    e.ci_high = e.difference + half;
    e.p_value = paired->p_value;
  }
  return e;
}

analysis::Estimate derived(double with, double without, double incremental, const std::string& method)
{
  analysis::Estimate e;
  e.baseline = with;
  e.variant = without;
  e.difference = incremental;
  e.ci_low = e.ci_high = e.p_value = NaN;
  e.method = method;
  return e;
}

} // namespace

Attribution with_rule_credits(Attribution a, const RuleAttribution& rules)
{
  Attribution out;
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    out.rows.push_back(a.rows[i]);
    const bool last_of_group = i + 1 == a.rows.size() || a.rows[i + 1].group != a.rows[i].group;
    if (!last_of_group)
      continue;
    const auto it = std::find(rules.touchpoints.begin(), rules.touchpoints.end(), a.rows[i].group);
    if (it == rules.touchpoints.end())
      continue;
    const auto t = static_cast<std::size_t>(it - rules.touchpoints.begin());
    const std::pair<const char*, const std::vector<double>*> credits[] = {
      {"last_touch", &rules.last_touch}, {"first_touch", &rules.first_touch},
      {"linear", &rules.linear}, {"markov", &rules.markov}};
    for (const auto& [metric, values] : credits)
      out.rows.push_back({a.rows[i].group, metric,
                          derived(NaN, NaN, (*values)[t],
                                  std::string("conversions credited by the ") + metric +
                                    (std::string(metric) == "markov" ? " (first-order removal effect)" : "") +
                                    " rule on the same journeys (no CI)")});
  }
  return out;
}

Model without_touchpoint(const Model& baseline, std::size_t t)
{
  Model m = baseline;
  m.name = "without_" + baseline.touchpoints[t].name;
  m.description = "the baseline without touchpoint " + baseline.touchpoints[t].name;
  m.overrides = "remove: {touchpoints: [" + baseline.touchpoints[t].name + "]}";
  m.touchpoints.erase(m.touchpoints.begin() + static_cast<std::ptrdiff_t>(t));
  return m;
}

Attribution removal_attribution(const Scenario& scenario, RunOptions options)
{
  Scenario removal = scenario;
  const Model& base = scenario.baseline();
  removal.variants = {base};
  for (std::size_t t = 0; t < base.touchpoints.size(); ++t)
    removal.variants.push_back(without_touchpoint(base, t));
  options.variants.clear();
  PairingSink sink(removal.variants.size(), analysis::funnel_shape(base, scenario.horizon_days));
  const RunResult result = run(removal, options, &sink);

  Attribution a;
  const Summary with = result.totals[0].summary();
  const double n = static_cast<double>(result.agents);
  for (std::size_t t = 0; t < base.touchpoints.size(); ++t) {
    const std::string& name = base.touchpoints[t].name;
    const Summary without = result.totals[t + 1].summary();
    const analysis::ComparisonTables paired = sink.comparisons[t]->result();
    const auto row = [&](const char* metric, analysis::Estimate e) { a.rows.push_back({name, metric, std::move(e)}); };
    const analysis::Estimate conv =
      increment(static_cast<double>(with.conversions), static_cast<double>(without.conversions),
                find(paired, "conversions"), 1.0, "removal run on common random numbers; paired proportions (McNemar)");
    const analysis::Estimate revenue = increment(with.revenue, without.revenue, find(paired, "revenue_per_agent"), n,
                                                 "removal run on common random numbers; paired mean difference");
    const analysis::Estimate cost = increment(with.cost, without.cost, find(paired, "marketing_cost"), 1.0,
                                              "removal run on common random numbers; paired mean difference");
    // Profit = revenue − (1 − margin) × list revenue − cost (= revenue − cost
    // without a margin): what a touchpoint earns once its cost and the goods
    // it sells are paid for.
    const analysis::Estimate profit =
      increment(with.profit, without.profit, base.uses_money() ? find(paired, "profit") : nullptr, 1.0,
                "removal run on common random numbers; paired mean difference");
    row("conversions", conv);
    row("revenue", revenue);
    row("marketing_cost", cost);
    row("profit", profit);
    // Ratios only where they mean something: a touchpoint that costs money
    // (a cost per contact or a budget), adds cost and brings conversions (a
    // free pain point that shifts other touchpoints' costs has no ROI of its own).
    const Touchpoint& tp = base.touchpoints[t];
    const bool paid = (tp.cost > 0 || tp.budget) && cost.difference > 0;
    // A cost per conversion of an increment not shown to exist (its CI
    // spans 0) is a number of noise: 139.36 for a touchpoint that did nothing.
    row("cost_per_incremental_conversion",
        derived(NaN, NaN, paid && conv.ci_low > 0 ? cost.difference / conv.difference : NaN,
                "incremental marketing cost / incremental conversions (no CI; only for a paid touchpoint whose "
                "added conversions are significant: 95 % CI above 0)"));
    row("incremental_roi",
        derived(NaN, NaN, paid ? profit.difference / cost.difference : NaN,
                "incremental profit / incremental cost (no CI; only for a paid touchpoint)"));
  }
  return a;
}

} // namespace journeysim
