// Removal-run attribution (experiment/attribution.h): each touchpoint's
// increment equals, bit for bit, the difference of two separate runs — the
// scenario and the scenario without that touchpoint (a `remove:` variant
// resolved by the loader, run on its own) — and the paired CI holds it.

#include "journeysim/experiment/attribution.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace journeysim;

namespace {

const char* const SCENARIO = R"(
name: attribution
horizon_days: 60
seed: 11
stages:
  - {name: awareness, dropout: 0.02}
  - {name: interest, phase: pre_purchase, dropout: 0.03}
  - {name: intent, phase: purchase, dropout: 0.05}
  - {name: purchase, phase: purchase, purchase: true, dropout: 0.01}
  - {name: loyalty, phase: post_purchase, dropout: 0.01, purchase_rate: 0.02}
personas:
  - {name: p1, share: 0.6, mood: 0.1, attributes: {patience: {beta: [2, 2]}}, basket: {lognormal: [3, 0.5]}}
  - {name: p2, share: 0.4}
touchpoints:
  - {name: ads, channel: social, stages: [awareness], reach: 0.1, advance: 0.2, emotion: 0.05, cost: 0.01}
  - {name: search, channel: search, stages: [awareness, interest], reach: 0.05, advance: 0.15, cost: 0.04}
  - {name: newsletter, channel: email, stages: [interest], reach: 0.2, advance: 0.1, cost: 0.001}
  - {name: checkout, channel: website, stages: [intent], reach: 0.3, checkout: {steps: 3, step_abandon: 0.1}}
  - {name: reminder, channel: email, stages: [intent], target: {cart_abandoned: true}, reach: 0.5, advance: 0.4, cost: 0.2}
variants:
  - {name: without_ads, remove: {touchpoints: [ads]}}
  - {name: without_search, remove: {touchpoints: [search]}}
  - {name: without_newsletter, remove: {touchpoints: [newsletter]}}
  - {name: without_checkout, remove: {touchpoints: [checkout]}}
  - {name: without_reminder, remove: {touchpoints: [reminder]}}
)";

const analysis::Estimate& row(const Attribution& a, const std::string& touchpoint, const std::string& metric)
{
  for (const auto& r : a.rows)
    if (r.group == touchpoint && r.metric == metric)
      return r.estimate;
  FAIL("no row " << touchpoint << " / " << metric);
  throw;
}

//! A scenario of one model, run on its own.
Summary alone(const Scenario& s, std::size_t variant, const RunOptions& o)
{
  Scenario one = s;
  one.variants = {s.variants[variant]};
  return run(one, o, nullptr).totals[0].summary();
}

} // namespace

TEST_CASE("attribution: the increment is the difference of two separate runs, bit for bit", "[experiment]")
{
  const Scenario s = parse_scenario(SCENARIO, "attribution.yaml");
  RunOptions o;
  o.agents = 30000;
  o.threads = 2;
  const Attribution a = removal_attribution(s, o);
  REQUIRE(a.rows.size() == 5 * 6);
  const Summary with = alone(s, 0, o);
  for (std::size_t t = 0; t < 5; ++t) {
    const std::string name = s.baseline().touchpoints[t].name;
    INFO(name);
    // The loader's `remove:` variant, run separately (other threads too).
    RunOptions other = o;
    other.threads = 1;
    other.chunk_agents = 4096;
    const Summary without = alone(s, t + 1, other);
    const auto& conv = row(a, name, "conversions");
    const auto& revenue = row(a, name, "revenue");
    const auto& cost = row(a, name, "marketing_cost");
    CHECK(conv.baseline == static_cast<double>(with.conversions));
    CHECK(conv.variant == static_cast<double>(without.conversions));
    CHECK(conv.difference == static_cast<double>(with.conversions - without.conversions));
    CHECK(revenue.baseline == with.revenue);
    CHECK(revenue.variant == without.revenue);
    CHECK(revenue.difference == with.revenue - without.revenue);
    CHECK(cost.variant == without.cost);
    CHECK(cost.difference == with.cost - without.cost);
    // The paired CI is around the increment.
    CHECK(conv.ci_low <= conv.difference);
    CHECK(conv.difference <= conv.ci_high);
    CHECK(revenue.ci_low <= revenue.difference);
    CHECK(revenue.difference <= revenue.ci_high);
    const analysis::Estimate& profit = row(a, name, "profit");
    CHECK(profit.difference == with.profit - without.profit);
    const auto& tp = s.baseline().touchpoints[t];
    const bool paid = (tp.cost > 0 || tp.budget) && cost.difference > 0;
    const double cpi = row(a, name, "cost_per_incremental_conversion").difference;
    if (paid && conv.difference > 0)
      CHECK(cpi == cost.difference / conv.difference);
    else
      CHECK(std::isnan(cpi));
    const double roi = row(a, name, "incremental_roi").difference;
    if (paid)
      CHECK(roi == profit.difference / cost.difference);
    else
      CHECK(std::isnan(roi));
  }
  // The checkout is the only way to buy: without it nobody converts.
  CHECK(row(a, "checkout", "conversions").variant == 0);
  CHECK(row(a, "checkout", "conversions").difference == static_cast<double>(with.conversions));
  // A touchpoint for abandoned carts only: its CI is tight and excludes 0
  // (≈ 210 conversions, ≈ 11 standard errors, under any draws: with reach
  // 0.2 and advance 0.1 it was ≈ 25 ± 18 and held for one seed in four).
  CHECK(row(a, "reminder", "conversions").ci_low > 0);
}

TEST_CASE("attribution: the same for any thread count", "[experiment]")
{
  const Scenario s = parse_scenario(SCENARIO, "attribution.yaml");
  RunOptions o;
  o.agents = 5000;
  o.threads = 1;
  const Attribution one = removal_attribution(s, o);
  o.threads = 2;
  o.chunk_agents = 2048;
  const Attribution two = removal_attribution(s, o);
  REQUIRE(one.rows.size() == two.rows.size());
  for (std::size_t i = 0; i < one.rows.size(); ++i) {
    const auto &x = one.rows[i].estimate, &y = two.rows[i].estimate;
    CHECK((x.difference == y.difference || (std::isnan(x.difference) && std::isnan(y.difference))));
    CHECK((x.ci_low == y.ci_low || (std::isnan(x.ci_low) && std::isnan(y.ci_low))));
  }
}

TEST_CASE("attribution: a budgeted touchpoint has its ROI, on incremental profit, with the profit's paired CI",
          "[experiment]")
{
  // The default shop: social and search ads are bought with budgets (no cost
  // per contact in the touchpoint), and the scenario has a margin.
  const Scenario s = load_scenario(std::string(JOURNEYSIM_SCENARIOS) + "/checkout_what_if.yaml");
  REQUIRE(s.baseline().uses_money());
  RunOptions o;
  o.agents = 8000;
  o.threads = 2;
  const Attribution a = removal_attribution(s, o);
  for (const char* name : {"social_ads", "search_ads"}) {
    INFO(name);
    const auto& cost = row(a, name, "marketing_cost");
    const auto& profit = row(a, name, "profit");
    REQUIRE(cost.difference > 0); // its budget is spent
    CHECK(profit.ci_low <= profit.difference);
    CHECK(profit.difference <= profit.ci_high);
    CHECK(profit.ci_high - profit.ci_low > 0);
    CHECK(row(a, name, "incremental_roi").difference == profit.difference / cost.difference);
  }
}
