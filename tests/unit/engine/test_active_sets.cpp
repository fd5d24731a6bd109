// The cached active sets (engine/active_sets.h) against the kernel's general
// path: the same stage, once cached and once made uncacheable by a targeting
// range every agent satisfies, must play bit for bit the same.

#include "collecting_sink.h"

#include "journeysim/engine/active_sets.h"
#include "journeysim/engine/compiled_model.h"
#include "journeysim/engine/runner.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <climits>
#include <cstring>
#include <string>

using namespace journeysim;

namespace {

//! Cart-abandon and min_days_in_stage targeting, discounts, moods, a repeat
//! purchase rate; `extra` is added to every touchpoint's target.
Scenario targeted(const std::string& extra)
{
  const std::string target = extra.empty() ? "" : ", " + extra;
  return parse_scenario(R"(
name: active-sets
horizon_days: 120
population: 20000
seed: 5
stages:
  - {name: aware, dropout: 0.02}
  - {name: intent, dropout: 0.05}
  - {name: bought, purchase: true, dropout: 0.01, purchase_rate: 0.03}
personas:
  - {name: a, share: 0.6, mood: 0.2, attributes: {patience: {beta: [2, 3]}, price_sensitivity: {uniform: [0.2, 0.9]}}}
  - {name: b, share: 0.4, mood: -0.1, affinity: {ads: 1.5}}
touchpoints:
  - {name: ad, channel: ads, stages: [aware, intent], reach: 0.05, advance: 0.1, emotion: 0.05, target: {min_days_in_stage: 0)" + target + R"(}}
  - {name: late_offer, channel: email, stages: [aware, intent], reach: 0.2, advance: 0.3, discount: 0.1, emotion: -0.02, target: {min_days_in_stage: 5)" + target + R"(}}
  - {name: later_offer, channel: email, stages: [aware], reach: 0.1, advance: 0.2, target: {min_days_in_stage: 12)" + target + R"(}}
  - {name: checkout, channel: web, stages: [intent], reach: 0.15, checkout: {steps: 3, step_abandon: 0.2}, target: {min_days_in_stage: 0)" + target + R"(}}
  - {name: cart_ad, channel: ads, stages: [intent], reach: 0.3, advance: 0.2, emotion: 0.1, target: {cart_abandoned: true)" + target + R"(}}
  - {name: upsell, channel: email, stages: [bought], reach: 0.05, emotion: 0.02, target: {min_days_in_stage: 0)" + target + R"(}}
)", "active_sets.yaml");
}

} // namespace

TEST_CASE("active sets: which touchpoints act, per cart flag and min_days_in_stage level", "[engine][active-sets]")
{
  const Scenario s = targeted("");
  const Population population(s.baseline(), s.seed);
  const CompiledModel m(s.baseline(), population, touchpoint_union(s), s.horizon_days);
  const ActiveSets& sets = m.active_sets;
  // aware: ad (0), late_offer (5), later_offer (12).
  CHECK(sets.find(0, false, 0)->touches == std::vector<int>{0});
  CHECK(sets.find(0, false, 4)->next_change == 5);
  CHECK(sets.find(0, false, 5)->touches == std::vector<int>{0, 1});
  CHECK(sets.find(0, false, 11)->next_change == 12);
  CHECK(sets.find(0, false, 12)->touches == std::vector<int>{0, 1, 2});
  CHECK(sets.find(0, false, 400)->next_change == INT_MAX);
  // intent: the cart flag adds cart_ad and nothing else.
  CHECK(sets.find(1, false, 0)->touches == std::vector<int>{0, 3});
  CHECK(sets.find(1, true, 0)->touches == std::vector<int>{0, 3, 4});
  CHECK(sets.find(1, true, 7)->touches == std::vector<int>{0, 1, 3, 4});
  // The last stage's repeat purchase heads every persona's chances.
  const ActiveSet& last = *sets.find(2, false, 0);
  CHECK(last.chance_of(1)[0] == 0.03);
  CHECK(last.chance_of(1)[1] == 0.05);
  CHECK(last.quiet[1] == (1.0 - 0.03) * (1.0 - 0.05));
  // A stage whose touchpoints test an attribute is not cached.
  const Scenario ranged = targeted("patience: {min: 0}");
  const CompiledModel general(ranged.baseline(), population, touchpoint_union(ranged), ranged.horizon_days);
  CHECK(general.active_sets.find(0, false, 0) == nullptr);
}

namespace {

//! A scenario run once with its stages cached and once down the general
//! path; the outcomes and tallies both runs must share are checked.
struct PlayedTwice {
  testing::CollectingSink a, b;
  RunResult ra, rb;

  PlayedTwice(const Scenario& cached, const Scenario& general)
  {
    RunOptions o;
    o.agents = 20000;
    o.threads = 2;
    ra = run(cached, o, &a);
    rb = run(general, o, &b);
    CHECK(testing::same_outcomes(a.variants[0].all, b.variants[0].all));
    const VariantTotals& x = ra.totals[0];
    const VariantTotals& y = rb.totals[0];
    CHECK(std::memcmp(&x.revenue, &y.revenue, sizeof(double)) == 0);
    CHECK(x.tally.exposures == y.tally.exposures);
    CHECK(x.tally.advances == y.tally.advances);
  }
};

} // namespace

TEST_CASE("active sets: a cached stage plays bit for bit as the general path", "[engine][active-sets][determinism]")
{
  // patience lies in [0, 1] for every agent: the range changes nothing but
  // sends every segment down the general path.
  const PlayedTwice played(targeted(""), targeted("patience: {min: 0}"));
  const testing::CollectingSink& a = played.a;
  const VariantTotals& x = played.ra.totals[0];
  const VariantTotals& y = played.rb.totals[0];
  CHECK(x.tally.mood_out == y.tally.mood_out);
  // The scenario exercises what it is meant to: cart abandons, late offers
  // taken up and repeat purchases all happen.
  std::uint64_t abandons = 0, purchases = 0;
  for (std::size_t i = 0; i < a.variants[0].all.size; ++i) {
    abandons += a.variants[0].all.cart_abandons[i];
    purchases += a.variants[0].all.purchases[i];
  }
  CHECK(abandons > 500);
  CHECK(purchases > 1000);
  CHECK(x.tally.advances[1] > 100); // late_offer
  CHECK(x.tally.advances[2] > 10);  // later_offer
  CHECK(x.tally.exposures[4] > 100); // cart_ad
}

namespace {

//! Budgets (pacing moves daily), a calendar campaign and arrivals over time;
//! `extra` is added to every touchpoint's target.
Scenario budgeted(const std::string& extra)
{
  const std::string target = extra.empty() ? "" : ", target: {" + extra + "}";
  return parse_scenario(R"(
name: active-sets-budgets
horizon_days: 90
population: 20000
seed: 9
arrivals: {daily: 0.02}
calendar:
  - {name: sale, from: 30, to: 39, arrivals: 2.0, reach: {social_ads: 1.5, newsletter: 2.0}}
stages:
  - {name: aware, dropout: 0.03}
  - {name: intent, dropout: 0.05}
  - {name: bought, purchase: true, dropout: 0.01, purchase_rate: 0.02}
personas:
  - {name: a, share: 0.6, mood: 0.1, attributes: {patience: {beta: [2, 3]}}, affinity: {social: 1.5}}
  - {name: b, share: 0.4, mood: -0.1, affinity: {search: 1.4}}
touchpoints:
  - {name: social_ads, channel: social, stages: [aware], reach: 0.15, advance: 0.1, emotion: 0.02,
     budget: {total: 800, cost_per_exposure: 0.02})" + target + R"(}
  - {name: search_ads, channel: search, stages: [aware, intent], reach: 0.1, advance: 0.15,
     budget: {total: 1500, cost_per_exposure: 0.04})" + target + R"(}
  - {name: newsletter, channel: email, stages: [aware, intent, bought], reach: 0.05, advance: 0.05, cost: 0.001)" + target + R"(}
  - {name: checkout, channel: web, stages: [intent], reach: 0.15, checkout: {steps: 3, step_abandon: 0.2})" + target + R"(}
)", "active_sets_budgets.yaml");
}

} // namespace

TEST_CASE("active sets: budgeted and calendar stages are cached day by day", "[engine][active-sets]")
{
  const Scenario s = budgeted("");
  const Population population(s.baseline(), s.seed);
  const CompiledModel m(s.baseline(), population, touchpoint_union(s), s.horizon_days);
  const ActiveSet& aware = *m.active_sets.find(0, false, 0);
  REQUIRE(aware.varies());
  CHECK(aware.paced == std::vector<int>{0, 1});
  for (int day : {0, 29, 30, 45, 89}) {
    CHECK(aware.change_after[static_cast<std::size_t>(day)] == day + 1); // paced: every day
    for (std::size_t p = 0; p < 2; ++p)
      for (std::size_t k = 0; k < aware.touches.size(); ++k)
        CHECK(aware.chance_of(p, day)[k + 1] == m.exposure_on(p, static_cast<std::size_t>(aware.touches[k]), day));
  }
  // The calendar alone changes the newsletter's chance at the sale's edges.
  const ActiveSet& bought = *m.active_sets.find(2, false, 0);
  REQUIRE(bought.varies());
  CHECK(bought.paced.empty());
  CHECK(bought.change_after[0] == 30);
  CHECK(bought.change_after[30] == 40);
  CHECK(bought.chance_of(1, 35)[1] == 2.0 * bought.chance_of(1, 0)[1]);
}

namespace {

//! The scenario drawn with one random stream.
Scenario with_stream(Scenario s, rng::Stream stream)
{
  for (Model& m : s.variants)
    m.random_stream = stream;
  return s;
}

//! Agents in aware or intent per day, counted from their outcomes: search_ads
//! targets everyone in aware (from the arrival day) and intent (from the day
//! after entering), to the day they left the stage or the horizon's last.
std::vector<std::int64_t> search_ads_stage_days(const OutcomeColumns& all, int horizon)
{
  std::vector<std::int64_t> days(static_cast<std::size_t>(horizon), 0);
  const std::size_t K = all.stages;
  for (std::size_t i = 0; i < all.size; ++i) {
    if (all.arrival_day[i] < 0)
      continue;
    for (std::size_t k = 0; k < 2 && all.stage_day[i * K + k] >= 0; ++k) {
      const int entered = all.stage_day[i * K + k];
      const int next = all.stage_day[i * K + k + 1];
      const int left = next >= 0 ? next
                       : all.lost[i] && static_cast<std::size_t>(all.final_stage[i]) == k ? all.lost_day[i]
                                                                                         : horizon - 1;
      for (int d = k == 0 ? entered : entered + 1; d <= left; ++d)
        ++days[static_cast<std::size_t>(d)];
    }
  }
  return days;
}

} // namespace

TEST_CASE("active sets: a budgeted stage plays bit for bit as the general path", "[engine][active-sets][determinism]")
{
  // Stream 4 walks a budgeted segment to its eventful day on one word;
  // stream 3 played its days one by one.
  const rng::Stream stream = GENERATE(rng::Stream::v3, rng::Stream::v4);
  const PlayedTwice played(with_stream(budgeted(""), stream), with_stream(budgeted("patience: {min: 0}"), stream));
  const RunResult& ra = played.ra;
  const RunResult& rb = played.rb;
  const VariantTotals& x = ra.totals[0];
  const VariantTotals& y = rb.totals[0];
  CHECK(x.tally.spend == y.tally.spend);
  CHECK(x.tally.eligible == y.tally.eligible);
  // The feedback solved the same budgets the same way.
  REQUIRE(ra.feedback.size() == 1);
  CHECK(ra.feedback[0].passes == rb.feedback[0].passes);
  CHECK(ra.feedback[0].curves.eligible == rb.feedback[0].curves.eligible);
  CHECK(ra.feedback[0].passes >= 2);
  std::int64_t audience = 0;
  for (const auto e : x.tally.eligible)
    audience += e;
  CHECK(audience > 100000); // agent-days in the budgets' audience
  // Counted where search_ads acts, not merely the same in both paths: every
  // day its stages hold the agent, except the day social_ads (listed before
  // it in aware) moved the agent on — the walk never reached search_ads then.
  const std::size_t H = 90, P = 2;
  std::vector<std::int64_t> search_ads(H, 0);
  for (std::size_t p = 0; p < P; ++p)
    for (std::size_t d = 0; d < H; ++d)
      search_ads[d] += x.tally.eligible[(1 * P + p) * H + d];
  const std::vector<std::int64_t> stage_days = search_ads_stage_days(played.a.variants[0].all, 90);
  std::int64_t not_reached = 0;
  for (std::size_t d = 0; d < H; ++d) {
    CHECK(search_ads[d] <= stage_days[d]);
    not_reached += stage_days[d] - search_ads[d];
  }
  REQUIRE(ra.touchpoints[0].name == "social_ads");
  CHECK(not_reached == x.tally.advances[0]);
  CHECK(not_reached > 1000);
  CHECK(x.tally.exposures[0] > 1000);
  CHECK(x.tally.exposures[1] > 1000);
}
