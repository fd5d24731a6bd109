// Variants are paired: draws are keyed by what they decide, so a change only
// alters the agents it touches (MODEL.md "Randomness").

#include "collecting_sink.h"

#include "journeysim/engine/runner.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

using namespace journeysim;

namespace {

struct Pair {
  Scenario scenario;
  testing::CollectingSink sink;
  RunResult result;
};

std::unique_ptr<Pair> run_all(const std::string& text, std::uint64_t agents)
{
  auto p = std::make_unique<Pair>();
  p->scenario = parse_scenario(text, "crn.yaml");
  RunOptions o;
  o.agents = agents;
  p->result = run(p->scenario, o, &p->sink);
  return p;
}

bool same_agent(const OutcomeColumns& a, const OutcomeColumns& b, std::size_t i)
{
  for (std::size_t k = 0; k < a.stages; ++k)
    if (a.stage_day[i * a.stages + k] != b.stage_day[i * b.stages + k])
      return false;
  return a.final_stage[i] == b.final_stage[i] && a.lost[i] == b.lost[i] &&
         a.lost_day[i] == b.lost_day[i] && a.purchases[i] == b.purchases[i] &&
         a.revenue[i] == b.revenue[i] && a.cost[i] == b.cost[i] && a.touches[i] == b.touches[i] &&
         a.cart_abandons[i] == b.cart_abandons[i] && a.mood[i] == b.mood[i];
}

} // namespace

TEST_CASE("a checkout-only change leaves agents who never reached the cart untouched", "[crn]")
{
  // A model without population feedback: with budgets or referrals a variant
  // solves its own fixed point, and the pacing it finds moves every agent's
  // draws a little (MODEL.md "Randomness, concretely").
  const Scenario s = load_scenario(std::string(JOURNEYSIM_TEST_DATA) + "/legacy/checkout_what_if_v1.yaml");
  const int variant = s.variant_index("simplified_checkout");
  REQUIRE(variant > 0);
  const int intent = s.baseline().stage_index("intent");
  testing::CollectingSink sink;
  RunOptions o;
  o.agents = 100000;
  o.variants = {0, variant};
  run(s, o, &sink);
  const auto& base = sink.variants[0].all;
  const auto& alt = sink.variants[1].all;
  std::size_t untouched = 0, touched = 0, changed = 0;
  for (std::size_t i = 0; i < base.size; ++i) {
    if (base.stage_day[i * base.stages + static_cast<std::size_t>(intent)] < 0) {
      ++untouched;
      CHECK(same_agent(base, alt, i));
    } else {
      ++touched;
      changed += same_agent(base, alt, i) ? 0 : 1;
    }
  }
  CHECK(untouched > 50000); // most never put anything in a cart
  CHECK(touched > 1000);
  CHECK(changed > touched / 20); // and the change does act on the others
}

TEST_CASE("adding a touchpoint does not reshuffle the draws of the others", "[crn]")
{
  const std::string text = R"(
name: crn
horizon_days: 60
stages:
  - {name: awareness, dropout: 0.03}
  - {name: interest, dropout: 0.03}
  - {name: intent, phase: purchase, dropout: 0.05}
  - {name: purchase, phase: purchase, purchase: true, dropout: 0.01}
personas:
  - {name: a, share: 1, attributes: {patience: {beta: [2, 2]}}, basket: {lognormal: [3, 0.5]}}
touchpoints:
  - {name: ads, channel: social, stages: [awareness], reach: 0.2, advance: 0.1, emotion: 0.05, cost: 0.01}
  - {name: blog, channel: blog, stages: [interest], reach: 0.2, advance: 0.1, emotion: -0.05}
  - {name: mail, channel: email, stages: [awareness, interest, intent], reach: 0.1, advance: 0.1, cost: 0.02}
  - name: checkout
    channel: website
    stages: [intent]
    reach: 0.2
    checkout: {steps: 3, step_abandon: 0.1}
variants:
  - name: extra_intent_touch
    add:
      touchpoints:
        - {name: chat, channel: live_chat, stages: [intent], reach: 0.3, advance: 0.3, emotion: 0.1, cost: 1}
  - name: cart_remarketing
    add:
      touchpoints:
        - {name: remarketing, channel: paid_ads, stages: [intent], target: {cart_abandoned: true}, reach: 0.3, advance: 0.2, cost: 0.3}
)";
  const auto p = run_all(text, 50000);
  const auto& base = p->sink.variants[0].all;
  const auto& rows = p->result.touchpoints;

  SECTION("a touchpoint in a later stage: everything before that stage is unchanged")
  {
    const auto& alt = p->sink.variants[1].all;
    const int intent = p->scenario.baseline().stage_index("intent");
    for (std::size_t i = 0; i < base.size; ++i)
      for (int k = 0; k <= intent; ++k)
        REQUIRE(base.stage_day[i * base.stages + static_cast<std::size_t>(k)] ==
                alt.stage_day[i * alt.stages + static_cast<std::size_t>(k)]);
    // Exposures of touchpoints that act only before the intent stage: equal.
    for (std::size_t r = 0; r < rows.size(); ++r)
      if (rows[r].name == "ads" || rows[r].name == "blog")
        CHECK(p->result.totals[0].tally.exposures[r] == p->result.totals[1].tally.exposures[r]);
    CHECK(p->result.totals[1].tally.exposures[rows.size() - 2] > 0); // chat was used
  }

  SECTION("remarketing to abandoned carts leaves everyone who never abandoned a cart untouched")
  {
    const auto& alt = p->sink.variants[2].all;
    std::size_t abandoners = 0, changed = 0;
    for (std::size_t i = 0; i < base.size; ++i) {
      if (base.cart_abandons[i] == 0) {
        REQUIRE(same_agent(base, alt, i));
      } else {
        ++abandoners;
        changed += same_agent(base, alt, i) ? 0 : 1;
      }
    }
    CHECK(abandoners > 500);
    CHECK(changed > abandoners / 5);
  }
}
